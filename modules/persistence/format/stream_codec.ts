/**
 * Streams in RDB: decoding the three stream type codes Redis has written into the neutral
 * `StreamValue`, and encoding one back.
 *
 * Layout (rdb.c / t_stream.c). A stream is a radix tree of listpack "nodes"; the RDB stores
 * the node count, then per node its key (the node's master ID: 16 bytes, ms and seq as
 * big-endian u64) and its listpack. Each listpack starts with a master entry
 *   count | deleted | n | field_1 .. field_n | 0
 * followed by entries
 *   flags | ms-delta | seq-delta | [n | field,value × n  or, with SAMEFIELDS, value × n] | lp-count
 * (flags: 1 = deleted, 2 = same fields as the master entry; deltas are relative to the master
 * ID and wrap in 64 bits; lp-count is the entry's element count, for backward walks). After
 * the nodes: length, last ID, and since type 19 (v2) the first ID, the max deleted ID and
 * entries-added; then the consumer groups, each with its last ID, (v2+) entries-read, its PEL
 * (raw 16-byte ID, delivery ms, delivery count) and its consumers (name, seen ms, (v3) active
 * ms, the IDs of the PEL entries they own).
 *
 * IDs are unsigned 64-bit pairs, so they are computed with BigInt here and presented as
 * "ms-seq" strings. The encoder splits nodes the way Redis does (by entry count and bytes),
 * so a loaded stream has the node shape Redis would have built.
 */

import { ByteReader, ByteWriter, FormatError } from "./bytes.ts";
import { listpackDecode, listpackEncode, listpackEntrySize } from "./listpack.ts";
import {
  RdbType,
  readBlob,
  readCount,
  readLength,
  readLengthBig,
  readMillis,
  readNested,
  readString,
  writeBlob,
  writeLength,
  writeMillis,
  writeString,
} from "./rdb_primitives.ts";
import type { StreamGroup, StreamValue } from "./values.ts";

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const U64_MAX = (1n << 64n) - 1n;

/**
 * Parses an "ms-seq" stream ID into its two unsigned 64-bit parts.
 *
 * @example
 * ```ts
 * parseStreamId("5-1"); // [5n, 1n]
 * ```
 */
export function parseStreamId(id: string): [bigint, bigint] {
  const m = /^(\d{1,20})-(\d{1,20})$/.exec(id);
  const ms = m ? BigInt(m[1]) : -1n;
  const seq = m ? BigInt(m[2]) : -1n;
  if (ms < 0n || seq < 0n || ms > U64_MAX || seq > U64_MAX) {
    throw new Error(`bad stream ID "${id}"`);
  }
  return [ms, seq];
}

function readRawId(r: ByteReader, what: string): string {
  return `${r.u64be(what)}-${r.u64be(what)}`;
}

function readId(r: ByteReader, what: string): string {
  return `${readLengthBig(r, what)}-${readLengthBig(r, what)}`;
}

function readListpackNode(r: ByteReader, out: StreamValue["entries"]): void {
  const keyAt = r.offset();
  const key = readBlob(r, "stream node key");
  if (key.length !== 16) {
    throw new FormatError(`stream node key of ${key.length} bytes, expected 16`, keyAt);
  }
  const kv = new DataView(key.buffer, key.byteOffset, 16);
  const masterMs = kv.getBigUint64(0, false);
  const masterSeq = kv.getBigUint64(8, false);
  const lpAt = r.offset();
  const items = readNested(r, "stream listpack", listpackDecode);
  let i = 0;
  const bad = (why: string): never => {
    throw new FormatError(`corrupt stream listpack: ${why}`, lpAt);
  };
  const next =
    (): string => (i < items.length ? items[i++] : bad("ends in the middle of an entry"));
  const delta = (): bigint => {
    const s = next();
    return /^-?\d{1,20}$/.test(s) ? BigInt(s) : bad(`expected an ID delta, got "${s}"`);
  };
  const int = (): number => {
    const s = next();
    const v = Number(s);
    return Number.isSafeInteger(v) && v >= 0 ? v : bad(`expected a count, got "${s}"`);
  };
  const live = int();
  const deleted = int();
  const nMaster = int();
  if (nMaster > items.length) bad("master field count too large");
  const masterFields = items.slice(i, i + nMaster);
  i += nMaster;
  if (next() !== "0") bad("master entry not terminated by 0");
  let seenLive = 0;
  let seenDeleted = 0;
  while (i < items.length) {
    const start = i;
    const flags = int();
    const ms = BigInt.asUintN(64, masterMs + delta());
    const seq = BigInt.asUintN(64, masterSeq + delta());
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    const n = same ? nMaster : int();
    if (n * (same ? 1 : 2) > items.length - i) bad("entry field count too large");
    const fields: [string, string][] = [];
    for (let f = 0; f < n; f++) {
      const field = same ? masterFields[f] : next();
      fields.push([field, next()]);
    }
    if (int() !== i - 1 - start) bad("entry lp-count does not match its size");
    if (flags & FLAG_DELETED) seenDeleted++;
    else {
      seenLive++;
      out.push({ id: `${ms}-${seq}`, fields });
    }
  }
  if (seenLive !== live || seenDeleted !== deleted) {
    bad(`master counts ${live}/${deleted}, found ${seenLive}/${seenDeleted}`);
  }
}

/**
 * Decodes a stream of type STREAM_LISTPACKS (15), _2 (19) or _3 (21).
 *
 * @example
 * ```ts
 * const stream = readStream(r, RdbType.STREAM_LISTPACKS_3);
 * ```
 */
export function readStream(r: ByteReader, type: number): StreamValue {
  const v2 = type >= RdbType.STREAM_LISTPACKS_2;
  const v3 = type >= RdbType.STREAM_LISTPACKS_3;
  const entries: StreamValue["entries"] = [];
  const nodes = readCount(r, "stream node count", 2);
  for (let n = 0; n < nodes; n++) readListpackNode(r, entries);
  const lengthAt = r.offset();
  const length = readLength(r, "stream length");
  if (length !== entries.length) {
    throw new FormatError(`stream length ${length} but ${entries.length} entries`, lengthAt);
  }
  const lastId = readId(r, "stream last ID");
  let firstId = entries.length ? entries[0].id : "0-0";
  let maxDeletedId = "0-0";
  let entriesAdded = length;
  if (v2) {
    firstId = readId(r, "stream first ID");
    maxDeletedId = readId(r, "stream max deleted ID");
    entriesAdded = readLength(r, "stream entries added");
  }
  const groups: StreamGroup[] = [];
  const nGroups = readCount(r, "stream group count", 3);
  for (let g = 0; g < nGroups; g++) {
    const name = readString(r, "stream group name");
    const groupLastId = readId(r, "stream group last ID");
    let entriesRead: number | null = null;
    if (v2) {
      const big = readLengthBig(r, "stream group entries read");
      entriesRead = big === U64_MAX ? -1 : Number(big);
    }
    const pending: StreamGroup["pending"] = [];
    const owners = new Set<string>();
    const nPel = readCount(r, "stream PEL size", 25);
    for (let p = 0; p < nPel; p++) {
      const id = readRawId(r, "stream PEL ID");
      pending.push({
        id,
        deliveryTime: readMillis(r, "PEL delivery time"),
        deliveryCount: readLength(r, "PEL delivery count"),
      });
      owners.add(id);
    }
    const consumers: StreamGroup["consumers"] = [];
    const nConsumers = readCount(r, "stream consumer count", 10);
    for (let c = 0; c < nConsumers; c++) {
      const cname = readString(r, "stream consumer name");
      const seenTime = readMillis(r, "consumer seen time");
      const activeTime = v3 ? readMillis(r, "consumer active time") : seenTime;
      const ids: string[] = [];
      const nIds = readCount(r, "consumer PEL size", 16);
      for (let p = 0; p < nIds; p++) {
        const at = r.offset();
        const id = readRawId(r, "consumer PEL ID");
        if (!owners.delete(id)) {
          throw new FormatError(
            `consumer PEL entry ${id} not in the group PEL (or owned twice)`,
            at,
          );
        }
        ids.push(id);
      }
      consumers.push({ name: cname, seenTime, activeTime, pending: ids });
    }
    groups.push({ name, lastId: groupLastId, entriesRead, pending, consumers });
  }
  return { kind: "stream", entries, lastId, firstId, maxDeletedId, entriesAdded, groups };
}

/** Node limits and compression for `writeStream`. @example `{ nodeMaxBytes: 4096, nodeMaxEntries: 100 }` */
export interface StreamWriteOptions {
  nodeMaxBytes?: number;
  nodeMaxEntries?: number;
  compress?: boolean;
}

function sameNames(a: readonly string[], fields: readonly [string, string][]): boolean {
  if (a.length !== fields.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== fields[i][0]) return false;
  return true;
}

function writeId(w: ByteWriter, id: string): void {
  const [ms, seq] = parseStreamId(id);
  writeLength(w, ms);
  writeLength(w, seq);
}

function writeRawId(w: ByteWriter, id: string): void {
  const [ms, seq] = parseStreamId(id);
  w.u64be(ms);
  w.u64be(seq);
}

function buildNodes(
  s: StreamValue,
  maxBytes: number,
  maxEntries: number,
): { key: string; lp: Uint8Array }[] {
  const nodes: { key: string; lp: Uint8Array }[] = [];
  let body: string[] = [];
  let master: [bigint, bigint] = [0n, 0n];
  let masterFields: string[] = [];
  let count = 0;
  let bytes = 0;
  let prev: [bigint, bigint] | null = null;
  const flush = () => {
    if (count === 0) return;
    const head = [String(count), "0", String(masterFields.length), ...masterFields, "0"];
    nodes.push({ key: `${master[0]}-${master[1]}`, lp: listpackEncode(head.concat(body)) });
  };
  for (const e of s.entries) {
    const id = parseStreamId(e.id);
    if (prev && (id[0] < prev[0] || (id[0] === prev[0] && id[1] <= prev[1]))) {
      throw new Error(`stream entry IDs out of order at ${e.id}`);
    }
    prev = id;
    let size = 0;
    for (const [f, v] of e.fields) size += listpackEntrySize(f) + listpackEntrySize(v);
    if (count > 0 && (bytes + size >= maxBytes || (maxEntries > 0 && count >= maxEntries))) {
      flush();
      count = 0;
    }
    if (count === 0) {
      master = id;
      masterFields = e.fields.map(([f]) => f);
      body = [];
      bytes = 0;
      for (const f of masterFields) bytes += listpackEntrySize(f);
    }
    const same = sameNames(masterFields, e.fields);
    const item = [
      String(same ? FLAG_SAMEFIELDS : 0),
      String(BigInt.asIntN(64, id[0] - master[0])),
      String(BigInt.asIntN(64, id[1] - master[1])),
    ];
    if (!same) item.push(String(e.fields.length));
    for (const [f, v] of e.fields) {
      if (!same) item.push(f);
      item.push(v);
    }
    item.push(String(item.length));
    body.push(...item);
    bytes += size;
    count++;
  }
  flush();
  return nodes;
}

/**
 * Encodes a stream body as type STREAM_LISTPACKS_2 (RDB 10, Redis 7.0) or _3 (RDB 11+).
 *
 * @example
 * ```ts
 * writeStream(w, stream, RdbType.STREAM_LISTPACKS_3, { compress: true });
 * ```
 */
export function writeStream(
  w: ByteWriter,
  s: StreamValue,
  type: number,
  options: StreamWriteOptions = {},
): void {
  const nodes = buildNodes(s, options.nodeMaxBytes ?? 4096, options.nodeMaxEntries ?? 100);
  writeLength(w, nodes.length);
  for (const node of nodes) {
    const key = new ByteWriter(16);
    writeRawId(key, node.key);
    writeBlob(w, key.finish());
    writeBlob(w, node.lp, options);
  }
  writeLength(w, s.entries.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  writeLength(w, s.entriesAdded);
  writeLength(w, s.groups.length);
  for (const g of s.groups) {
    writeString(w, g.name);
    writeId(w, g.lastId);
    writeLength(w, g.entriesRead === null || g.entriesRead < 0 ? U64_MAX : g.entriesRead);
    writeLength(w, g.pending.length);
    for (const p of g.pending) {
      writeRawId(w, p.id);
      writeMillis(w, p.deliveryTime);
      writeLength(w, p.deliveryCount);
    }
    writeLength(w, g.consumers.length);
    for (const c of g.consumers) {
      writeString(w, c.name);
      writeMillis(w, c.seenTime);
      if (type >= RdbType.STREAM_LISTPACKS_3) writeMillis(w, c.activeTime);
      writeLength(w, c.pending.length);
      for (const id of c.pending) writeRawId(w, id);
    }
  }
}

/**
 * Values in RDB encoding: `readValue` decodes any value type code Redis has ever written into
 * the neutral `RdbValue`; `writeValue` encodes an `RdbValue` the way Redis 7.x would, for a
 * chosen RDB version (10 = Redis 7.0, 11 = 7.2, 12 = 7.4).
 *
 * Encoding choice mirrors Redis's own rules so a loaded value gets the encoding Redis would
 * have given it, using the same thresholds (configurable, Redis defaults):
 *   - list: quicklist 2 of listpack nodes, split by `list-max-listpack-size` (-2 = 8 KB);
 *   - set: intset when all members are integers (≤ set-max-intset-entries), else a listpack
 *     when small and the target is RDB 11+, else a plain set;
 *   - zset: a listpack sorted by (score, member) when small, else ZSET_2 (binary doubles);
 *   - hash: a listpack when small, else a plain hash; with field TTLs (RDB 12 only) the
 *     listpack-ex form (triplets sorted by expiry, 0 = none) or HASH_METADATA (TTLs relative
 *     to the smallest one, +1, 0 = none).
 * Old forms (ziplists, zipmaps, quicklist v1, ZSET with string scores, PRE_GA hash types,
 * stream v1/v2) are decoded but never written.
 *
 * Listpack zset scores are stored as text; they are formatted like Redis's d2string
 * (integers without a fraction, "inf"/"-inf") and parsed back accepting what strtod accepts.
 */

import { ByteReader, ByteWriter, FormatError } from "./bytes.ts";
import { intsetDecode, intsetEncode } from "./intset.ts";
import { ziplistDecode, zipmapDecode } from "./legacy_encodings.ts";
import {
  listpackAppend,
  listpackBegin,
  listpackDecode,
  listpackEncode,
  listpackEnd,
  listpackEntrySize,
} from "./listpack.ts";
import { moduleIdDecode, moduleIdEncode, skipModuleItems } from "./module_value.ts";
import {
  RDB_VERSION_LATEST,
  RdbType,
  readCount,
  readLength,
  readLengthBig,
  readMillis,
  readNested,
  readString,
  readStringDouble,
  writeBlob,
  writeLength,
  writeMillis,
  writeString,
} from "./rdb_primitives.ts";
import { readStream, writeStream } from "./stream_codec.ts";
import type { HashValue, RdbValue, ZsetValue } from "./values.ts";

/** Pairs up a flat [a1, b1, a2, b2, ...] array. */
function pairs(flat: string[], at: number, what: string): [string, string][] {
  if (flat.length % 2) throw new FormatError(`${what} has an odd number of elements`, at);
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/**
 * Parses a score as Redis stores it in text (strtod syntax, including inf/infinity); NaN when
 * the text is not a number.
 *
 * @example
 * ```ts
 * parseScore("-inf"); // -Infinity
 * ```
 */
export function parseScore(s: string): number {
  const v = Number(s);
  if (!Number.isNaN(v) && s.trim() !== "") return v;
  const t = s.trim().toLowerCase();
  const body = t.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return t.startsWith("-") ? -Infinity : Infinity;
  return NaN;
}

/**
 * Formats a score the way Redis stores it in listpacks.
 *
 * @example
 * ```ts
 * formatScore(2); // "2"
 * formatScore(-Infinity); // "-inf"
 * ```
 */
export function formatScore(v: number): string {
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function zsetFromFlat(flat: string[], at: number): ZsetValue {
  const entries = pairs(flat, at, "zset").map(([m, s]): [string, number] => {
    const score = parseScore(s);
    if (Number.isNaN(score)) throw new FormatError(`bad zset score "${s}"`, at);
    return [m, score];
  });
  return { kind: "zset", entries };
}

function readHashListpackEx(r: ByteReader, type: number): HashValue {
  if (type === RdbType.HASH_LISTPACK_EX) readMillis(r, "hash min expire");
  const at = r.offset();
  const flat = readNested(r, "hash listpack", listpackDecode);
  if (flat.length % 3) throw new FormatError("hash listpack-ex is not made of triplets", at);
  const entries: HashValue["entries"] = [];
  for (let i = 0; i < flat.length; i += 3) {
    const ttl = Number(flat[i + 2]);
    if (!Number.isSafeInteger(ttl) || ttl < 0) {
      throw new FormatError(`bad hash field TTL "${flat[i + 2]}"`, at);
    }
    entries.push(ttl ? [flat[i], flat[i + 1], ttl] : [flat[i], flat[i + 1]]);
  }
  return { kind: "hash", entries };
}

function readHashMetadata(r: ByteReader, type: number): HashValue {
  const minExpire = type === RdbType.HASH_METADATA ? BigInt(readMillis(r, "hash min expire")) : 0n;
  const n = readCount(r, "hash size", 3);
  const entries: HashValue["entries"] = [];
  for (let i = 0; i < n; i++) {
    const ttl = readLengthBig(r, "hash field TTL");
    const field = readString(r, "hash field");
    const value = readString(r, "hash value");
    if (ttl === 0n) entries.push([field, value]);
    else {entries.push([
        field,
        value,
        Number(type === RdbType.HASH_METADATA ? ttl + minExpire - 1n : ttl),
      ]);}
  }
  return { kind: "hash", entries };
}

/**
 * Decodes one value of the given type code.
 *
 * @example
 * ```ts
 * const type = r.u8("type");
 * const key = readString(r, "key");
 * const value = readValue(r, type);
 * ```
 */
export function readValue(r: ByteReader, type: number): RdbValue {
  const at = r.offset();
  switch (type) {
    case RdbType.STRING:
      return { kind: "string", value: readString(r, "string value") };
    case RdbType.LIST:
    case RdbType.SET: {
      const n = readCount(r, type === RdbType.LIST ? "list length" : "set size");
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(readString(r, "element"));
      return type === RdbType.LIST ? { kind: "list", items } : { kind: "set", members: items };
    }
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = readCount(r, "zset size", 2);
      const entries: ZsetValue["entries"] = [];
      for (let i = 0; i < n; i++) {
        const member = readString(r, "zset member");
        entries.push([
          member,
          type === RdbType.ZSET ? readStringDouble(r, "zset score") : r.f64le("zset score"),
        ]);
      }
      return { kind: "zset", entries };
    }
    case RdbType.HASH: {
      const n = readCount(r, "hash size", 2);
      const entries: HashValue["entries"] = [];
      for (let i = 0; i < n; i++) {
        entries.push([readString(r, "hash field"), readString(r, "hash value")]);
      }
      return { kind: "hash", entries };
    }
    case RdbType.HASH_ZIPMAP:
      return { kind: "hash", entries: readNested(r, "zipmap", zipmapDecode) };
    case RdbType.LIST_ZIPLIST:
      return { kind: "list", items: readNested(r, "ziplist", ziplistDecode) };
    case RdbType.SET_INTSET:
      return { kind: "set", members: readNested(r, "intset", intsetDecode) };
    case RdbType.SET_LISTPACK:
      return { kind: "set", members: readNested(r, "set listpack", listpackDecode) };
    case RdbType.ZSET_ZIPLIST:
      return zsetFromFlat(readNested(r, "zset ziplist", ziplistDecode), at);
    case RdbType.ZSET_LISTPACK:
      return zsetFromFlat(readNested(r, "zset listpack", listpackDecode), at);
    case RdbType.HASH_ZIPLIST:
      return {
        kind: "hash",
        entries: pairs(readNested(r, "hash ziplist", ziplistDecode), at, "hash"),
      };
    case RdbType.HASH_LISTPACK:
      return {
        kind: "hash",
        entries: pairs(readNested(r, "hash listpack", listpackDecode), at, "hash"),
      };
    case RdbType.HASH_LISTPACK_EX:
    case RdbType.HASH_LISTPACK_EX_PRE_GA:
      return readHashListpackEx(r, type);
    case RdbType.HASH_METADATA:
    case RdbType.HASH_METADATA_PRE_GA:
      return readHashMetadata(r, type);
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2:
      return readQuicklist(r, type);
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
    case RdbType.STREAM_LISTPACKS_3:
      return readStream(r, type);
    case RdbType.MODULE_2: {
      const { name, encver } = moduleIdDecode(readLengthBig(r, "module ID"));
      return { kind: "module", name, encver, body: skipModuleItems(r, name) };
    }
    case RdbType.MODULE_PRE_GA: {
      const { name } = moduleIdDecode(readLengthBig(r, "module ID"));
      throw new FormatError(
        `module type "${name}" value in the pre-GA format, which can't be skipped`,
        at,
      );
    }
    default:
      throw new FormatError(`unknown value type ${type}`, at);
  }
}

const QUICKLIST_PLAIN = 1;
const QUICKLIST_PACKED = 2;

function readQuicklist(r: ByteReader, type: number): RdbValue {
  const nodes = readCount(r, "quicklist node count", 2);
  const items: string[] = [];
  for (let n = 0; n < nodes; n++) {
    let container = QUICKLIST_PACKED;
    if (type === RdbType.LIST_QUICKLIST_2) {
      const cat = r.offset();
      container = readLength(r, "quicklist container");
      if (container !== QUICKLIST_PLAIN && container !== QUICKLIST_PACKED) {
        throw new FormatError(`bad quicklist container ${container}`, cat);
      }
    }
    if (container === QUICKLIST_PLAIN) {
      items.push(readString(r, "quicklist plain node"));
      continue;
    }
    const node = type === RdbType.LIST_QUICKLIST_2
      ? readNested(r, "quicklist node", listpackDecode)
      : readNested(r, "quicklist node", ziplistDecode);
    for (const item of node) items.push(item); // empty nodes are skipped, as Redis does
  }
  return { kind: "list", items };
}

/**
 * Encoding thresholds and output choices for `writeValue` (Redis's config names in camel case,
 * Redis's defaults).
 *
 * @example
 * ```ts
 * const opts: ValueWriteOptions = { rdbVersion: 10, compress: false, hashMaxListpackEntries: 0 };
 * ```
 */
export interface ValueWriteOptions {
  /** 10, 11 or 12 (default 12, what Redis 7.4 writes). */
  rdbVersion?: number;
  /** LZF-compress strings and blobs (rdbcompression, default true). */
  compress?: boolean;
  listMaxListpackSize?: number;
  hashMaxListpackEntries?: number;
  hashMaxListpackValue?: number;
  setMaxIntsetEntries?: number;
  setMaxListpackEntries?: number;
  setMaxListpackValue?: number;
  zsetMaxListpackEntries?: number;
  zsetMaxListpackValue?: number;
  streamNodeMaxBytes?: number;
  streamNodeMaxEntries?: number;
}

function small(
  strings: Iterable<string>,
  count: number,
  maxEntries: number,
  maxValue: number,
): boolean {
  if (count > maxEntries) return false;
  for (const s of strings) if (s.length > maxValue) return false;
  return true;
}

function* flatten<T extends readonly unknown[]>(
  rows: readonly T[],
  width: number,
): Generator<string> {
  for (const row of rows) for (let i = 0; i < width; i++) yield row[i] as string;
}

function writeList(w: ByteWriter, items: readonly string[], o: ValueWriteOptions): void {
  const fill = o.listMaxListpackSize ?? -2;
  const maxBytes = fill < 0 ? 4096 << Math.min(-fill - 1, 4) : Infinity;
  const maxCount = fill > 0 ? fill : Infinity;
  const nodes: [number, number][] = [];
  let start = 0;
  let bytes = 7;
  for (let i = 0; i < items.length; i++) {
    const size = listpackEntrySize(items[i]);
    if (i > start && (i - start >= maxCount || bytes + size > maxBytes)) {
      nodes.push([start, i]);
      start = i;
      bytes = 7;
    }
    bytes += size;
  }
  if (items.length > start) nodes.push([start, items.length]);
  writeLength(w, nodes.length);
  const lp = new ByteWriter();
  for (const [from, to] of nodes) {
    writeLength(w, QUICKLIST_PACKED);
    listpackBegin(lp);
    for (let i = from; i < to; i++) listpackAppend(lp, items[i]);
    listpackEnd(lp, 0, to - from);
    writeBlob(w, lp.drain(), o);
  }
}

function writeHash(w: ByteWriter, h: HashValue, o: ValueWriteOptions, version: number): number {
  const entries = h.entries;
  const withTtl = entries.some((e) => e[2] !== undefined && e[2] > 0);
  const isSmall = small(
    flatten(entries, 2),
    entries.length,
    o.hashMaxListpackEntries ?? 128,
    o.hashMaxListpackValue ?? 64,
  );
  if (!withTtl) {
    if (isSmall) {
      writeBlob(w, listpackEncode([...flatten(entries, 2)]), o);
      return RdbType.HASH_LISTPACK;
    }
    writeLength(w, entries.length);
    for (const [f, v] of entries) {
      writeString(w, f, o);
      writeString(w, v, o);
    }
    return RdbType.HASH;
  }
  if (version < 12) {
    throw new Error(`hash field TTLs need RDB version 12, writing version ${version}`);
  }
  let min = Infinity;
  for (const e of entries) if (e[2] && e[2] < min) min = e[2];
  if (isSmall) {
    const sorted = [...entries].sort((a, b) => (a[2] || Infinity) - (b[2] || Infinity));
    writeMillis(w, min);
    const flat: string[] = [];
    for (const [f, v, t] of sorted) flat.push(f, v, String(t ?? 0));
    writeBlob(w, listpackEncode(flat), o);
    return RdbType.HASH_LISTPACK_EX;
  }
  writeMillis(w, min);
  writeLength(w, entries.length);
  for (const [f, v, t] of entries) {
    writeLength(w, t ? BigInt(t) - BigInt(min) + 1n : 0);
    writeString(w, f, o);
    writeString(w, v, o);
  }
  return RdbType.HASH_METADATA;
}

function writeSet(
  w: ByteWriter,
  members: readonly string[],
  o: ValueWriteOptions,
  version: number,
): number {
  if (members.length <= (o.setMaxIntsetEntries ?? 512)) {
    const intset = intsetEncode(members);
    if (intset) {
      writeBlob(w, intset, o);
      return RdbType.SET_INTSET;
    }
  }
  if (
    version >= 11 &&
    small(members, members.length, o.setMaxListpackEntries ?? 128, o.setMaxListpackValue ?? 64)
  ) {
    writeBlob(w, listpackEncode(members), o);
    return RdbType.SET_LISTPACK;
  }
  writeLength(w, members.length);
  for (const m of members) writeString(w, m, o);
  return RdbType.SET;
}

function writeZset(w: ByteWriter, z: ZsetValue, o: ValueWriteOptions): number {
  const entries = z.entries;
  if (
    small(
      flatten(entries, 1),
      entries.length,
      o.zsetMaxListpackEntries ?? 128,
      o.zsetMaxListpackValue ?? 64,
    )
  ) {
    const sorted = [...entries].sort((a, b) =>
      a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    );
    const flat: string[] = [];
    for (const [m, s] of sorted) flat.push(m, formatScore(s));
    writeBlob(w, listpackEncode(flat), o);
    return RdbType.ZSET_LISTPACK;
  }
  writeLength(w, entries.length);
  for (const [m, s] of entries) {
    writeString(w, m, o);
    w.f64le(s);
  }
  return RdbType.ZSET_2;
}

/**
 * Writes a value's body and returns its type code (which, in RDB, precedes the key: callers
 * reserve the type byte and patch it, see `rdb_writer.ts`). Throws an `Error` when the value
 * can't be represented in the requested RDB version.
 *
 * @example
 * ```ts
 * const type = writeValue(w, { kind: "list", items: ["a"] }, { rdbVersion: 10 });
 * ```
 */
export function writeValue(
  w: ByteWriter,
  value: RdbValue,
  options: ValueWriteOptions = {},
): number {
  const version = options.rdbVersion ?? RDB_VERSION_LATEST;
  if (version < 10 || version > RDB_VERSION_LATEST) {
    throw new Error(`can't write RDB version ${version} (10..12)`);
  }
  // The RDB writer passes options already normalized: no object per key.
  const o = options.compress === undefined ? { ...options, compress: true } : options;
  let type: number;
  switch (value.kind) {
    case "string":
      writeString(w, value.value, o);
      return RdbType.STRING;
    case "list":
      writeList(w, value.items, o);
      return RdbType.LIST_QUICKLIST_2;
    case "set":
      return writeSet(w, value.members, o, version);
    case "zset":
      return writeZset(w, value, o);
    case "hash":
      return writeHash(w, value, o, version);
    case "stream":
      type = version >= 11 ? RdbType.STREAM_LISTPACKS_3 : RdbType.STREAM_LISTPACKS_2;
      writeStream(w, value, type, {
        nodeMaxBytes: o.streamNodeMaxBytes,
        nodeMaxEntries: o.streamNodeMaxEntries,
        compress: o.compress,
      });
      return type;
    case "module":
      writeLength(w, moduleIdEncode(value.name, value.encver));
      w.bytes(value.body);
      return RdbType.MODULE_2;
  }
}

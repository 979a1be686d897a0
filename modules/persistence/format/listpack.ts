/**
 * Listpack: Redis's compact serialized sequence of strings and integers, used (in RDB too,
 * byte for byte) for small hashes, sets, sorted sets, list quicklist nodes and stream nodes.
 *
 * Layout (from listpack.c's description): a 4-byte little-endian total size, a 2-byte element
 * count (65535 = "too many, count them"), the entries, and a 0xFF terminator. Each entry is an
 * encoding byte (plus payload) followed by a "backlen": the size of encoding+payload written
 * in 1..5 bytes of 7 bits, most significant group first, every byte but the first flagged with
 * the high bit, so it can be read backwards from the next entry.
 *   0xxxxxxx           7-bit unsigned int          10xxxxxx + data    string, len < 64
 *   110xxxxx yyyyyyyy  13-bit signed int           1110xxxx yyyyyyyy  string, len < 4096
 *   0xF0 + u32 len     string, any length          0xF1/F2/F3/F4      16/24/32/64-bit int (LE)
 *
 * Decoded entries are binary strings; integers come back in decimal, which is how Redis
 * presents them. The encoder stores canonical integer strings as integers, as Redis does, so
 * its output is what Redis itself would build. The decoder checks every size against the blob
 * and the backlen of every entry, and reports the offset of the first inconsistency.
 */

import { ByteReader, ByteWriter, FormatError } from "./bytes.ts";
import { canonicalInt } from "./rdb_primitives.ts";

const HEADER = 6;
const EOF_BYTE = 0xff;
const COUNT_UNKNOWN = 65535;

function entryLength(encodingAndData: number): number {
  if (encodingAndData <= 127) return 1;
  if (encodingAndData < 16383) return 2;
  if (encodingAndData < 2097151) return 3;
  if (encodingAndData < 268435455) return 4;
  return 5;
}

/**
 * Decodes a listpack into its entries.
 *
 * @example
 * ```ts
 * listpackDecode(listpackEncode(["a", "12"])); // ["a", "12"]
 * ```
 */
export function listpackDecode(blob: Uint8Array, options: { base?: number } = {}): string[] {
  const r = new ByteReader(blob, options);
  const total = r.u32le("listpack size");
  const count = r.u16le("listpack count");
  if (total !== blob.length) r.fail(`listpack claims ${total} bytes but holds ${blob.length}`, 0);
  const out: string[] = [];
  const bytes = blob;
  for (;;) {
    const start = r.pos;
    const b = r.u8("listpack entry");
    if (b === EOF_BYTE) break;
    let value: string;
    if (b < 0x80) value = String(b);
    else if (b < 0xc0) value = r.latin1(b & 63, "listpack string");
    else if (b < 0xe0) {
      const v = ((b & 31) << 8) | r.u8("listpack int");
      value = String(v >= 4096 ? v - 8192 : v);
    } else if (b < 0xf0) {
      value = r.latin1(((b & 15) << 8) | r.u8("listpack length"), "listpack string");
    } else if (b === 0xf0) value = r.latin1(r.u32le("listpack length"), "listpack string");
    else if (b === 0xf1) value = String(r.i16le("listpack int"));
    else if (b === 0xf2) {
      r.need(3, "listpack int");
      const v = bytes[r.pos] | (bytes[r.pos + 1] << 8) | (bytes[r.pos + 2] << 16);
      r.pos += 3;
      value = String(v >= 1 << 23 ? v - (1 << 24) : v);
    } else if (b === 0xf3) value = String(r.i32le("listpack int"));
    else if (b === 0xf4) value = String(r.i64le("listpack int"));
    else return r.fail(`bad listpack entry encoding 0x${b.toString(16)}`, start);
    const size = r.pos - start;
    const n = entryLength(size);
    const back = r.bytesView(n, "listpack backlen");
    let decoded = 0;
    for (let i = 0; i < n; i++) decoded = decoded * 128 + (back[i] & 127);
    if (decoded !== size) {
      r.fail(`listpack backlen ${decoded} does not match entry size ${size}`, start + size);
    }
    out.push(value);
  }
  if (!r.atEnd()) r.fail("bytes after the listpack terminator");
  if (count !== COUNT_UNKNOWN && count !== out.length) {
    throw new FormatError(
      `listpack count ${count} but ${out.length} entries`,
      (options.base ?? 0) + 4,
    );
  }
  return out;
}

function writeBacklen(w: ByteWriter, l: number): void {
  const n = entryLength(l);
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(l / 2 ** (7 * i)) & 127;
    w.u8(i === n - 1 ? group : group | 128);
  }
}

function writeInt(w: ByteWriter, v: bigint): void {
  if (v >= 0n && v <= 127n) {
    w.u8(Number(v));
    w.u8(1);
    return;
  }
  if (v >= -4096n && v <= 4095n) {
    const n = Number(v) & 0x1fff;
    w.u8(0xc0 | (n >> 8));
    w.u8(n & 0xff);
    w.u8(2);
  } else if (v >= -32768n && v <= 32767n) {
    w.u8(0xf1);
    w.u16le(Number(v) & 0xffff);
    w.u8(3);
  } else if (v >= -8388608n && v <= 8388607n) {
    const n = Number(v) & 0xffffff;
    w.u8(0xf2);
    w.u8(n & 0xff);
    w.u8((n >> 8) & 0xff);
    w.u8(n >> 16);
    w.u8(4);
  } else if (v >= -(1n << 31n) && v < 1n << 31n) {
    w.u8(0xf3);
    w.u32le(Number(v));
    w.u8(5);
  } else {
    w.u8(0xf4);
    w.i64le(v);
    w.u8(9);
  }
}

function writeStr(w: ByteWriter, s: string): void {
  const len = s.length;
  let head: number;
  if (len < 64) {
    w.u8(0x80 | len);
    head = 1;
  } else if (len < 4096) {
    w.u8(0xe0 | (len >> 8));
    w.u8(len & 0xff);
    head = 2;
  } else {
    w.u8(0xf0);
    w.u32le(len);
    head = 5;
  }
  w.latin1(s);
  writeBacklen(w, head + len);
}

/**
 * Appends one listpack entry (integer-encoded when `s` is a canonical integer).
 * Used with `listpackBegin`/`listpackEnd` to build a listpack without an intermediate array.
 *
 * @example
 * ```ts
 * const w = new ByteWriter();
 * listpackBegin(w); listpackAppend(w, "x"); listpackEnd(w, 0, 1);
 * ```
 */
export function listpackAppend(w: ByteWriter, s: string): void {
  const v = s.length <= 20 ? canonicalInt(s) : null;
  if (v !== null) writeInt(w, v);
  else writeStr(w, s);
}

/**
 * Starts a listpack at the writer's current position (placeholder header).
 *
 * @example
 * ```ts
 * const at = w.length; listpackBegin(w);
 * ```
 */
export function listpackBegin(w: ByteWriter): void {
  w.u32le(0);
  w.u16le(0);
}

/**
 * Terminates a listpack begun at `start` and fills in its header.
 *
 * @example
 * ```ts
 * listpackEnd(w, start, entries);
 * ```
 */
export function listpackEnd(w: ByteWriter, start: number, count: number): void {
  w.u8(EOF_BYTE);
  w.patchU32le(start, w.length - start);
  w.patchU16le(start + 4, count < COUNT_UNKNOWN ? count : COUNT_UNKNOWN);
}

/**
 * Encodes entries into a listpack blob.
 *
 * @example
 * ```ts
 * const blob = listpackEncode(["field", "value", "42"]);
 * ```
 */
export function listpackEncode(items: readonly string[]): Uint8Array {
  const w = new ByteWriter(HEADER + 1 + items.length * 4);
  listpackBegin(w);
  for (const s of items) listpackAppend(w, s);
  listpackEnd(w, 0, items.length);
  return w.finish();
}

/**
 * Bytes `s` takes inside a listpack (to split quicklist and stream nodes by size).
 *
 * @example
 * ```ts
 * listpackEntrySize("hello"); // 7
 * ```
 */
export function listpackEntrySize(s: string): number {
  const v = s.length <= 20 ? canonicalInt(s) : null;
  if (v !== null) {
    if (v >= 0n && v <= 127n) return 2;
    if (v >= -4096n && v <= 4095n) return 3;
    if (v >= -32768n && v <= 32767n) return 4;
    if (v >= -8388608n && v <= 8388607n) return 5;
    return v >= -(1n << 31n) && v < 1n << 31n ? 6 : 10;
  }
  const head = s.length < 64 ? 1 : s.length < 4096 ? 2 : 5;
  return head + s.length + entryLength(head + s.length);
}

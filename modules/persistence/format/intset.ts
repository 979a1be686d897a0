/**
 * Intset: the sorted array of integers Redis uses for small all-integer sets, stored as is in
 * RDB files (type SET_INTSET). Layout (intset.c): u32 element width in bytes (2, 4 or 8), u32
 * count, then the integers little-endian in ascending order, all at that width.
 *
 * Members are returned and taken as decimal binary strings, the set representation used
 * everywhere else in this directory. The decoder insists on strict ascending order (what makes
 * it a set); the encoder sorts and picks the narrowest width, as Redis does.
 */

import { ByteReader, ByteWriter } from "./bytes.ts";
import { canonicalInt } from "./rdb_primitives.ts";

/**
 * Decodes an intset into decimal member strings (ascending).
 *
 * @example
 * ```ts
 * intsetDecode(intsetEncode(["3", "1"])!); // ["1", "3"]
 * ```
 */
export function intsetDecode(blob: Uint8Array, options: { base?: number } = {}): string[] {
  const r = new ByteReader(blob, options);
  const width = r.u32le("intset encoding");
  if (width !== 2 && width !== 4 && width !== 8) r.fail(`bad intset width ${width}`, 0);
  const count = r.u32le("intset length");
  if (count * width !== r.remaining()) {
    r.fail(`intset of ${count} × ${width} bytes in ${r.remaining()} bytes`, 4);
  }
  const out: string[] = [];
  let prev: bigint | null = null;
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const v = width === 2
      ? BigInt(r.i16le("intset"))
      : width === 4
      ? BigInt(r.i32le("intset"))
      : r.i64le("intset");
    if (prev !== null && v <= prev) r.fail("intset not in ascending order", at);
    prev = v;
    out.push(String(v));
  }
  return out;
}

/**
 * Encodes members as an intset, or returns null when some member is not a canonical 64-bit
 * integer (such a set can't be an intset).
 *
 * @example
 * ```ts
 * intsetEncode(["1", "-70000"]); // 4-byte wide intset
 * intsetEncode(["a"]); // null
 * ```
 */
export function intsetEncode(members: readonly string[]): Uint8Array | null {
  const values: bigint[] = [];
  for (const m of members) {
    const v = canonicalInt(m);
    if (v === null) return null;
    values.push(v);
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of values) {
    if (v < -(1n << 31n) || v >= 1n << 31n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const w = new ByteWriter(8 + values.length * width);
  w.u32le(width);
  w.u32le(values.length);
  for (const v of values) {
    if (width === 2) w.u16le(Number(v) & 0xffff);
    else if (width === 4) w.u32le(Number(v));
    else w.i64le(v);
  }
  return w.finish();
}

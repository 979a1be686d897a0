/**
 * The RDB format's vocabulary: opcodes, value type codes, and the small primitives every RDB
 * record is built from — length encoding, string encoding, doubles and times.
 *
 * Facts (from Redis's rdb.h and rdb.c, the file format's only specification):
 *   - Lengths: the top two bits of the first byte choose 6-bit (00), 14-bit big-endian (01),
 *     or a 32/64-bit big-endian length (0x80 / 0x81 followed by 4 / 8 bytes). 11 marks a
 *     "special" string encoding: int8/int16/int32 (little-endian, the string is its decimal
 *     form) or LZF (compressed length, original length, then the LZF stream).
 *   - Doubles: binary 8-byte little-endian IEEE (ZSET_2, module values), or the old form used
 *     by ZSET type 3: one length byte (253 NaN, 254 +inf, 255 -inf) then ASCII.
 *   - Times: EXPIRETIME_MS and other millisecond times are 8-byte little-endian signed;
 *     EXPIRETIME (seconds) is 4-byte little-endian.
 *
 * Strings are binary (latin1) JS strings; `readBlob` returns raw bytes for values that are
 * themselves encodings (listpacks, ziplists, intsets), skipping a needless string round trip.
 * Decoders never allocate from an unchecked length: raw strings must fit in the input, and an
 * LZF string may claim at most what its compressed bytes can possibly expand to.
 */

import { ByteReader, bytesToLatin1, ByteWriter, FormatError, latin1ToBytes } from "./bytes.ts";
import { lzfCompress, lzfDecompress } from "./lzf.ts";

/** The RDB version Redis 7.4 writes (7.0 writes 10, 7.2 writes 11). */
export const RDB_VERSION_LATEST = 12;
/** Oldest RDB version this reader accepts. */
export const RDB_VERSION_OLDEST = 1;

/**
 * RDB opcodes, the bytes in type position that are not value types.
 *
 * @example
 * ```ts
 * w.u8(RdbOpcode.SELECTDB);
 * ```
 */
export const RdbOpcode = {
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/**
 * Value type codes: every encoding Redis has ever written in an RDB or DUMP payload.
 *
 * @example
 * ```ts
 * if (type === RdbType.LIST_QUICKLIST_2) decodeQuicklist2(r);
 * ```
 */
export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;

/**
 * The oldest RDB version that may contain each type code (what a writer targeting an older
 * server must avoid).
 *
 * @example
 * ```ts
 * RDB_TYPE_MIN_VERSION[RdbType.SET_LISTPACK]; // 11
 * ```
 */
export const RDB_TYPE_MIN_VERSION: Readonly<Record<number, number>> = {
  [RdbType.ZSET_2]: 8,
  [RdbType.MODULE_2]: 8,
  [RdbType.LIST_QUICKLIST]: 7,
  [RdbType.STREAM_LISTPACKS]: 9,
  [RdbType.HASH_LISTPACK]: 10,
  [RdbType.ZSET_LISTPACK]: 10,
  [RdbType.LIST_QUICKLIST_2]: 10,
  [RdbType.STREAM_LISTPACKS_2]: 10,
  [RdbType.SET_LISTPACK]: 11,
  [RdbType.STREAM_LISTPACKS_3]: 11,
  [RdbType.HASH_METADATA_PRE_GA]: 12,
  [RdbType.HASH_LISTPACK_EX_PRE_GA]: 12,
  [RdbType.HASH_METADATA]: 12,
  [RdbType.HASH_LISTPACK_EX]: 12,
};

/**
 * Whether a byte in type position is a value type (as opposed to an opcode).
 *
 * @example
 * ```ts
 * isValueType(RdbType.HASH_LISTPACK); // true
 * ```
 */
export function isValueType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 25);
}

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** LZF output can never exceed this multiple of its input (a 3-byte back reference yields at most 264 bytes). */
const LZF_MAX_RATIO = 88;

/**
 * Reads a length as a BigInt (for the few fields that are full 64-bit: stream IDs, times).
 *
 * @example
 * ```ts
 * readLengthBig(new ByteReader(new Uint8Array([0x81, 0, 0, 0, 1, 0, 0, 0, 0]))); // 1n << 32n
 * ```
 */
export function readLengthBig(r: ByteReader, what = "length"): bigint {
  const b = r.u8(what);
  switch (b >> 6) {
    case 0:
      return BigInt(b & 63);
    case 1:
      return BigInt(((b & 63) << 8) | r.u8(what));
    default:
      if (b === 0x80) return BigInt(r.u32be(what));
      if (b === 0x81) return r.u64be(what);
      return r.fail(`bad ${what} encoding 0x${b.toString(16)}`, r.pos - 1);
  }
}

/**
 * Reads a length (counts, sizes, db numbers). Values above 2^53 are rejected as corrupt.
 *
 * @example
 * ```ts
 * readLength(new ByteReader(new Uint8Array([0x41, 0x00]))); // 256
 * ```
 */
export function readLength(r: ByteReader, what = "length"): number {
  const b = r.peekU8(what);
  if (b < 0x80) {
    r.pos++;
    return b < 0x40 ? b : ((b & 63) << 8) | r.u8(what);
  }
  if (b === 0x80) {
    r.pos++;
    return r.u32be(what);
  }
  const at = r.pos;
  const v = readLengthBig(r, what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(`${what} ${v} is too large`, at);
  return Number(v);
}

/**
 * Reads a count of items that each take at least `minItemBytes` of input, rejecting counts the
 * remaining input cannot possibly hold (so a corrupt count can't drive a huge loop or array).
 *
 * @example
 * ```ts
 * const n = readCount(r, "list length", 1);
 * ```
 */
export function readCount(r: ByteReader, what: string, minItemBytes = 1): number {
  const at = r.pos;
  const n = readLength(r, what);
  if (n * minItemBytes > r.remaining()) {
    throw new FormatError(
      `${what} ${n} needs at least ${n * minItemBytes} bytes, ${r.remaining()} left`,
      r.base + at,
      true,
    );
  }
  return n;
}

/**
 * Writes a length in the shortest form.
 *
 * @example
 * ```ts
 * writeLength(w, 300); // 0x41 0x2c
 * ```
 */
export function writeLength(w: ByteWriter, n: number | bigint): void {
  if (typeof n === "bigint" && n <= 0xffffffffn) n = Number(n);
  if (typeof n === "number" && n < 64) w.u8(n);
  else if (typeof n === "number" && n < 16384) {
    w.u8(0x40 | (n >> 8));
    w.u8(n & 0xff);
  } else if (n <= 0xffffffff) {
    w.u8(0x80);
    w.u32be(Number(n));
  } else {
    w.u8(0x81);
    w.u64be(BigInt(n));
  }
}

/**
 * Reads an RDB string as raw bytes (a view into the input when stored raw, fresh bytes when
 * it was LZF-compressed or integer-encoded).
 *
 * @example
 * ```ts
 * const listpack = readBlob(r, "listpack");
 * ```
 */
export function readBlob(r: ByteReader, what = "string"): Uint8Array {
  const b = r.peekU8(what);
  if (b >> 6 !== 3) return r.bytesView(readLength(r, `${what} length`), what);
  r.pos++;
  switch (b & 63) {
    case ENC_INT8:
      return latin1ToBytes(String(r.i8(what)));
    case ENC_INT16:
      return latin1ToBytes(String(r.i16le(what)));
    case ENC_INT32:
      return latin1ToBytes(String(r.i32le(what)));
    case ENC_LZF: {
      const clen = readLength(r, `${what} compressed length`);
      const at = r.pos;
      const ulen = readLength(r, `${what} length`);
      const packed = r.bytesView(clen, `${what} (compressed)`);
      if (ulen > clen * LZF_MAX_RATIO + 8) {
        r.fail(`${what}: LZF length ${ulen} impossible for ${clen} bytes`, at);
      }
      try {
        return lzfDecompress(packed, ulen);
      } catch (e) {
        return r.fail(`${what}: ${(e as Error).message}`, at);
      }
    }
    default:
      return r.fail(`bad ${what} encoding 0x${b.toString(16)}`, r.pos - 1);
  }
}

/**
 * Reads an RDB string that holds a nested encoding (listpack, ziplist, intset...) and decodes
 * it with `decode`, passing the file offset of its first byte so nested errors point into the
 * file (for an LZF-compressed blob, the offset of the compressed string instead).
 *
 * @example
 * ```ts
 * const items = readNested(r, "set listpack", listpackDecode);
 * ```
 */
export function readNested<T>(
  r: ByteReader,
  what: string,
  decode: (blob: Uint8Array, options: { base: number }) => T,
): T {
  const at = r.offset();
  const blob = readBlob(r, what);
  return decode(blob, { base: blob.buffer === r.bytes.buffer ? r.offset() - blob.length : at });
}

/**
 * Reads an RDB string as a binary string.
 *
 * @example
 * ```ts
 * const key = readString(r, "key");
 * ```
 */
export function readString(r: ByteReader, what = "string"): string {
  return bytesToLatin1(readBlob(r, what));
}

/**
 * Parses a canonical decimal integer the way Redis decides a string "is" an integer: no sign
 * on zero, no leading zeros or plus, within ±2^63. Returns null for anything else.
 *
 * @example
 * ```ts
 * canonicalInt("-12"); // -12n
 * canonicalInt("012"); // null
 * ```
 */
export function canonicalInt(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return null;
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0n : null;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  return v >= -(1n << 63n) && v < 1n << 63n ? v : null;
}

/**
 * `s` as a 32-bit integer when it is one in canonical form (what RDB stores as an integer
 * string), else null. Strings of at most 11 chars only, without BigInt: a snapshot calls it
 * for every key and string value, so it must not allocate.
 */
function canonicalInt32(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 11) return null;
  const neg = s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i === n) return null;
  if (s.charCodeAt(i) === 48) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (neg) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/**
 * Writes raw bytes as an RDB string, LZF-compressed when asked and worthwhile (Redis's rule:
 * only above 20 bytes, and only when it saves more than 4 bytes).
 *
 * @example
 * ```ts
 * writeBlob(w, listpackBytes, { compress: true });
 * ```
 */
export function writeBlob(
  w: ByteWriter,
  bytes: Uint8Array,
  options: { compress?: boolean } = {},
): void {
  if (options.compress && bytes.length > 20) {
    const packed = lzfCompress(bytes, bytes.length - 4);
    if (packed) {
      w.u8(0xc0 | ENC_LZF);
      writeLength(w, packed.length);
      writeLength(w, bytes.length);
      w.bytes(packed);
      return;
    }
  }
  writeLength(w, bytes.length);
  w.bytes(bytes);
}

/**
 * Writes a binary string as an RDB string: integer-encoded when it is a canonical 32-bit
 * integer (as Redis does), else raw or LZF.
 *
 * @example
 * ```ts
 * writeString(w, "12345"); // 0xc1 0x39 0x30
 * ```
 */
export function writeString(w: ByteWriter, s: string, options: { compress?: boolean } = {}): void {
  if (s.length <= 11) {
    const n = canonicalInt32(s);
    if (n !== null) {
      if (n >= -128 && n <= 127) {
        w.u8(0xc0 | ENC_INT8);
        w.u8(n & 0xff);
      } else if (n >= -32768 && n <= 32767) {
        w.u8(0xc0 | ENC_INT16);
        w.u16le(n & 0xffff);
      } else {
        w.u8(0xc0 | ENC_INT32);
        w.u32le(n);
      }
      return;
    }
  }
  if (options.compress && s.length > 20) {
    writeBlob(w, latin1ToBytes(s), options);
    return;
  }
  writeLength(w, s.length);
  w.latin1(s);
}

/**
 * Reads the old string form of a double (ZSET type 3 scores).
 *
 * @example
 * ```ts
 * readStringDouble(r); // 1.5
 * ```
 */
export function readStringDouble(r: ByteReader, what = "double"): number {
  const at = r.pos;
  const n = r.u8(what);
  if (n === 253) return NaN;
  if (n === 254) return Infinity;
  if (n === 255) return -Infinity;
  const text = r.latin1(n, what);
  const v = Number(text);
  if (Number.isNaN(v) && !/^\s*nan\s*$/i.test(text)) r.fail(`bad ${what} "${text}"`, at);
  return v;
}

/**
 * Writes a double in the old string form (shortest round-trip decimal).
 *
 * @example
 * ```ts
 * writeStringDouble(w, Infinity); // 0xfe
 * ```
 */
export function writeStringDouble(w: ByteWriter, v: number): void {
  if (Number.isNaN(v)) w.u8(253);
  else if (v === Infinity) w.u8(254);
  else if (v === -Infinity) w.u8(255);
  else {
    const text = String(v);
    w.u8(text.length);
    w.latin1(text);
  }
}

/**
 * Reads an 8-byte little-endian millisecond time (expiries, PEL delivery times).
 *
 * @example
 * ```ts
 * const expireAt = readMillis(r, "expire time");
 * ```
 */
export function readMillis(r: ByteReader, what = "time"): number {
  return Number(r.i64le(what));
}

/**
 * Writes an 8-byte little-endian millisecond time.
 *
 * @example
 * ```ts
 * writeMillis(w, Date.now() + 1000);
 * ```
 */
export function writeMillis(w: ByteWriter, ms: number): void {
  w.i64le(Math.trunc(ms));
}

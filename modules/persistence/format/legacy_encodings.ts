/**
 * Decoders for the compact encodings older Redis versions wrote into RDB files and DUMP
 * payloads, which Redis 7.x still loads (and converts on load): ziplist (lists before 3.2 and
 * quicklist v1 nodes, small hashes and zsets before 7.0) and zipmap (small hashes before 2.6).
 * Nothing writes these any more, so there are no encoders.
 *
 * Ziplist layout (ziplist.c): u32 total bytes, u32 offset of the last entry, u16 count
 * (65535 = unknown), entries, 0xFF. Each entry: the previous entry's size (1 byte, or 0xFE
 * + u32), an encoding, the payload. Encodings: 00xxxxxx / 01xxxxxx+byte (big-endian 14 bits)
 * / 0x80+u32 big-endian → string length; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24,
 * 0xFE int8 (little-endian); 0xF1..0xFD → the integer 0..12 itself.
 *
 * Zipmap layout (zipmap.c): a count byte (254+ = unknown), then key/value pairs, each length
 * 1 byte or 0xFE + u32 (little-endian), the value preceded by a "free bytes" byte and followed
 * by that much padding; 0xFF ends the map.
 *
 * Both decoders verify every length against the blob and the ziplist's back-links, so a
 * damaged payload is rejected with the offset of the first inconsistency.
 */

import { ByteReader, FormatError } from "./bytes.ts";

/**
 * Decodes a ziplist into its entries (integers in decimal).
 *
 * @example
 * ```ts
 * const items = ziplistDecode(blob); // ["a", "1", ...]
 * ```
 */
export function ziplistDecode(blob: Uint8Array, options: { base?: number } = {}): string[] {
  const r = new ByteReader(blob, options);
  const total = r.u32le("ziplist size");
  const tail = r.u32le("ziplist tail");
  const count = r.u16le("ziplist count");
  if (total !== blob.length) r.fail(`ziplist claims ${total} bytes but holds ${blob.length}`, 0);
  const out: string[] = [];
  let prevSize = 0;
  let lastStart = 10;
  for (;;) {
    const start = r.pos;
    const first = r.u8("ziplist entry");
    if (first === 0xff) break;
    const prevlen = first < 254 ? first : first === 254 ? r.u32le("ziplist prevlen") : -1;
    if (prevlen !== prevSize) {
      r.fail(`ziplist prevlen ${prevlen} but previous entry has ${prevSize} bytes`, start);
    }
    const enc = r.u8("ziplist encoding");
    let value: string;
    switch (enc >> 6) {
      case 0:
        value = r.latin1(enc & 63, "ziplist string");
        break;
      case 1:
        value = r.latin1(((enc & 63) << 8) | r.u8("ziplist length"), "ziplist string");
        break;
      case 2:
        if (enc !== 0x80) r.fail(`bad ziplist encoding 0x${enc.toString(16)}`, r.pos - 1);
        value = r.latin1(r.u32be("ziplist length"), "ziplist string");
        break;
      default:
        value = ziplistInt(r, enc);
    }
    lastStart = start;
    prevSize = r.pos - start;
    out.push(value);
  }
  if (!r.atEnd()) r.fail("bytes after the ziplist terminator");
  if (out.length > 0 && tail !== lastStart) {
    throw new FormatError(
      `ziplist tail offset ${tail}, last entry at ${lastStart}`,
      (options.base ?? 0) + 4,
    );
  }
  if (count !== 65535 && count !== out.length) {
    throw new FormatError(
      `ziplist count ${count} but ${out.length} entries`,
      (options.base ?? 0) + 8,
    );
  }
  return out;
}

function ziplistInt(r: ByteReader, enc: number): string {
  switch (enc) {
    case 0xc0:
      return String(r.i16le("ziplist int"));
    case 0xd0:
      return String(r.i32le("ziplist int"));
    case 0xe0:
      return String(r.i64le("ziplist int"));
    case 0xf0: {
      r.need(3, "ziplist int");
      const b = r.bytes;
      const v = b[r.pos] | (b[r.pos + 1] << 8) | (b[r.pos + 2] << 16);
      r.pos += 3;
      return String(v >= 1 << 23 ? v - (1 << 24) : v);
    }
    case 0xfe:
      return String(r.i8("ziplist int"));
    default:
      if (enc >= 0xf1 && enc <= 0xfd) return String((enc & 15) - 1);
      return r.fail(`bad ziplist encoding 0x${enc.toString(16)}`, r.pos - 1);
  }
}

function zipmapLength(r: ByteReader): number {
  const b = r.u8("zipmap length");
  if (b < 254) return b;
  if (b === 254) return r.u32le("zipmap length");
  return r.fail("unexpected zipmap terminator", r.pos - 1);
}

/**
 * Decodes a zipmap into [field, value] pairs.
 *
 * @example
 * ```ts
 * const pairs = zipmapDecode(blob); // [["f", "v"]]
 * ```
 */
export function zipmapDecode(
  blob: Uint8Array,
  options: { base?: number } = {},
): [string, string][] {
  const r = new ByteReader(blob, options);
  const count = r.u8("zipmap count");
  const out: [string, string][] = [];
  while (r.peekU8("zipmap entry") !== 0xff) {
    const field = r.latin1(zipmapLength(r), "zipmap field");
    const vlen = zipmapLength(r);
    const free = r.u8("zipmap free");
    const value = r.latin1(vlen, "zipmap value");
    r.bytesView(free, "zipmap padding");
    out.push([field, value]);
  }
  r.pos++;
  if (!r.atEnd()) r.fail("bytes after the zipmap terminator");
  if (count < 254 && count !== out.length) {
    throw new FormatError(`zipmap count ${count} but ${out.length} pairs`, options.base ?? 0);
  }
  return out;
}

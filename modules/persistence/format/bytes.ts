/**
 * Byte-level plumbing shared by every codec in this directory: a growable output buffer
 * (`ByteWriter`), a bounds-checked input cursor (`ByteReader`), the error type every decoder
 * throws (`FormatError`), and latin1 conversions between binary strings and bytes.
 *
 * Design. Persistence files come from disk or the network and may be truncated or corrupt, so
 * every read goes through a cursor that checks the remaining length before touching memory
 * and names what it was reading and where. A decoder never trusts a length field: before
 * allocating for a length it checks that the input can actually hold that many bytes, so a
 * corrupt length produces an error instead of a giant allocation. Errors carry the absolute
 * offset (a cursor over a slice knows where the slice started) and a `truncated` flag that
 * tells "the input ended early" apart from "the input is wrong"; the streaming RDB reader uses
 * that flag to wait for more bytes.
 *
 * Binary strings are latin1 JS strings (one char per byte). `TextDecoder("latin1")` is really
 * windows-1252 and remaps 0x80..0x9F, so conversions here go through `String.fromCharCode`
 * in bounded chunks (spreading a huge array would overflow the call stack).
 */

/** What went wrong while decoding: where, and whether the input merely ended too early. */
export class FormatError extends Error {
  /** Absolute byte offset of the problem in the input. */
  readonly offset: number;
  /** True when more input could have fixed it (the data was cut short). */
  readonly truncated: boolean;

  /**
   * @example
   * ```ts
   * throw new FormatError("bad listpack terminator", 42);
   * ```
   */
  constructor(message: string, offset: number, truncated = false) {
    super(`${message} (at offset ${offset})`);
    this.name = "FormatError";
    this.offset = offset;
    this.truncated = truncated;
  }
}

const CHUNK = 8192;

/**
 * Bytes to a binary (latin1) string.
 *
 * @example
 * ```ts
 * bytesToLatin1(new Uint8Array([104, 105])); // "hi"
 * ```
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    parts.push(
      String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]),
    );
  }
  return parts.join("");
}

/**
 * A binary (latin1) string to bytes. Chars above 0xFF are a caller bug and are truncated.
 *
 * @example
 * ```ts
 * latin1ToBytes("hi"); // Uint8Array [104, 105]
 * ```
 */
export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * A growable little buffer for encoders. Methods append; `finish()` returns a copy of what was
 * written and `drain()` returns it and starts over (used by the incremental RDB writer).
 *
 * @example
 * ```ts
 * const w = new ByteWriter();
 * w.u8(1); w.u32le(7); w.latin1("ok");
 * w.finish(); // 7 bytes
 * ```
 */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  /** @example `new ByteWriter(1024)` */
  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. @example `w.length` */
  get length(): number {
    return this.#len;
  }

  #room(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.#len = at + n;
    return at;
  }

  /** @example `w.u8(0xff)` */
  u8(v: number): void {
    const at = this.#room(1);
    this.#buf[at] = v;
  }

  /** @example `w.u16le(513)` */
  u16le(v: number): void {
    const at = this.#room(2);
    this.#view.setUint16(at, v, true);
  }

  /** @example `w.u32le(1)` */
  u32le(v: number): void {
    const at = this.#room(4);
    this.#view.setUint32(at, v >>> 0, true);
  }

  /** @example `w.u32be(1)` */
  u32be(v: number): void {
    const at = this.#room(4);
    this.#view.setUint32(at, v >>> 0, false);
  }

  /**
   * Two's-complement 64-bit little-endian. Safe-integer numbers are written as two 32-bit
   * halves (no BigInt: expiry times are written once per volatile key).
   *
   * @example `w.i64le(-1n)`
   */
  i64le(v: bigint | number): void {
    const at = this.#room(8);
    if (typeof v === "number" && Number.isSafeInteger(v)) {
      const hi = Math.floor(v / 4294967296);
      this.#view.setUint32(at, v - hi * 4294967296, true);
      this.#view.setInt32(at + 4, hi, true);
    } else this.#view.setBigInt64(at, BigInt.asIntN(64, BigInt(v)), true);
  }

  /** @example `w.u64be(1n << 40n)` */
  u64be(v: bigint | number): void {
    const at = this.#room(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), false);
  }

  /** @example `w.f64le(1.5)` */
  f64le(v: number): void {
    const at = this.#room(8);
    this.#view.setFloat64(at, v, true);
  }

  /** @example `w.f32le(1.5)` */
  f32le(v: number): void {
    const at = this.#room(4);
    this.#view.setFloat32(at, v, true);
  }

  /** @example `w.bytes(new Uint8Array([1, 2]))` */
  bytes(b: Uint8Array): void {
    const at = this.#room(b.length);
    this.#buf.set(b, at);
  }

  /** Appends a binary string, one byte per char. @example `w.latin1("REDIS")` */
  latin1(s: string): void {
    const at = this.#room(s.length);
    const buf = this.#buf;
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  }

  /** Overwrites a byte written earlier (a reserved type byte). @example `w.patchU8(0, 18)` */
  patchU8(at: number, v: number): void {
    this.#buf[at] = v;
  }

  /** Overwrites a little-endian u32 written earlier (listpack headers). @example `w.patchU32le(0, 9)` */
  patchU32le(at: number, v: number): void {
    this.#view.setUint32(at, v >>> 0, true);
  }

  /** Overwrites a little-endian u16 written earlier. @example `w.patchU16le(4, 2)` */
  patchU16le(at: number, v: number): void {
    this.#view.setUint16(at, v, true);
  }

  /** A view of the bytes written so far; valid until the next write. @example `w.peek()` */
  peek(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** A copy of everything written. @example `const bytes = w.finish()` */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /**
   * Everything written, without a copy, then the writer is empty again: the view is only
   * valid until the next write (for a consumer that copies at once, like a synchronous
   * file write). @example `file.write(w.drainView())`
   */
  drainView(): Uint8Array {
    const out = this.#buf.subarray(0, this.#len);
    this.#len = 0;
    return out;
  }

  /** A copy of everything written, then the writer is empty again. @example `sink(w.drain())` */
  drain(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }
}

/**
 * A bounds-checked cursor over bytes. Every read names what it reads so errors say e.g.
 * "truncated string length: needed 4 bytes, 1 left (at offset 17)".
 *
 * @example
 * ```ts
 * const r = new ByteReader(new Uint8Array([5, 0, 0, 0]));
 * r.u32le("count"); // 5
 * r.atEnd(); // true
 * ```
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  /** Current position, relative to `bytes`. */
  pos: number;
  /** Absolute offset of `bytes[0]` in the whole input, for error messages. */
  readonly base: number;
  readonly #end: number;
  readonly #view: DataView;

  /** @example `new ByteReader(bytes, { base: 100 })` */
  constructor(bytes: Uint8Array, options: { base?: number } = {}) {
    this.bytes = bytes;
    this.pos = 0;
    this.base = options.base ?? 0;
    this.#end = bytes.length;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** @example `r.remaining()` */
  remaining(): number {
    return this.#end - this.pos;
  }

  /** @example `r.atEnd()` */
  atEnd(): boolean {
    return this.pos >= this.#end;
  }

  /** Absolute offset of the cursor. @example `r.offset()` */
  offset(): number {
    return this.base + this.pos;
  }

  /** Throws a corruption error at the cursor (or at `pos`). @example `r.fail("bad opcode")` */
  fail(message: string, pos = this.pos): never {
    throw new FormatError(message, this.base + pos);
  }

  /** Ensures `n` more bytes exist, else throws a truncation error. @example `r.need(8, "double")` */
  need(n: number, what: string): void {
    if (n > this.#end - this.pos) {
      throw new FormatError(
        `truncated ${what}: needed ${n} bytes, ${this.#end - this.pos} left`,
        this.base + this.pos,
        true,
      );
    }
  }

  /** @example `r.u8("type")` */
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  /** @example `r.peekU8("type")` */
  peekU8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos];
  }

  /** @example `r.i8("int8")` */
  i8(what: string): number {
    this.need(1, what);
    return this.#view.getInt8(this.pos++);
  }

  /** @example `r.u16le("count")` */
  u16le(what: string): number {
    this.need(2, what);
    const v = this.#view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  /** @example `r.i16le("int16")` */
  i16le(what: string): number {
    this.need(2, what);
    const v = this.#view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  /** @example `r.u32le("bytes")` */
  u32le(what: string): number {
    this.need(4, what);
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** @example `r.u32be("length")` */
  u32be(what: string): number {
    this.need(4, what);
    const v = this.#view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  /** @example `r.i32le("int32")` */
  i32le(what: string): number {
    this.need(4, what);
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** @example `r.i64le("time")` */
  i64le(what: string): bigint {
    this.need(8, what);
    const v = this.#view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** @example `r.u64be("length")` */
  u64be(what: string): bigint {
    this.need(8, what);
    const v = this.#view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** @example `r.f64le("score")` */
  f64le(what: string): number {
    this.need(8, what);
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** @example `r.f32le("float")` */
  f32le(what: string): number {
    this.need(4, what);
    const v = this.#view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. @example `r.bytesView(8, "crc")` */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** The next `n` bytes as a binary string. @example `r.latin1(5, "magic")` */
  latin1(n: number, what: string): string {
    return bytesToLatin1(this.bytesView(n, what));
  }
}

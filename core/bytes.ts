/**
 * Binary strings: conversions between Uint8Array and the latin1 JS strings Modis uses for
 * every key and value.
 *
 * Why latin1 strings and not Uint8Array: a JS string whose char codes are bytes is
 * binary-safe, immutable, hashed natively by Map/Set, compared with `===`, and costs about
 * half the memory of a small Uint8Array on Bun (measurements in README). TextDecoder's
 * "latin1" is really windows-1252 and is not binary-safe, so decoding is done here.
 *
 * Decoding: Bun's host installs Buffer#latin1Slice (native, flat strings; on Bun a `+=` loop
 * makes rope strings that cost more memory when stored as keys). Elsewhere short strings use
 * fixed-arity `String.fromCharCode` calls and longer ones `String.fromCharCode.apply` (see the
 * README for the measurements).
 */

const CHUNK = 8192;

const scratch: number[] = [];

/** Longest string decoded with one fixed-arity String.fromCharCode call. */
const SHORT_MAX = 64;

/**
 * Decoders for 0..SHORT_MAX bytes, each one fixed-arity String.fromCharCode call, generated
 * once. On V8 such a call makes a flat string (a `+=` loop makes a cons string that every
 * later hash must flatten) and costs about half of `String.fromCharCode.apply` over a
 * reused array: 20 bytes 25 vs 55 ns, 64 bytes 84 vs 148 ns (Deno 2.9). Generated rather
 * than written out: 65 cases of a switch would be all copy and paste.
 */
const SHORT_DECODERS: ((b: Uint8Array, s: number) => string)[] = Array.from(
  { length: SHORT_MAX + 1 },
  (_, n) =>
    new Function(
      "b",
      "s",
      `return String.fromCharCode(${
        Array.from({ length: n }, (_, i) => `b[s + ${i}]`).join(", ")
      });`,
    ) as (b: Uint8Array, s: number) => string,
);

/** Runtime-provided byte facilities that beat the portable ones (installed by the host). */
export interface NativeBytes {
  /** Allocate a byte buffer the decoder handles natively. */
  alloc(n: number): Uint8Array;
  /** Decode latin1 from a buffer (from `alloc` or from the runtime's socket reads). */
  decode(buf: Uint8Array, start: number, end: number): string;
}
let nativeDecoder: NativeBytes["decode"] | null = null;
let nativeAlloc: NativeBytes["alloc"] | null = null;

/**
 * Install native byte facilities (Bun's Buffer#latin1Slice); hosts call this once.
 *
 * @example
 * ```ts
 * setNativeBytes({ alloc: (n) => Buffer.allocUnsafe(n), decode: (b, s, e) => (b as any).latin1Slice(s, e) });
 * ```
 */
export function setNativeBytes(native: NativeBytes): void {
  nativeDecoder = native.decode;
  nativeAlloc = native.alloc;
}

/**
 * A byte buffer for data that will be decoded with `bytesToBinary` (the parser's buffers).
 *
 * @example
 * ```ts
 * const buf = allocBytes(16384);
 * ```
 */
export function allocBytes(n: number): Uint8Array {
  return nativeAlloc !== null ? nativeAlloc(n) : new Uint8Array(n);
}

/**
 * Decode `buf[start, end)` into a binary string.
 *
 * @example
 * ```ts
 * bytesToBinary(new Uint8Array([104, 105, 255])); // "hi\xff"
 * ```
 */
export function bytesToBinary(buf: Uint8Array, start = 0, end = buf.length): string {
  if (nativeDecoder !== null) return nativeDecoder(buf, start, end);
  const n = end - start;
  if (n <= 0) return "";
  if (n <= SHORT_MAX) return SHORT_DECODERS[n](buf, start);
  if (n <= 256) {
    // Medium strings: copy into a reused array once, then one fromCharCode.apply.
    scratch.length = n;
    for (let i = 0; i < n; i++) scratch[i] = buf[start + i];
    return String.fromCharCode.apply(null, scratch);
  }
  if (n <= CHUNK) {
    // deno-lint-ignore no-explicit-any
    return String.fromCharCode.apply(null, buf.subarray(start, end) as any);
  }
  const parts: string[] = [];
  for (let i = start; i < end; i += CHUNK) {
    // deno-lint-ignore no-explicit-any
    parts.push(String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + CHUNK)) as any));
  }
  return parts.join("");
}

/**
 * Encode a binary string into bytes (char codes above 255 are truncated to their low byte).
 *
 * @example
 * ```ts
 * binaryToBytes("hi\xff"); // Uint8Array [104, 105, 255]
 * ```
 */
export function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();

/**
 * Turn ordinary (possibly non-ASCII) text into a binary string of its UTF-8 bytes, as a
 * Redis client would send it.
 *
 * @example
 * ```ts
 * utf8ToBinary("é"); // "\xc3\xa9"
 * ```
 */
export function utf8ToBinary(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return bytesToBinary(encoder.encode(text));
}

const decoder = new TextDecoder();

/**
 * Read a binary string as UTF-8 text (for logs and file names).
 *
 * @example
 * ```ts
 * binaryToUtf8("\xc3\xa9"); // "é"
 * ```
 */
export function binaryToUtf8(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return decoder.decode(binaryToBytes(s));
}

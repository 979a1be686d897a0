/**
 * Binary strings: conversions between Uint8Array and the latin1 JS strings Modis uses for
 * every key and value.
 *
 * Why latin1 strings and not Uint8Array: a JS string whose char codes are bytes is
 * binary-safe, immutable, hashed natively by Map/Set, compared with `===`, and costs about
 * half the memory of a small Uint8Array on Bun (measurements in README). TextDecoder's
 * "latin1" is really windows-1252 and is not binary-safe, so decoding is done here.
 *
 * Decoding builds strings with `String.fromCharCode.apply` over a subarray: on Bun, `+=` in
 * a loop makes rope strings that cost twice the memory when stored as keys.
 */

const CHUNK = 8192;

/**
 * Decode `buf[start, end)` into a binary string.
 *
 * @example
 * ```ts
 * bytesToBinary(new Uint8Array([104, 105, 255])); // "hi\xff"
 * ```
 */
export function bytesToBinary(buf: Uint8Array, start = 0, end = buf.length): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n === 1) return String.fromCharCode(buf[start]);
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

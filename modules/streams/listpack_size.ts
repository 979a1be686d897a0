/**
 * Byte sizes of Redis listpack elements, so that stream blocks split where Redis's nodes do.
 *
 * Modis does not store listpacks, but Redis decides when a stream node is full by its
 * listpack's byte size (stream-node-max-bytes) and approximate trimming (`MAXLEN ~`,
 * `MINID ~`) removes whole nodes only, so the number of entries such a trim removes — a
 * visible reply — depends on where nodes end. Each block therefore keeps the size the
 * equivalent listpack would have, computed with these functions (element = encoding header
 * + payload + back-length; integers in canonical int64 form take the integer encodings).
 */

/**
 * The listpack size of an integer element.
 *
 * @example
 * ```ts
 * lpIntSize(5); // 2
 * ```
 */
export function lpIntSize(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

const INT_LIKE = /^(0|-?[1-9][0-9]{0,18})$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * The listpack size of a string element (integer-looking strings are stored as integers).
 *
 * @example
 * ```ts
 * lpStringSize("hello"); // 7
 * lpStringSize("12"); // 2
 * ```
 */
export function lpStringSize(s: string): number {
  const n = s.length;
  if (n <= 20 && n > 0 && INT_LIKE.test(s)) {
    if (n < 16) return lpIntSize(Number(s));
    const big = BigInt(s);
    if (big >= I64_MIN && big <= I64_MAX) return lpIntSize(big);
  }
  const enc = n <= 63 ? 1 + n : n <= 4095 ? 2 + n : 5 + n;
  return enc + backlenSize(enc);
}

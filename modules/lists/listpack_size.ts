/**
 * Listpack sizes: how many bytes Redis's listpack would spend on an element.
 *
 * Modis does not store listpacks, but OBJECT ENCODING must switch from "listpack" to
 * "quicklist" (and back) exactly where Redis does, and Redis decides by the listpack's byte
 * size when `list-max-listpack-size` is negative (-1 = 4KB ... -5 = 64KB) and by a safety
 * limit of 8KB when it is a count. So every list keeps the sum of the sizes its elements
 * would have in a listpack, computed here from the listpack format's documented layout:
 * an element that reads as a canonical int64 is stored as an integer of 1, 2, 3, 4, 5 or 9
 * bytes; any other element as a 1, 2 or 5-byte length header plus its bytes; each entry is
 * followed by a "back length" of 1 to 5 bytes so the listpack can be walked backwards.
 */

/** Bytes of an empty listpack: the 6-byte header plus the end marker. */
export const LISTPACK_EMPTY_BYTES = 7;

/** Whether `s` (at most 20 chars) is a canonical decimal int64 ("0", "-12", no "+", no leading zeros). */
function intWidth(s: string): number {
  const n = s.length;
  if (n === 0 || n > 20) return 0;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) i = 1;
  if (i === n) return 0;
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 1 : 0; // "0" only; "-0" and "01" are strings
  if (first < 49 || first > 57) return 0;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return 0;
  }
  const digits = n - i;
  if (digits > 19) return 0;
  if (digits === 19) {
    // Compare against the int64 bounds as text (19 digits exceed a double's precision).
    const limit = neg ? "9223372036854775808" : "9223372036854775807";
    if (s.slice(i) > limit) return 0;
    return 9;
  }
  const v = Number(s);
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/**
 * The bytes one element takes in a listpack, back length included.
 *
 * @example
 * ```ts
 * lpEntrySize("7"); // 2: a 7-bit integer and its back length
 * lpEntrySize("hello"); // 7: 1-byte header, 5 bytes, back length
 * ```
 */
export function lpEntrySize(s: string): number {
  const c = s.charCodeAt(0);
  let enc = 0;
  if (s.length <= 20 && ((c >= 48 && c <= 57) || c === 45)) enc = intWidth(s);
  if (enc === 0) {
    const n = s.length;
    enc = (n < 64 ? 1 : n < 4096 ? 2 : 5) + n;
  }
  return enc + (enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5);
}

/**
 * Redis's node limits for a `list-max-listpack-size` value: a byte limit for negative
 * values, an entry count (with an 8KB safety limit on bytes) for positive ones.
 *
 * @example
 * ```ts
 * fillLimits(-2); // { bytes: 8192, count: Infinity }
 * fillLimits(128); // { bytes: Infinity, count: 128 }
 * ```
 */
export function fillLimits(fill: number): { bytes: number; count: number } {
  if (fill >= 0) return { bytes: Infinity, count: fill === 0 ? 1 : fill };
  return { bytes: byteLimit(fill), count: Infinity };
}

/**
 * The byte limit of a negative `list-max-listpack-size` (-1 = 4KB ... -5 and below = 64KB).
 *
 * @example
 * ```ts
 * byteLimit(-2); // 8192
 * ```
 */
export function byteLimit(fill: number): number {
  return 4096 << Math.min(-fill - 1, 4);
}

/** The size above which a count-limited listpack converts regardless of its count. */
export const SIZE_SAFETY_LIMIT = 8192;

/**
 * Whether a listpack of `bytes` and `count` entries is over the limit for `fill` (Redis's
 * quicklistNodeExceedsLimit).
 *
 * @example
 * ```ts
 * exceedsFill(-1, 5000, 10); // true: more than 4KB
 * exceedsFill(4, 100, 5); // true: more than 4 entries
 * ```
 */
export function exceedsFill(fill: number, bytes: number, count: number): boolean {
  if (fill < 0) return bytes > byteLimit(fill);
  if (bytes > SIZE_SAFETY_LIMIT) return true;
  return count > (fill === 0 ? 1 : fill);
}

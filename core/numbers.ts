/**
 * Number parsing and formatting with Redis's exact rules.
 *
 * Redis accepts an integer argument only in canonical form (string2ll: optional '-', no '+',
 * no leading zeros, no spaces, within int64) and formats doubles two ways: the shortest
 * round-trip digits for replies (d2string: integers printed plainly, scientific notation only
 * for very large/small exponents) and "%.17Lf with trailing zeros trimmed" for INCRBYFLOAT
 * (ld2string's human mode). JS numbers are exact to 2^53 only, so int64 work that can leave
 * that range goes through BigInt, and only then: the fast path stays on plain numbers.
 */

/** Smallest and largest int64, as BigInt. */
export const INT64_MIN = -(2n ** 63n);
/** Largest int64, as BigInt. */
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parse a canonical int64 (Redis's string2ll) into a BigInt, or null.
 *
 * @example
 * ```ts
 * parseInt64("-42"); // -42n
 * parseInt64("042"); // null
 * ```
 */
export function parseInt64(s: string): bigint | null {
  if (!isCanonicalInteger(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

function isCanonicalInteger(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === i + 1 && i === 0; // "0" only; "-0" is not canonical
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parse a canonical int64 into a JS number, or null. Exact up to 2^53; larger values are
 * range-checked exactly and then rounded, which is right for indexes, counts and timeouts.
 *
 * @example
 * ```ts
 * parseInteger("10"); // 10
 * parseInteger("1.5"); // null
 * ```
 */
export function parseInteger(s: string): number | null {
  const n = s.length;
  if (n <= 15) {
    // Validate and accumulate in one pass (Number(s) costs ~35 ns on JSC).
    if (n === 0) return null;
    let i = 0;
    const neg = s.charCodeAt(0) === 45;
    if (neg) {
      if (n === 1) return null;
      i = 1;
    }
    let c = s.charCodeAt(i) - 48;
    if (c === 0) return n === 1 ? 0 : null; // "0" only: no leading zeros, no "-0"
    if (c < 1 || c > 9) return null;
    let v = c;
    for (i++; i < n; i++) {
      c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_FLOAT = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?$/;

/**
 * Parse a double as Redis does (strtod, whole string, no leading space, "inf"/"infinity"
 * either case and sign, no NaN). Returns null when invalid.
 *
 * @example
 * ```ts
 * parseDouble("1.5e3"); // 1500
 * parseDouble("-inf"); // -Infinity
 * parseDouble("nan"); // null
 * ```
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  if (DECIMAL.test(s)) return Number(s);
  const lower = s.toLowerCase();
  const body = lower[0] === "+" || lower[0] === "-" ? lower.slice(1) : lower;
  if (body === "inf" || body === "infinity") return lower[0] === "-" ? -Infinity : Infinity;
  if (HEX_FLOAT.test(s)) return parseHexFloat(lower);
  return null;
}

function parseHexFloat(s: string): number {
  const neg = s[0] === "-";
  const body = s.replace(/^[+-]?0x/, "");
  const [mant, exp = "0"] = body.split("p");
  const [intPart, frac = ""] = mant.split(".");
  let v = intPart ? parseInt(intPart, 16) : 0;
  for (let i = 0; i < frac.length; i++) v += parseInt(frac[i], 16) / 16 ** (i + 1);
  v *= 2 ** Number(exp);
  return neg ? -v : v;
}

/**
 * Format a double the way Redis 7.4 replies with it (d2string + fpconv): shortest digits
 * that round-trip, plain notation unless the exponent is far out.
 *
 * @example
 * ```ts
 * formatDouble(1.5); // "1.5"
 * formatDouble(3); // "3"
 * formatDouble(1e300); // "1e+300"
 * formatDouble(Infinity); // "inf"
 * ```
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  if (Number.isInteger(d) && d >= -9223372036854775808 && d < 9223372036854775808) {
    if (Number.isSafeInteger(d)) return String(d);
    return BigInt(d).toString();
  }
  const neg = d < 0;
  const [mant, e] = Math.abs(d).toExponential().split("e");
  const digits = mant.replace(".", "");
  const ndigits = digits.length;
  const exp10 = Number(e); // position of the first digit
  const K = exp10 - (ndigits - 1); // value = digits * 10^K
  const absExp = Math.abs(exp10);
  let out: string;
  if (K >= 0 && absExp < ndigits + 7) {
    out = digits + "0".repeat(K);
  } else if (K < 0 && (K > -7 || absExp < 4)) {
    const offset = ndigits + K;
    out = offset <= 0
      ? "0." + "0".repeat(-offset) + digits
      : digits.slice(0, offset) + "." + digits.slice(offset);
  } else {
    const kept = digits.slice(0, Math.min(ndigits, 18 - (neg ? 1 : 0)));
    const expStr = absExp < 10 ? "0" + absExp : String(absExp);
    out = kept[0] + (kept.length > 1 ? "." + kept.slice(1) : "") + "e" +
      (exp10 < 0 ? "-" : "+") + (absExp < 10 ? String(absExp) : expStr);
  }
  return neg ? "-" + out : out;
}

/**
 * Format a number like Redis's ld2string in human mode (INCRBYFLOAT, HINCRBYFLOAT):
 * plain decimal notation, no exponent, trailing zeros removed.
 *
 * @example
 * ```ts
 * formatHumanDouble(10.6); // "10.6"
 * formatHumanDouble(5e21); // "5000000000000000000000"
 * ```
 */
export function formatHumanDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d > 0 ? "inf" : "-inf";
  if (d === 0) return "0";
  if (Number.isInteger(d)) return BigInt(d).toString();
  let s = String(d);
  if (s.includes("e")) {
    // Tiny magnitudes: expand the shortest digits into plain notation, 17 decimals at most.
    s = d.toFixed(17);
    if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
    if (s === "-0") s = "0";
  }
  return s;
}

/**
 * Format an int64 held as number or BigInt.
 *
 * @example
 * ```ts
 * formatInteger(12n); // "12"
 * ```
 */
export function formatInteger(n: number | bigint): string {
  return typeof n === "bigint" ? n.toString() : String(n);
}

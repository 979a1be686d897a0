/*
 * Numbers as Lua 5.1 on Linux prints and reads them.
 *
 * Printing follows glibc's printf: the exact binary value is rounded to the requested
 * digits with ties to even (JS's toFixed/toExponential round ties up, so they only supply
 * digits here), "%.14g" is Lua's tostring, NaN prints as "nan" or "-nan" by its sign bit
 * (x86 computes 0/0 as a negative NaN), infinities as "inf"/"-inf".
 * Reading follows strtod: decimal with exponent, hexadecimal integers, inf/nan, and
 * surrounding whitespace.
 */

/**
 * Round a positive finite number to `n` significant digits the way glibc does (exact
 * value, ties to even). JS's toExponential/toFixed round ties up, so they only provide
 * the digits: 24 digits past the cut are enough to see whether a double is exactly
 * half-way (a non-zero tail of a double is at least ~1e-17 of its value). `n` may be 0 or
 * negative (for %f of tiny numbers): the result is then "" (zero) or a carried "1".
 */
function roundSig(ax: number, n: number): { d: string; exp: number } {
  const want = Math.min(100, Math.max(n, 1) + 24);
  const e = ax.toExponential(want - 1);
  const ei = e.indexOf("e");
  let exp = Number(e.slice(ei + 1));
  const all = want > 1 ? e[0] + e.slice(2, ei) : e[0];
  if (n <= 0) {
    const next = n === 0 ? all.charCodeAt(0) - 48 : 0;
    const up = next > 5 || (next === 5 && /[1-9]/.test(all.slice(1)));
    return up ? { d: "1", exp: exp + 1 } : { d: "", exp };
  }
  if (n >= all.length) return { d: all.padEnd(n, "0"), exp };
  let keep = all.slice(0, n);
  const next = all.charCodeAt(n) - 48;
  const odd = (keep.charCodeAt(n - 1) - 48) % 2 === 1;
  if (next > 5 || (next === 5 && (odd || /[1-9]/.test(all.slice(n + 1))))) {
    let i = n - 1;
    while (i >= 0 && keep[i] === "9") i--;
    if (i < 0) {
      keep = "1" + "0".repeat(n - 1);
      exp++;
    } else {
      keep = keep.slice(0, i) + String.fromCharCode(keep.charCodeAt(i) + 1) + "0".repeat(n - 1 - i);
    }
  }
  return { d: keep, exp };
}

/** Digits `d` (first digit at 10^exp) written with `f` decimals. */
function fixedFromDigits(d: string, exp: number, f: number): string {
  let int = "0";
  if (d !== "" && exp >= 0) int = d.slice(0, exp + 1).padEnd(exp + 1, "0");
  if (f <= 0) return int;
  let frac = "";
  for (let k = 0; k < f; k++) {
    const idx = exp + 1 + k;
    frac += d !== "" && idx >= 0 && idx < d.length ? d[idx] : "0";
  }
  return int + "." + frac;
}

/**
 * Format a number like C's printf `%.<prec>g` (Lua's tostring uses precision 14).
 * `alt` keeps trailing zeros (the `#` flag).
 *
 * @example
 * ```ts
 * formatG(1e15, 14); // "1e+15"
 * ```
 */
export function formatG(x: number, prec: number, alt = false, upper = false): string {
  if (!isFinite(x)) return nonFinite(x, upper);
  if (prec === 0) prec = 1;
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return sign + (alt ? "0." + "0".repeat(prec - 1) : "0");
  const { d, exp } = roundSig(Math.abs(x), prec);
  let s: string;
  if (exp < -4 || exp >= prec) {
    s = d[0] + (prec > 1 || alt ? "." + d.slice(1) : "");
    if (!alt) s = stripZeros(s);
    s += expSuffix(exp, upper);
  } else {
    s = fixedFromDigits(d, exp, prec - 1 - exp);
    if (alt && !s.includes(".")) s += ".";
    if (!alt) s = stripZeros(s);
  }
  return sign + s;
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s;
  let i = s.length;
  while (s[i - 1] === "0") i--;
  if (s[i - 1] === ".") i--;
  return s.slice(0, i);
}

/**
 * C's `%.<prec>e` formatting.
 *
 * @example
 * ```ts
 * formatE(1234.5, 2); // "1.23e+03"
 * ```
 */
export function formatE(x: number, prec: number, upper = false, alt = false): string {
  if (!isFinite(x)) return nonFinite(x, upper);
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) {
    return sign + "0" + (prec > 0 ? "." + "0".repeat(prec) : alt ? "." : "") + expSuffix(0, upper);
  }
  const { d, exp } = roundSig(Math.abs(x), prec + 1);
  const mant = d[0] + (prec > 0 ? "." + d.slice(1) : alt ? "." : "");
  return sign + mant + expSuffix(exp, upper);
}

function expSuffix(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + (a < 10 ? "0" + a : String(a));
}

const f64 = new Float64Array(1);
const f64bytes = new Uint8Array(f64.buffer);

/**
 * True if `x` is a NaN with the sign bit set (what x86 produces for 0/0; glibc prints it
 * as "-nan", and so does Lua's tostring).
 *
 * @example
 * ```ts
 * isNegativeNaN(NaN); // false
 * ```
 */
export function isNegativeNaN(x: number): boolean {
  f64[0] = x;
  return x !== x && (f64bytes[7] & 0x80) !== 0;
}

function nonFinite(x: number, upper: boolean): string {
  const s = x !== x ? (isNegativeNaN(x) ? "-nan" : "nan") : x > 0 ? "inf" : "-inf";
  return upper ? s.toUpperCase() : s;
}

/**
 * C's `%.<prec>f` formatting (exact, ties to even, any magnitude).
 *
 * @example
 * ```ts
 * formatFixed(2.5, 0); // "2"
 * ```
 */
export function formatFixed(x: number, prec: number, upper = false): string {
  if (!isFinite(x)) return nonFinite(x, upper);
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const ax = Math.abs(x);
  if (ax === 0) return sign + fixedFromDigits("", 0, prec);
  if (ax >= 1e21) return sign + BigInt(ax).toString() + (prec > 0 ? "." + "0".repeat(prec) : "");
  const exp0 = Number(ax.toExponential(24).split("e")[1]);
  const { d, exp } = roundSig(ax, exp0 + 1 + prec);
  return sign + fixedFromDigits(d, exp, prec);
}

/**
 * Lua's number to string conversion (`%.14g`).
 *
 * @example
 * ```ts
 * numberToString(0.1); // "0.1"
 * ```
 */
export function numberToString(n: number): string {
  if (Number.isInteger(n) && n < 1e14 && n > -1e14) {
    return n === 0 && 1 / n < 0 ? "-0" : String(n);
  }
  return formatG(n, 14);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^[+-]?0[xX](?=\.?[0-9a-fA-F])([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Lua 5.1's string to number conversion (strtod semantics as on Linux: decimal, hex
 * integers, inf and nan, surrounding whitespace allowed). Returns undefined if invalid.
 *
 * @example
 * ```ts
 * stringToNumber(" 0x10 "); // 16
 * ```
 */
export function stringToNumber(s: string): number | undefined {
  const plain = plainInteger(s);
  if (plain !== undefined) return plain;
  const t = trimLua(s);
  if (DECIMAL.test(t)) return Number(t);
  const hex = HEX.exec(t);
  if (hex !== null) {
    // glibc's strtod reads hexadecimal floats too: 0x1.8p3 is 12.
    let v = 0;
    for (const c of hex[1]) v = v * 16 + parseInt(c, 16);
    let scale = 1 / 16;
    for (const c of hex[2] ?? "") {
      v += parseInt(c, 16) * scale;
      scale /= 16;
    }
    if (hex[3] !== undefined) v *= Math.pow(2, Number(hex[3]));
    return t[0] === "-" ? -v : v;
  }
  if (SPECIAL.test(t)) {
    const neg = t[0] === "-";
    const v = /nan/i.test(t) ? NaN : Infinity;
    return neg ? -v : v;
  }
  return undefined;
}

/**
 * The common case of scripts' numbers (ARGV, replies): up to 15 decimal digits with an
 * optional minus sign, read without a regular expression. Anything else: undefined.
 */
function plainInteger(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 15) return undefined;
  const neg = s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i === n) return undefined;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function trimLua(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isSpace(s.charCodeAt(i))) i++;
  while (j > i && isSpace(s.charCodeAt(j - 1))) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

/**
 * C's isspace in the C locale.
 *
 * @example
 * ```ts
 * isSpace(32); // true
 * ```
 */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * x87 80-bit "long double" arithmetic, just enough for INCRBYFLOAT to give Redis's digits.
 *
 * Why not plain doubles: Redis parses both operands with strtold, adds them as long doubles
 * (64-bit mantissa on x86-64) and prints the sum with "%.17Lf", trailing zeros trimmed. The
 * extra precision is visible: 0.1 + 0.2 prints "0.3" (a double sum would print
 * 0.30000000000000004), 100000.1 prints "100000.10000000000000142", 1e300 + 1 prints the
 * long double's exact 301 digits. Emulating that exactly needs three correctly rounded
 * steps, done here with BigInt rationals:
 *
 *   parse  decimal or hex text → nearest m·2^e with a 64-bit m (round half to even)
 *   add    exact sum of the two operands, rounded the same way
 *   format exact decimal expansion of m·2^e, rounded to 17 fractional digits
 *
 * The exponent range is the x87 one (normal down to 2^-16382, subnormals below, overflow
 * past ~1.19e4932). Text that would overflow or underflow to zero is refused, as Redis's
 * string2ld refuses it. Operands are at most 5119 characters, so BigInts stay small enough
 * to be fast (microseconds for everyday values).
 */

/** A long double value. */
export type LongDouble =
  | { kind: "finite"; neg: boolean; m: bigint; e: number }
  | { kind: "inf"; neg: boolean }
  | { kind: "nan" };

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
/** Exponent of the smallest subnormal (2^-16445) and of the largest finite value's m. */
const EMIN = -16445;
const EMAX = 16320;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer operands are refused. */
const MAX_CHARS = 5 * 1024;

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16));
}

/** The long double nearest to num/den·2^exp2 (num, den > 0), rounding half to even. */
function round(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  let e = Math.max(EMIN, bitLength(num) - bitLength(den) + exp2 - 64);
  for (;;) {
    const sh = exp2 - e;
    const n = sh >= 0 ? num << BigInt(sh) : num;
    const d = sh >= 0 ? den : den << BigInt(-sh);
    let q = n / d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    const twiceRem = (n - q * d) * 2n;
    if (twiceRem > d || (twiceRem === d && (q & 1n) === 1n)) q++;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
    if (e > EMAX) return { kind: "inf", neg };
    return { kind: "finite", neg, m: q, e };
  }
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(inf|infinity)$/i;

/**
 * Parse text as Redis's string2ld does (strtold on the whole string, no leading space, no
 * NaN, no overflow or underflow to zero). Returns null when Redis would say "not a valid
 * float".
 *
 * @example
 * ```ts
 * parseLongDouble("1.5"); // { kind: "finite", neg: false, m: 13835058055282163712n, e: -63 }
 * parseLongDouble(" 1"); // null
 * ```
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const inf = INF.exec(s);
  if (inf) return { kind: "inf", neg: inf[1] === "-" };
  const hex = HEX.exec(s);
  const dec = hex ? null : DECIMAL.exec(s);
  const m = hex ?? dec;
  if (!m) return null;
  const int = m[2];
  const frac = m[3] ?? "";
  if (int.length + frac.length === 0) return null;
  const neg = m[1] === "-";
  const digits = (int + frac).replace(/^0+/, "");
  // Clamp absurd exponents: they only decide between overflow and underflow.
  const exp = m[4] === undefined ? 0 : Math.max(-1e6, Math.min(1e6, Number(m[4])));
  if (digits === "") return { kind: "finite", neg, m: 0n, e: 0 };
  let r: LongDouble;
  if (hex) {
    r = round(neg, BigInt("0x" + digits), 1n, exp - 4 * frac.length);
  } else {
    const exp10 = exp - frac.length;
    const magnitude = exp10 + digits.length;
    if (magnitude > 4934) return null; // beyond the largest long double
    if (magnitude < -4952) return null; // rounds to zero
    const mant = BigInt(digits);
    r = exp10 >= 0
      ? round(neg, mant * 10n ** BigInt(exp10), 1n, 0)
      : round(neg, mant, 10n ** BigInt(-exp10), 0);
  }
  if (r.kind === "inf") return null;
  if (r.kind === "finite" && r.m === 0n) return null;
  return r;
}

/**
 * The correctly rounded sum of two long doubles.
 *
 * @example
 * ```ts
 * formatLongDouble(addLongDouble(parseLongDouble("0.1")!, parseLongDouble("0.2")!)); // "0.3"
 * ```
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf" && a.neg !== b.neg) return { kind: "nan" };
    return a.kind === "inf" ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { ...b, neg: a.neg && b.neg } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const x = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const y = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = x + y;
  if (sum === 0n) return { kind: "finite", neg: false, m: 0n, e: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/**
 * Print like Redis's ld2string in human mode: "%.17Lf", trailing zeros and a trailing dot
 * removed, "-0" printed as "0", "inf"/"-inf"/"nan" for non-finite values.
 *
 * @example
 * ```ts
 * formatLongDouble(parseLongDouble("100000.1")!); // "100000.10000000000000142"
 * ```
 */
export function formatLongDouble(x: LongDouble): string {
  if (x.kind === "nan") return "nan";
  if (x.kind === "inf") return x.neg ? "-inf" : "inf";
  let q: bigint;
  const scaled = x.m * 10n ** 17n;
  if (x.e >= 0) q = scaled << BigInt(x.e);
  else {
    const sh = BigInt(-x.e);
    q = scaled >> sh;
    const twiceRem = (scaled - (q << sh)) * 2n;
    const unit = 1n << sh;
    if (twiceRem > unit || (twiceRem === unit && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(18, "0");
  let out = digits.slice(0, -17) + "." + digits.slice(-17);
  out = out.replace(/0+$/, "").replace(/\.$/, "");
  if (x.neg && out !== "0") out = "-" + out;
  return out;
}

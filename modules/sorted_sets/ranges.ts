/**
 * Scores and ranges: parsing them with Redis's exact rules and turning them into rank
 * intervals.
 *
 * Two number parsers, because Redis has two. Scores, increments and weights go through
 * string2d: the whole argument must be a double, no leading space, and a value that
 * overflows to infinity or underflows to zero is refused (only a literal "inf" may be
 * infinite). Range bounds go through plain strtod: leading whitespace is skipped, an empty
 * bound is 0, overflow to infinity is fine, NaN is refused.
 *
 * Every range (by score or by lex) becomes a half-open interval of ranks [lo, hi): lo counts
 * the elements below the minimum, hi those not above the maximum, each one O(log N) count
 * over the ordered structure. Commands then work on ranks only, so ZCOUNT is `hi - lo` and
 * ZRANGEBYSCORE a walk of known length (its reply header is written before the walk).
 *
 * ZSCAN on a big set prints scores like Redis's ld2string: "%.17Lg" of the double, which
 * is not the shortest form ("1.1000000000000001"); `formatScore17` reproduces it.
 */

import { ReplyError } from "../../core/errors.ts";
import { parseDouble } from "../../core/numbers.ts";
import type { Ordered } from "./zset.ts";

/**
 * Parse a score, increment or weight as Redis's string2d does, or return null.
 *
 * @example
 * ```ts
 * parseScore("1.5"); // 1.5
 * parseScore("-inf"); // -Infinity
 * parseScore("1e400"); // null (overflow)
 * ```
 */
export function parseScore(s: string): number | null {
  const v = parseDouble(s);
  if (v === null) return null;
  // The common case costs nothing more: only zeros and infinities need a second look.
  if (Number.isFinite(v) && (v !== 0 || !/[1-9a-f]/i.test(s))) return v;
  const body = s.replace(/^[+-]/, "");
  if (!Number.isFinite(v)) return /^inf/i.test(body) ? v : null;
  const hex = /^0x/i.test(body);
  const mantissa = hex ? body.slice(2).replace(/p.*$/i, "") : body.replace(/e.*$/i, "");
  return (hex ? /[1-9a-f]/i : /[1-9]/).test(mantissa) ? null : v; // else underflow
}

const SPACE = /^[ \t\n\v\f\r]+/;

/** C's strtod over the whole string (leading spaces skipped, "" is 0); null when invalid. */
function strtodWhole(s: string): number | null {
  if (s.length === 0) return 0;
  const v = parseDouble(s.replace(SPACE, ""));
  return v === null || Number.isNaN(v) ? null : v;
}

/**
 * A score interval; `minex`/`maxex` mark exclusive ends ("(1.5").
 *
 * @example
 * ```ts
 * const r: ScoreRange = { min: 1, max: 2, minex: true, maxex: false }; // (1 2
 * ```
 */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * Parse ZRANGEBYSCORE-style bounds; throws "ERR min or max is not a float".
 *
 * @example
 * ```ts
 * parseScoreRange("(1", "+inf"); // { min: 1, minex: true, max: Infinity, maxex: false }
 * ```
 */
export function parseScoreRange(min: string, max: string): ScoreRange {
  const lo = parseBound(min);
  const hi = parseBound(max);
  if (lo === null || hi === null) throw new ReplyError("ERR min or max is not a float");
  return { min: lo[0], minex: lo[1], max: hi[0], maxex: hi[1] };
}

function parseBound(s: string): [number, boolean] | null {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = strtodWhole(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

/**
 * The ranks [lo, hi) of the elements whose score lies in `r`.
 *
 * @example
 * ```ts
 * const [lo, hi] = scoreSpan(z, parseScoreRange("1", "2"));
 * const count = hi - lo;
 * ```
 */
export function scoreSpan(o: Ordered, r: ScoreRange): [number, number] {
  const { min, max } = r;
  const lo = o.countWhile(r.minex ? (s) => s <= min : (s) => s < min);
  const hi = o.countWhile(r.maxex ? (s) => s < max : (s) => s <= max);
  return [lo, Math.max(lo, hi)];
}

/**
 * One end of a lex range: a string, inclusive or not, or -inf/+inf ("-" / "+").
 *
 * @example
 * ```ts
 * const b: LexBound = { inf: 0, value: "a", ex: false }; // [a
 * ```
 */
export interface LexBound {
  inf: -1 | 0 | 1;
  value: string;
  ex: boolean;
}

function parseLexBound(s: string): LexBound | null {
  const c = s[0];
  if (c === "+" || c === "-") {
    return s.length === 1 ? { inf: c === "+" ? 1 : -1, value: "", ex: true } : null;
  }
  if (c === "(" || c === "[") return { inf: 0, value: s.slice(1), ex: c === "(" };
  return null;
}

/**
 * Parse ZRANGEBYLEX-style bounds; throws "ERR min or max not valid string range item".
 *
 * @example
 * ```ts
 * parseLexRange("[a", "(c");
 * ```
 */
export function parseLexRange(min: string, max: string): [LexBound, LexBound] {
  const lo = parseLexBound(min);
  const hi = parseLexBound(max);
  if (lo === null || hi === null) {
    throw new ReplyError("ERR min or max not valid string range item");
  }
  return [lo, hi];
}

/**
 * The ranks [lo, hi) of the elements whose member lies in the lex range (meaningful when
 * all scores are equal, as Redis documents).
 *
 * @example
 * ```ts
 * const [lo, hi] = lexSpan(z, ...parseLexRange("-", "[m"));
 * ```
 */
export function lexSpan(o: Ordered, min: LexBound, max: LexBound): [number, number] {
  const belowMin = min.inf === -1
    ? () => false
    : min.inf === 1
    ? () => true
    : min.ex
    ? (_s: number, m: string) => m <= min.value
    : (_s: number, m: string) => m < min.value;
  const notAboveMax = max.inf === 1
    ? () => true
    : max.inf === -1
    ? () => false
    : max.ex
    ? (_s: number, m: string) => m < max.value
    : (_s: number, m: string) => m <= max.value;
  const lo = o.countWhile(belowMin);
  const hi = o.countWhile(notAboveMax);
  return [lo, Math.max(lo, hi)];
}

/**
 * Where a LIMIT offset/count leaves a rank interval [lo, hi) walked forward or backward:
 * the first rank visited and how many. A negative count means "all". A negative offset
 * gives nothing on a small set, while on a big set it counts from the far end of the
 * range, as Redis 7.4's skiplist search does (zslNthInRange).
 *
 * @example
 * ```ts
 * limitSpan(0, 10, { reverse: false, offset: 2, count: 3, big: false }); // [2, 3]
 * ```
 */
export function limitSpan(
  lo: number,
  hi: number,
  opts: { reverse: boolean; offset: number; count: number; big: boolean },
): [number, number] {
  const { reverse, offset, count, big } = opts;
  if (hi <= lo || (offset < 0 && !big)) return [0, 0];
  let start: number;
  let available: number;
  if (offset >= 0) {
    start = reverse ? hi - 1 - offset : lo + offset;
    available = reverse ? start - lo + 1 : hi - start;
  } else if (!reverse) {
    start = hi + offset;
    available = start >= lo ? hi - start : 0;
  } else {
    start = lo - offset - 1;
    available = start < hi ? start - lo + 1 : 0;
  }
  if (available <= 0) return [0, 0];
  return [start, count < 0 ? available : Math.min(count, available)];
}

/**
 * Format a score like C's "%.17g" (Redis's ld2string for ZSCAN on big sets).
 *
 * @example
 * ```ts
 * formatScore17(1.1); // "1.1000000000000001"
 * formatScore17(1e20); // "1e+20"
 * ```
 */
export function formatScore17(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d > 0 ? "inf" : "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const [mant, e] = d.toExponential(16).split("e");
  const exp = Number(e);
  const trim = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 17) {
    const abs = Math.abs(exp);
    return trim(mant) + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" + abs : String(abs));
  }
  return trim(d.toFixed(16 - exp));
}

/**
 * IntSet: the "intset" encoding of small sets whose members are all integers.
 *
 * Members are kept sorted in one typed array and found by binary search, so membership is
 * O(log N) and an insert or delete moves at most N slots with a native `copyWithin` (N is
 * bounded by set-max-intset-entries, 512 by default). Iteration is in ascending numeric
 * order, which is the order Redis replies in for this encoding.
 *
 * Width. Like Redis's intset, which starts with 16-bit slots and upgrades to 32 and 64 bits
 * when a wider value arrives, the array starts as a Float64Array (exact for every integer up
 * to 2^53) and is upgraded once, for good, to a BigInt64Array when a member outside that
 * range arrives. Most sets never pay for BigInt arithmetic.
 *
 * Members arrive as strings; only canonical int64 spellings (Redis's string2ll: no sign
 * other than '-', no leading zeros, no spaces, no "-0") are integers here, so printing a
 * member back always gives the exact string that was added.
 */

import { parseInt64, parseInteger } from "../../core/numbers.ts";

/** An integer member: a number when exact as a double, else a bigint. */
export type IntMember = number | bigint;

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The integer value of a member string, or null when the string is not a canonical int64.
 *
 * @example
 * ```ts
 * intMember("42"); // 42
 * intMember("9223372036854775807"); // 9223372036854775807n
 * intMember("042"); // null
 * ```
 */
export function intMember(s: string): IntMember | null {
  // Up to 15 characters the value is below 2^53 and parseInteger is exact and cheap.
  if (s.length <= 15) return parseInteger(s);
  const big = parseInt64(s);
  if (big === null) return null;
  return big >= SAFE_MIN && big <= SAFE_MAX ? Number(big) : big;
}

/**
 * A sorted set of int64 values.
 *
 * @example
 * ```ts
 * const s = new IntSet();
 * s.add(5); s.add(-2);
 * s.has(5); // true
 * s.toArray(); // ["-2", "5"]
 * ```
 */
export class IntSet {
  private vals: Float64Array | BigInt64Array;
  private n = 0;

  constructor(capacity = 4) {
    this.vals = new Float64Array(Math.max(4, capacity));
  }

  /** Number of members. */
  get size(): number {
    return this.n;
  }

  /** The member at sorted position `i`, as its decimal string. */
  at(i: number): string {
    return String(this.vals[i]);
  }

  /** The member at sorted position `i`, as a value. */
  valueAt(i: number): IntMember {
    return this.vals[i];
  }

  /** Smallest member (the set must not be empty). */
  min(): IntMember {
    return this.vals[0];
  }

  /** Largest member (the set must not be empty). */
  max(): IntMember {
    return this.vals[this.n - 1];
  }

  /** Whether `v` is a member. */
  has(v: IntMember): boolean {
    return this.search(v) >= 0;
  }

  /** Insert `v`; returns false when it was already a member. */
  add(v: IntMember): boolean {
    if (typeof v === "bigint" && this.vals instanceof Float64Array) this.widen();
    const pos = this.search(v);
    if (pos >= 0) return false;
    const at = -pos - 1;
    if (this.n === this.vals.length) this.grow();
    this.vals.copyWithin(at + 1, at, this.n);
    this.store(at, v);
    this.n++;
    return true;
  }

  /** Remove `v`; returns whether it was a member. */
  delete(v: IntMember): boolean {
    const pos = this.search(v);
    if (pos < 0) return false;
    this.vals.copyWithin(pos, pos + 1, this.n);
    this.n--;
    return true;
  }

  /** Remove the member at sorted position `i`, returning it as a string. */
  deleteAt(i: number): string {
    const s = this.at(i);
    this.vals.copyWithin(i, i + 1, this.n);
    this.n--;
    return s;
  }

  /** Every member as a string, ascending. */
  toArray(): string[] {
    const out = new Array<string>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = String(this.vals[i]);
    return out;
  }

  /** A deep copy. */
  clone(): IntSet {
    const c = new IntSet(0);
    c.vals = this.vals.slice(0, Math.max(4, this.n));
    c.n = this.n;
    return c;
  }

  /** Bytes of member storage (MEMORY USAGE). */
  get byteLength(): number {
    return this.vals.byteLength;
  }

  /** Index of `v`, or -(insertion point) - 1 when absent. */
  private search(v: IntMember): number {
    const vals = this.vals;
    // Compare like with like: in a wide array every value is a bigint.
    const key = vals instanceof BigInt64Array && typeof v === "number" ? BigInt(v) : v;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = vals[mid];
      if (m < key) lo = mid + 1;
      else if (m > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private store(i: number, v: IntMember): void {
    if (this.vals instanceof BigInt64Array) this.vals[i] = typeof v === "bigint" ? v : BigInt(v);
    else this.vals[i] = v as number;
  }

  private grow(): void {
    const bigger = this.vals instanceof BigInt64Array
      ? new BigInt64Array(this.vals.length * 2)
      : new Float64Array(this.vals.length * 2);
    (bigger as Float64Array).set(this.vals as Float64Array);
    this.vals = bigger;
  }

  /** The one-way upgrade to 64-bit integer slots. */
  private widen(): void {
    const wide = new BigInt64Array(this.vals.length);
    for (let i = 0; i < this.n; i++) wide[i] = BigInt(this.vals[i]);
    this.vals = wide;
  }
}

/**
 * The hash value: field → value, with optional per-field deadlines (Redis 7.4 field expiry),
 * in one of Redis's three encodings.
 *
 *   listpack    the pairs f0, v0, f1, v1, ... in insertion order, packed into one binary
 *               string (listpack.ts). Small hashes (at most hash-max-listpack-entries
 *               fields, every field and value at most hash-max-listpack-value bytes) are
 *               scanned linearly, exactly as Redis scans its listpack: for a few dozen short
 *               strings that beats hashing, and one string is far more compact than an
 *               array of strings (each JS string has its own header).
 *   listpackex  the same pairs plus a parallel array of deadlines (0 = none), once a field
 *               expiry command touched the hash. Like Redis, pairs are kept ordered by
 *               deadline, volatile pairs first (earliest first) and persistent pairs after
 *               them in insertion order, so the next deadline is element 0 and expiring is
 *               a cut at the front. Replies list fields in this order, as Redis does.
 *   hashtable   core's Dict (O(1) access, SCAN with Redis's cursor guarantee), plus a
 *               FieldTtls (Map + lazy heap) only when some field has a deadline.
 *
 * A hash converts once, one way (listpack → listpackex → hashtable, or listpack →
 * hashtable), when a threshold is crossed, and never back, like Redis. The thresholds come in
 * as `HashLimits` (per server, from config.ts), so the value itself has no server state.
 *
 * This class knows nothing about time, keys or events: it stores deadlines and answers
 * questions about them. Which fields count as expired, lazy deletion, keyspace events and
 * propagation are the commands' business (field_expiry.ts).
 */

import { Dict } from "../../core/dict.ts";
import type { TypedValue, TypeSpec } from "../../core/spec.ts";
import { FieldTtls } from "./time_heap.ts";
import {
  appendPair,
  eachPair,
  fieldAt,
  fieldIndex,
  findField,
  movePair,
  nextPair,
  packPairs,
  removePair,
  replaceValue,
  valueAt,
} from "./listpack.ts";
import { trackHash } from "./field_expiry.ts";

/** The encoding thresholds (hash-max-listpack-entries / -value). */
export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

/** One field as persistence sees it: [field, value, deadline in ms or 0]. */
export type HashEntry = [field: string, value: string, expireAt: number];

/** How many random probes a fair pick tries before settling for a bucket-based pick. */
const FAIR_TRIES = 32;

/**
 * A hash.
 *
 * @example
 * ```ts
 * const h = new HashValue();
 * h.set("f", "v", { maxEntries: 128, maxValue: 64 });
 * h.get("f"); // "v"
 * h.encoding; // "listpack"
 * ```
 */
export class HashValue implements TypedValue {
  /** The packed listpack (listpack.ts); null once converted to a hashtable. */
  private lp: string | null = "";
  /** Pairs in the listpack. */
  private pairs = 0;
  /** listpackex deadlines, one per pair (0 = none); null for a plain listpack. */
  private lpTtl: number[] | null = null;
  private dict: Dict<string> | null = null;
  private ttls: FieldTtls | null = null;
  /**
   * The highest size the Dict ever had. Dict hands out slots from a free list and only
   * grows its slot range when that list is empty, so every live slot is below this: fair
   * random picks probe [0, peak).
   */
  private peak = 0;
  /** The active-expiry index's current entry for this hash (see field_expiry.ts). */
  expiryEntry: object | null = null;

  /** The hash type (TYPE, WRONGTYPE checks). */
  get type(): TypeSpec<HashValue> {
    return hashType;
  }

  /** OBJECT ENCODING name. */
  get encoding(): "listpack" | "listpackex" | "hashtable" {
    return this.lp === null ? "hashtable" : this.lpTtl === null ? "listpack" : "listpackex";
  }

  /** Number of fields, including expired ones not deleted yet (HLEN counts them too). */
  get size(): number {
    return this.lp !== null ? this.pairs : this.dict!.size;
  }

  /** Whether some field has a deadline. */
  get volatile(): boolean {
    if (this.lpTtl !== null) return this.lpTtl.length > 0 && this.lpTtl[0] !== 0;
    return this.ttls !== null && this.ttls.size > 0;
  }

  /** The value of `field`, or undefined (deadlines are not checked here). */
  get(field: string): string | undefined {
    if (this.lp !== null) {
      const pos = findField(this.lp, field);
      return pos < 0 ? undefined : valueAt(this.lp, pos);
    }
    return this.dict!.get(field);
  }

  /** Whether `field` is stored. */
  has(field: string): boolean {
    return this.lp !== null ? findField(this.lp, field) >= 0 : this.dict!.has(field);
  }

  /** The deadline of `field` in ms, or 0 when it has none (or is absent). */
  ttlOf(field: string): number {
    if (this.lpTtl !== null) {
      const i = fieldIndex(this.lp!, field);
      return i < 0 ? 0 : this.lpTtl[i];
    }
    return this.ttls === null ? 0 : this.ttls.get(field);
  }

  /** The earliest deadline of any field, or Infinity. */
  nextExpiry(): number {
    if (this.lpTtl !== null) {
      return this.lpTtl.length > 0 && this.lpTtl[0] !== 0 ? this.lpTtl[0] : Infinity;
    }
    return this.ttls === null ? Infinity : this.ttls.next();
  }

  /**
   * Convert to a hashtable now if `pairs` new pairs could not fit a listpack (Redis
   * converts before a multi-field HSET larger than the entry limit, duplicates or not).
   */
  reserve(pairs: number, limits: HashLimits): void {
    if (this.lp !== null && pairs > limits.maxEntries) this.toHashtable();
  }

  /**
   * Set `field` to `value`; returns true when the field is new. An existing field's deadline
   * is dropped unless `keepTtl` (HSET drops it, HINCRBY keeps it).
   */
  set(field: string, value: string, limits: HashLimits, keepTtl = false): boolean {
    if (this.lp !== null && (field.length > limits.maxValue || value.length > limits.maxValue)) {
      this.toHashtable();
    }
    const lp = this.lp;
    if (lp === null) {
      const dict = this.dict!;
      const slot = dict.find(field);
      if (slot >= 0) {
        dict.setValueOf(slot, value);
        if (!keepTtl && this.ttls !== null) this.ttls.delete(field);
        return false;
      }
      dict.insertNew(field, value);
      if (dict.size > this.peak) this.peak = dict.size;
      return true;
    }
    const pos = findField(lp, field);
    if (pos >= 0) {
      this.lp = replaceValue(lp, pos, value);
      if (!keepTtl && this.lpTtl !== null) {
        const i = fieldIndex(this.lp, field);
        if (this.lpTtl[i] !== 0) this.moveListpackPair(i, 0);
      }
      return false;
    }
    this.lp = appendPair(lp, field, value);
    this.pairs++;
    this.lpTtl?.push(0);
    if (this.pairs > limits.maxEntries) this.toHashtable();
    return true;
  }

  /** Remove `field`; returns whether it was there. */
  delete(field: string): boolean {
    if (this.lp !== null) {
      const pos = findField(this.lp, field);
      if (pos < 0) return false;
      if (this.lpTtl !== null) this.lpTtl.splice(fieldIndex(this.lp, field), 1);
      this.lp = removePair(this.lp, pos);
      this.pairs--;
      return true;
    }
    if (this.dict!.delete(field) === undefined) return false;
    this.ttls?.delete(field);
    return true;
  }

  /** Allow deadlines: a plain listpack becomes a listpackex (Redis does this on HEXPIRE). */
  allowTtls(): void {
    if (this.lp !== null && this.lpTtl === null) {
      this.lpTtl = new Array<number>(this.pairs).fill(0);
    }
  }

  /** Give an existing field a deadline (ms). Call `allowTtls` first on a listpack. */
  setTtl(field: string, at: number): void {
    if (this.lp !== null) {
      const i = fieldIndex(this.lp, field);
      if (i >= 0) this.moveListpackPair(i, at);
      return;
    }
    if (!this.dict!.has(field)) return;
    (this.ttls ??= new FieldTtls()).set(field, at);
  }

  /** Drop the deadline of `field`; returns whether it had one. */
  persist(field: string): boolean {
    if (this.lpTtl !== null) {
      const i = fieldIndex(this.lp!, field);
      if (i < 0 || this.lpTtl[i] === 0) return false;
      this.moveListpackPair(i, 0);
      return true;
    }
    return this.ttls !== null && this.ttls.delete(field);
  }

  /**
   * Delete up to `max` fields whose deadline is <= `now`, earliest first, calling `onField`
   * for each; returns how many were deleted.
   */
  expire(now: number, max: number, onField: (field: string) => void): number {
    if (this.lpTtl !== null) {
      const ttl = this.lpTtl;
      const lp = this.lp!;
      let n = 0;
      let pos = 0;
      while (n < ttl.length && n < max && ttl[n] !== 0 && ttl[n] <= now) {
        onField(fieldAt(lp, pos));
        pos = nextPair(lp, pos);
        n++;
      }
      if (n > 0) {
        this.lp = lp.slice(pos);
        this.pairs -= n;
        ttl.splice(0, n);
      }
      return n;
    }
    if (this.ttls === null) return 0;
    let n = 0;
    for (; n < max; n++) {
      const field = this.ttls.popDue(now);
      if (field === undefined) break;
      this.dict!.delete(field);
      onField(field);
    }
    return n;
  }

  /** Visit every field in encoding order with its value and deadline (0 = none). */
  forEach(fn: (field: string, value: string, expireAt: number) => void): void {
    const lp = this.lp;
    if (lp !== null) {
      const ttl = this.lpTtl;
      let i = 0;
      eachPair(lp, (f, v) => fn(f, v, ttl === null ? 0 : ttl[i++]));
      return;
    }
    const ttls = this.ttls;
    this.dict!.forEach((value, field) => fn(field, value, ttls === null ? 0 : ttls.get(field)));
  }

  /** The listpack pairs as a fresh array [f0, v0, f1, v1, ...], or null for a hashtable. */
  listpackPairs(): string[] | null {
    const lp = this.lp;
    if (lp === null) return null;
    const out: string[] = [];
    eachPair(lp, (f, v) => void out.push(f, v));
    return out;
  }

  /** The Dict of a hashtable-encoded hash (read-only use), or null for a listpack. */
  table(): Dict<string> | null {
    return this.dict;
  }

  /**
   * A uniformly random Dict slot of a hashtable-encoded hash (-1 when empty): probes of the
   * slot range, falling back to Dict's bucket-based pick when the range is very sparse.
   */
  fairRandomSlot(): number {
    const dict = this.dict!;
    if (dict.size === 0) return -1;
    for (let i = 0; i < FAIR_TRIES; i++) {
      const slot = Math.floor(Math.random() * this.peak);
      if ((dict.keyOf(slot) as string | undefined) !== undefined) return slot;
    }
    return dict.randomSlot();
  }

  /** Every field as [field, value, deadline] (persistence, COPY). */
  entries(): HashEntry[] {
    const out: HashEntry[] = [];
    this.forEach((f, v, at) => out.push([f, v, at]));
    return out;
  }

  /**
   * Build a hash from entries (persistence). Deadlines of 0 mean none; the encoding follows
   * the limits as if the fields had been added one by one.
   *
   * @example
   * ```ts
   * const h = HashValue.fromEntries([["f", "v", 0]], { maxEntries: 128, maxValue: 64 });
   * ```
   */
  static fromEntries(entries: readonly HashEntry[], limits: HashLimits): HashValue {
    const h = new HashValue();
    if (fitsPlainListpack(entries, limits)) {
      // The common load (RDB, RESTORE): packed in one go rather than one rebuild per field.
      h.lp = packPairs(entries);
      h.pairs = entries.length;
      return h;
    }
    h.reserve(entries.length, limits);
    for (const [f, v, at] of entries) {
      h.set(f, v, limits);
      if (at !== 0) {
        h.allowTtls();
        h.setTtl(f, at);
      }
    }
    return h;
  }

  /** A deep copy with the same encoding. */
  clone(): HashValue {
    const h = new HashValue();
    if (this.lp !== null) {
      h.lp = this.lp; // strings are immutable: sharing is copying
      h.pairs = this.pairs;
      h.lpTtl = this.lpTtl === null ? null : this.lpTtl.slice();
      return h;
    }
    h.lp = null;
    h.dict = new Dict<string>();
    this.dict!.forEach((v, f) => h.dict!.insertNew(f, v));
    h.peak = h.dict.size;
    if (this.ttls !== null && this.ttls.size > 0) {
      h.ttls = new FieldTtls();
      for (const [f, at] of this.ttls.entries()) h.ttls.set(f, at);
    }
    return h;
  }

  /** Convert to a hashtable (idempotent). */
  toHashtable(): void {
    const lp = this.lp;
    if (lp === null) return;
    const dict = new Dict<string>();
    const ttl = this.lpTtl;
    const ttls = ttl !== null && ttl.length > 0 && ttl[0] !== 0 ? new FieldTtls() : null;
    let p = 0;
    eachPair(lp, (f, v) => {
      dict.insertNew(f, v);
      if (ttls !== null && ttl![p] !== 0) ttls.set(f, ttl![p]);
      p++;
    });
    this.ttls = ttls;
    this.dict = dict;
    this.peak = dict.size;
    this.lp = null;
    this.pairs = 0;
    this.lpTtl = null;
  }

  /** Approximate bytes used, shaped like Redis's accounting (MEMORY USAGE). */
  memoryUsage(): number {
    let bytes = 16; // the object header
    if (this.lp !== null) {
      // The packed string holds each entry with its length; Redis adds a back-length byte.
      bytes += 7 + this.lp.length + 2 * this.pairs;
      if (this.lpTtl !== null) bytes += 40 + this.lpTtl.length * 3;
      return bytes;
    }
    const dict = this.dict!;
    bytes += 56 + dict.bucketCount * 8;
    dict.forEach((v, f) => (bytes += 24 + f.length + v.length + 18));
    if (this.ttls !== null) bytes += this.ttls.size * 24;
    return bytes;
  }

  /**
   * Give pair `p` of a listpackex the deadline `at` and move it to its place: volatile
   * pairs first by deadline (before any pair with an equal or later one), persistent pairs
   * appended at the end.
   */
  private moveListpackPair(p: number, at: number): void {
    const ttl = this.lpTtl!;
    ttl.splice(p, 1);
    let q = ttl.length;
    if (at !== 0) {
      q = 0;
      while (q < ttl.length && ttl[q] !== 0 && ttl[q] < at) q++;
    }
    this.lp = movePair(this.lp!, p, q);
    ttl.splice(q, 0, at);
  }
}

/** Whether `entries` make a plain listpack as they are: few, short, distinct, no deadlines. */
function fitsPlainListpack(entries: readonly HashEntry[], limits: HashLimits): boolean {
  if (entries.length > limits.maxEntries) return false;
  const fields = new Set<string>();
  for (const [f, v, at] of entries) {
    if (at !== 0 || f.length > limits.maxValue || v.length > limits.maxValue) return false;
    fields.add(f);
  }
  return fields.size === entries.length;
}

/**
 * The hash type: TYPE says "hash"; OBJECT ENCODING listpack / listpackex / hashtable.
 *
 * @example
 * ```ts
 * const h = db.lookupWrite(key, hashType); // WRONGTYPE for other types
 * ```
 */
export const hashType: TypeSpec<HashValue> = {
  name: "hash",
  encoding: (h) => h.encoding,
  copy: (h) => h.clone(),
  memoryUsage: (h) => h.memoryUsage(),
  length: (h) => h.size,
  // Field TTLs read from a file or a DUMP payload expire actively, like HEXPIRE's.
  loaded: (h, db, key, server) => trackHash(server, db, key, h),
};

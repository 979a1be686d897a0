/**
 * SetValue: a set as stored in the keyspace, in one of Redis's three encodings.
 *
 * - intset: every member is a canonical int64 and there are at most set-max-intset-entries
 *   of them: a sorted typed array (int_set.ts), iterated in ascending order.
 * - listpack: at most set-max-listpack-entries members of at most set-max-listpack-value
 *   bytes: a plain array in insertion order with linear search, which for such small sets
 *   is faster and far smaller than any hash table.
 * - hashtable: everything else (hash_set.ts): O(1) membership and fair random sampling.
 *
 * The encoding is observable (OBJECT ENCODING, iteration order, Redis's own tests), so the
 * conversions follow Redis 7.4 step by step: a new set starts as an intset when its first
 * member is an integer and the command's size hint fits, else as a listpack or a hashtable
 * (`createSet`); a command adding many members converts up front when its argument count
 * alone exceeds a limit (`fitFor`); adding a non-integer to an intset goes to listpack only
 * if the intset's members and the new one would all fit its limits; crossing a limit goes to
 * hashtable. Conversions only go up, except where Redis goes down too (SINTERSTORE's
 * all-integer result, SPOP's rebuilt remainder), which the commands do explicitly.
 *
 * The thresholds are per server (config directives registered by the module), passed in as
 * a `SetLimits`; values never read the config themselves.
 */

import type { TypeSpec } from "../../core/spec.ts";
import { intMember, IntSet } from "./int_set.ts";
import { HashSet } from "./hash_set.ts";

/** The encoding thresholds of one server. */
export interface SetLimits {
  /** set-max-intset-entries, clamped like Redis to 2^30. */
  intsetEntries: number;
  /** set-max-listpack-entries. */
  listpackEntries: number;
  /** set-max-listpack-value (bytes). */
  listpackValue: number;
}

/** Redis's defaults, for values made outside a server (tests, loaders). */
export const DEFAULT_LIMITS: SetLimits = {
  intsetEntries: 512,
  listpackEntries: 128,
  listpackValue: 64,
};

const INTSET = 0;
const LISTPACK = 1;
const HASHTABLE = 2;
const ENCODING_NAMES = ["intset", "listpack", "hashtable"] as const;

/** An encoding name as OBJECT ENCODING reports it. */
export type SetEncoding = typeof ENCODING_NAMES[number];

/**
 * A set value.
 *
 * @example
 * ```ts
 * const s = createSet("1", 1, DEFAULT_LIMITS);
 * s.add("1", DEFAULT_LIMITS); s.add("x", DEFAULT_LIMITS);
 * s.encoding; // "listpack"
 * ```
 */
export class SetValue {
  private kind: number;
  private rep: IntSet | string[] | HashSet;

  /** Use createSet / emptySet; this wraps an existing representation. */
  constructor(rep: IntSet | string[] | HashSet) {
    this.rep = rep;
    this.kind = rep instanceof IntSet ? INTSET : rep instanceof HashSet ? HASHTABLE : LISTPACK;
  }

  get type(): TypeSpec<SetValue> {
    return setType;
  }

  /** OBJECT ENCODING name. */
  get encoding(): SetEncoding {
    return ENCODING_NAMES[this.kind];
  }

  /** Number of members. */
  get size(): number {
    return this.kind === LISTPACK
      ? (this.rep as string[]).length
      : (this.rep as IntSet | HashSet).size;
  }

  /** Whether `m` is a member. */
  has(m: string): boolean {
    switch (this.kind) {
      case LISTPACK:
        return (this.rep as string[]).indexOf(m) >= 0;
      case HASHTABLE:
        return (this.rep as HashSet).has(m);
      default: {
        const v = intMember(m);
        return v !== null && (this.rep as IntSet).has(v);
      }
    }
  }

  /** Add `m`, converting the encoding as Redis does; returns false when already a member. */
  add(m: string, limits: SetLimits): boolean {
    switch (this.kind) {
      case HASHTABLE:
        return (this.rep as HashSet).add(m);
      case LISTPACK: {
        const list = this.rep as string[];
        if (list.indexOf(m) >= 0) return false;
        if (list.length < limits.listpackEntries && m.length <= limits.listpackValue) list.push(m);
        else this.toHashtable(list.length + 1).add(m);
        return true;
      }
      default: {
        const ints = this.rep as IntSet;
        const v = intMember(m);
        if (v !== null) {
          if (!ints.add(v)) return false;
          if (ints.size > limits.intsetEntries) this.toHashtable(ints.size);
          return true;
        }
        // A non-integer: listpack if every member (as digits) and the new one fit its limits.
        const n = ints.size;
        const widest = n === 0 ? 0 : Math.max(String(ints.min()).length, String(ints.max()).length);
        if (
          n < limits.listpackEntries && m.length <= limits.listpackValue &&
          widest <= limits.listpackValue
        ) {
          this.toListpack().push(m);
        } else {
          this.toHashtable(n + 1).add(m);
        }
        return true;
      }
    }
  }

  /** Remove `m`; returns whether it was a member. */
  delete(m: string): boolean {
    switch (this.kind) {
      case LISTPACK: {
        const list = this.rep as string[];
        const i = list.indexOf(m);
        if (i < 0) return false;
        list.splice(i, 1);
        return true;
      }
      case HASHTABLE:
        return (this.rep as HashSet).delete(m);
      default: {
        const v = intMember(m);
        return v !== null && (this.rep as IntSet).delete(v);
      }
    }
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    if (this.kind === HASHTABLE) return (this.rep as HashSet).random();
    return this.at(Math.floor(Math.random() * this.size));
  }

  /** Remove and return a uniformly random member (the set must not be empty). */
  popRandom(): string {
    const i = Math.floor(Math.random() * this.size);
    switch (this.kind) {
      case LISTPACK:
        return (this.rep as string[]).splice(i, 1)[0];
      case HASHTABLE:
        return (this.rep as HashSet).popRandom();
      default:
        return (this.rep as IntSet).deleteAt(i);
    }
  }

  /** The member at position `i` of the iteration order (0 <= i < size). */
  at(i: number): string {
    switch (this.kind) {
      case LISTPACK:
        return (this.rep as string[])[i];
      case HASHTABLE:
        return (this.rep as HashSet).at(i);
      default:
        return (this.rep as IntSet).at(i);
    }
  }

  /** Every member, in iteration order (a fresh array). */
  toArray(): string[] {
    switch (this.kind) {
      case LISTPACK:
        return (this.rep as string[]).slice();
      case HASHTABLE:
        return (this.rep as HashSet).toArray();
      default:
        return (this.rep as IntSet).toArray();
    }
  }

  /**
   * Like Redis's setTypeMaybeConvert: a command about to add `sizeHint` members converts a
   * small encoding to hashtable right away when the hint alone exceeds its limit.
   */
  fitFor(sizeHint: number, limits: SetLimits): void {
    if (
      (this.kind === LISTPACK && sizeHint > limits.listpackEntries) ||
      (this.kind === INTSET && sizeHint > limits.intsetEntries)
    ) {
      this.toHashtable(sizeHint);
    }
  }

  /**
   * Convert to intset when every member is an integer and the count fits (Redis does this
   * to SINTERSTORE's results). The caller knows the members are integers.
   */
  shrinkToIntset(limits: SetLimits): void {
    if (this.kind === INTSET || this.size > limits.intsetEntries) return;
    const ints = new IntSet(this.size);
    for (const m of this.toArray()) ints.add(intMember(m)!);
    this.rep = ints;
    this.kind = INTSET;
  }

  /**
   * Visit one step of an SSCAN over a hashtable-encoded set and return the next cursor. Other
   * encodings are small and are returned whole by the caller.
   */
  scan(cursor: number, visit: (m: string) => void): number {
    return (this.rep as HashSet).scan(cursor, visit);
  }

  /** A deep copy with the same encoding (COPY). */
  clone(): SetValue {
    switch (this.kind) {
      case LISTPACK:
        return new SetValue((this.rep as string[]).slice());
      case HASHTABLE:
        return new SetValue((this.rep as HashSet).clone());
      default:
        return new SetValue((this.rep as IntSet).clone());
    }
  }

  /** Approximate bytes used (MEMORY USAGE). */
  memoryUsage(): number {
    switch (this.kind) {
      case LISTPACK: {
        let bytes = 48;
        for (const m of this.rep as string[]) bytes += m.length + 24;
        return bytes;
      }
      case HASHTABLE: {
        // Like MEMORY USAGE's sampling: average the first members' lengths, scale by size.
        const h = this.rep as HashSet;
        const sample = Math.min(h.size, 64);
        let chars = 0;
        for (let i = 0; i < sample; i++) chars += h.at(i).length;
        const perMember = 44 + (sample > 0 ? chars / sample : 0);
        return Math.round(64 + h.tableSize * 4 + h.size * perMember);
      }
      default:
        return 48 + (this.rep as IntSet).byteLength;
    }
  }

  private toHashtable(capacity: number): HashSet {
    const hash = new HashSet(capacity);
    for (const m of this.toArray()) hash.add(m);
    this.rep = hash;
    this.kind = HASHTABLE;
    return hash;
  }

  private toListpack(): string[] {
    const list = this.toArray();
    this.rep = list;
    this.kind = LISTPACK;
    return list;
  }
}

/**
 * A new set able to hold `first`, sized for `sizeHint` members (Redis's setTypeCreate): an
 * intset when `first` is an integer and the hint fits, else a listpack when the hint fits,
 * else a hashtable. The member is not added.
 *
 * @example
 * ```ts
 * createSet("7", 1, DEFAULT_LIMITS).encoding; // "intset"
 * createSet("x", 1000, DEFAULT_LIMITS).encoding; // "hashtable"
 * ```
 */
export function createSet(first: string, sizeHint: number, limits: SetLimits): SetValue {
  if (sizeHint <= limits.intsetEntries && intMember(first) !== null) {
    return new SetValue(new IntSet());
  }
  if (sizeHint <= limits.listpackEntries) return new SetValue([]);
  return new SetValue(new HashSet(sizeHint));
}

/**
 * An empty set in a given small encoding, for results built member by member (the store
 * commands start from an intset or a listpack, as Redis does, and convert as they grow).
 *
 * @example
 * ```ts
 * const out = emptySet("intset");
 * ```
 */
export function emptySet(encoding: "intset" | "listpack"): SetValue {
  return new SetValue(encoding === "intset" ? new IntSet() : []);
}

/**
 * Build a set from members (loaders, tests): each member goes through `add`, so the result
 * has the encoding Redis would give the same members added in this order.
 *
 * @example
 * ```ts
 * setFromArray(["1", "2"], DEFAULT_LIMITS).encoding; // "intset"
 * ```
 */
export function setFromArray(members: readonly string[], limits: SetLimits): SetValue {
  const s = createSet(members[0] ?? "", members.length, limits);
  for (const m of members) s.add(m, limits);
  return s;
}

/**
 * A set holding `members` (distinct; in iteration order) in exactly `encoding`, with no
 * threshold checks: for loaders restoring a saved intset or listpack as it was. Throws on a
 * non-integer member for "intset" and on a duplicate.
 *
 * @example
 * ```ts
 * setWithEncoding("listpack", ["b", "a"]).toArray(); // ["b", "a"]
 * ```
 */
export function setWithEncoding(encoding: SetEncoding, members: readonly string[]): SetValue {
  let rep: IntSet | string[] | HashSet;
  if (encoding === "listpack") {
    if (new Set(members).size !== members.length) throw new Error("duplicate set member");
    rep = members.slice();
  } else {
    rep = encoding === "intset" ? new IntSet(members.length) : new HashSet(members.length);
    for (const m of members) {
      const ok = rep instanceof IntSet
        ? rep.add(intMember(m) ?? fail(`not an integer: ${m}`))
        : rep.add(m);
      if (!ok) throw new Error("duplicate set member");
    }
  }
  return new SetValue(rep);
}

function fail(msg: string): never {
  throw new Error(msg);
}

/**
 * The set type: TYPE answers "set".
 *
 * @example
 * ```ts
 * const s = ctx.db.lookupRead(key, setType); // SetValue | undefined, WRONGTYPE otherwise
 * ```
 */
export const setType: TypeSpec<SetValue> = {
  name: "set",
  encoding: (v) => v.encoding,
  copy: (v) => v.clone(),
  memoryUsage: (v) => v.memoryUsage(),
  length: (v) => v.size,
};

/*
 * Lua values as JavaScript values.
 *
 * The engine compiles Lua into JavaScript generator functions (see compiler.ts), so a Lua
 * value must be a JS value that generated code can test with one `typeof` or `instanceof`:
 *
 *   nil      -> undefined (the host may pass null; `fromHost` helpers turn it into undefined)
 *   boolean  -> boolean
 *   number   -> number (a double, exactly like Lua 5.1's lua_Number)
 *   string   -> string whose char codes are bytes 0..255 (binary safe, `#s` is `s.length`)
 *   table    -> LuaTable
 *   function -> a JS function returning a generator (see LuaFunction)
 *   thread   -> Coroutine (defined by the coroutine library)
 *   userdata -> LuaUserdata (only light sentinels such as cjson.null exist)
 *
 * Arrays are never Lua values: that is what lets a function return either one value or an
 * array of values without an allocation in the common single-result case.
 *
 * LuaTable keeps an array part (`arr[i]` holds `t[i+1]`) and a Map for everything else.
 * The invariant "the Map never holds an integer key in 1..arr.length+1" keeps `#t` O(1): the
 * array part grows when `t[#t+1]` is assigned and pulls following keys out of the Map; a nil
 * stored at the end trims the array part, so its last slot is never nil.  Holes in the middle
 * are allowed, as in Lua, and `#t` then answers one valid border (Lua allows any border).
 */

import { numberToString, stringToNumber } from "./number.ts";

/** A value the engine can hold. `undefined` is nil. */
export type LuaValue =
  | undefined
  | boolean
  | number
  | string
  | LuaTable
  | LuaFunction
  | LuaUserdata
  | { readonly kind: "thread" };

/**
 * A Lua-callable function: called with Lua values it returns a generator whose return value
 * is one Lua value or an array of Lua values; yielded values are engine signals (pause,
 * coroutine yields), never results. Natives are generator functions (marked by `N`, see
 * runtime.native); Lua closures are arrows that start their prototype's generator.
 *
 * @example
 * ```ts
 * const twice: LuaFunction = function* (x) { return [x, x]; };
 * ```
 */
// deno-lint-ignore no-explicit-any
export type LuaFunction = (...args: any[]) => Generator<unknown, any, any>;

/**
 * An opaque light userdata (for example cjson.null).
 *
 * @example
 * ```ts
 * const nullValue = new LuaUserdata("cjson.null");
 * ```
 */
export class LuaUserdata {
  /** Create a userdata; `name` is only used for debugging. */
  constructor(readonly name: string) {}
}

/**
 * A Lua error carrying any Lua value. `level` counts the Lua frames that still have to pass
 * before the position prefix ("chunk:line: ") is added: 1 means "the innermost Lua function
 * adds its current line", 0 means "already positioned or never positioned".
 *
 * It deliberately does not extend Error: capturing a JS stack on every Lua error would make
 * pcall-heavy scripts slow.
 *
 * @example
 * ```ts
 * throw new LuaError("boom", 1);
 * ```
 */
export class LuaError {
  /**
   * Where the error was raised, as Redis reports it after "on": "<source>:<line>" of the
   * innermost Lua function ("@user_script:3"), or "=[C]:-1" when a library function called
   * by another library function raised it. Undefined until a Lua frame or a library
   * boundary saw the error.
   */
  where?: string;
  /**
   * For "bad argument" errors: the argument number and message, so that the final text
   * can use the name the function was called by (Lua names the call site, not the
   * function) and shift the number for method calls.
   */
  arg?: { n: number; msg: string };

  /** Lua traceback-free error; `value` is the Lua error object. */
  constructor(public value: LuaValue, public level = 0) {}

  /** Give a "bad argument" error its final text for a callee called `name` ("" = unknown). */
  nameArg(name: string): void {
    const a = this.arg;
    if (a === undefined) return;
    this.arg = undefined;
    let n = a.n;
    let fname = name;
    if (name.startsWith("m:")) {
      fname = name.slice(2);
      if (--n === 0) {
        this.value = `calling '${fname}' on bad self (${a.msg})`;
        return;
      }
    }
    this.value = `bad argument #${n} to '${fname || "?"}' (${a.msg})`;
  }
  /** The error value as a message string (non-strings are described). */
  get message(): string {
    const v = this.value;
    if (typeof v === "string") return v;
    if (typeof v === "number") return numberToString(v);
    return `(error object is a ${typeName(v)} value)`;
  }
}

/**
 * A Lua table with an array part and a hash part.
 *
 * @example
 * ```ts
 * const t = LuaTable.fromArray(["a", "b"]);
 * t.set("k", 1);
 * t.length(); // 2
 * ```
 */
export class LuaTable {
  /** Array part: `arr[i]` is `t[i+1]`; never ends with undefined. */
  arr: LuaValue[];
  /**
   * Hash part while it is small: keys and values alternate (`[k0, v0, k1, v1, ...]`) and
   * are found by a linear scan. A Map costs ~3x more to create and fill than this for the
   * few fields most script tables have (decoded JSON objects, {ok=...}, option tables). A
   * removed key keeps its slot with an undefined value until the next insertion compacts
   * (so `next` can go on from a key cleared during a traversal, as Lua allows).
   */
  private small: LuaValue[] | null = null;
  /** Hash part past SMALL_MAX keys (insertion order is the traversal order). */
  private hash: Map<LuaValue, LuaValue> | null = null;
  /** The metatable, or null. */
  meta: LuaTable | null = null;
  /** Redis's read-only tables: raw writes raise "Attempt to modify a readonly table". */
  readonly = false;
  /**
   * Count of writes to the hash part: compiled code caches `t.name` reads of library and
   * global tables per site and revalidates with it (see ExprCompiler.cachedField).
   */
  w = 0;
  // Cached hash iterator so that next(t, k) after next(t, ...) returned k is O(1).
  private iter: Iterator<[LuaValue, LuaValue]> | null = null;
  private iterKey: LuaValue = undefined;

  /** Create an empty table, or one owning `arr` as its array part. */
  constructor(arr?: LuaValue[]) {
    this.arr = arr ?? [];
  }

  /** A table whose array part is `values` (trailing nils dropped; the array is adopted). */
  static fromArray(values: LuaValue[]): LuaTable {
    let n = values.length;
    while (n > 0 && values[n - 1] === undefined) n--;
    if (n !== values.length) values.length = n;
    return new LuaTable(values);
  }

  /**
   * Turn this table back into a fresh one owning `arr` (array part only, no metatable): for
   * a host recycling a table that no script can reach any more.
   */
  reset(arr: LuaValue[]): void {
    this.arr = arr;
    this.small = null;
    this.hash = null;
    this.w++;
    this.meta = null;
    this.iter = null;
    this.iterKey = undefined;
  }

  /** Raw get of any key. */
  get(k: LuaValue): LuaValue {
    if (typeof k === "number") {
      const a = this.arr;
      if (k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    }
    return this.hget(k);
  }

  /** Raw get of a string key (the compiler uses it for `t.name`). */
  gs(k: string): LuaValue {
    return this.hget(k);
  }

  /** Raw get of an integer key. */
  gi(k: number): LuaValue {
    const a = this.arr;
    if (k >= 1 && k <= a.length) return a[k - 1];
    return this.hget(k);
  }

  /** Raw get from the hash part. */
  private hget(k: LuaValue): LuaValue {
    const s = this.small;
    if (s !== null) {
      for (let i = 0; i < s.length; i += 2) if (s[i] === k) return s[i + 1];
      return undefined;
    }
    const h = this.hash;
    return h === null ? undefined : h.get(k);
  }

  /** Raw set; the caller has checked that `k` is neither nil nor NaN. */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === "number" && Number.isInteger(k) && k >= 1) {
      const a = this.arr;
      const n = a.length;
      if (k <= n) {
        a[k - 1] = v;
        if (v === undefined && k === n) {
          let m = n - 1;
          while (m > 0 && a[m - 1] === undefined) m--;
          a.length = m;
        }
        return;
      }
      if (k === n + 1) {
        if (v === undefined) return;
        a.push(v);
        if (this.small !== null || this.hash !== null) this.migrate();
        return;
      }
    }
    this.ss(k, v);
  }

  /** Raw set of a non-sequence key straight into the hash part. */
  ss(k: LuaValue, v: LuaValue): void {
    this.w++;
    const h = this.hash;
    if (h !== null) {
      if (v === undefined) h.delete(k);
      else h.set(k, v);
      return;
    }
    let s = this.small;
    if (s === null) {
      if (v !== undefined) this.small = [k, v];
      return;
    }
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] === k) {
        s[i + 1] = v; // undefined leaves a tombstone (see `small`)
        return;
      }
    }
    if (v === undefined) return;
    if (s.length >= 2 * SMALL_MAX) {
      s = this.compactSmall();
      if (s.length >= 2 * SMALL_MAX) {
        const m = new Map<LuaValue, LuaValue>();
        for (let i = 0; i < s.length; i += 2) m.set(s[i], s[i + 1]);
        m.set(k, v);
        this.hash = m;
        this.small = null;
        this.iter = null;
        return;
      }
    }
    s.push(k, v);
  }

  /** Drop the tombstones of the small hash part (an insertion may reorder a traversal). */
  private compactSmall(): LuaValue[] {
    const s = this.small!;
    const live: LuaValue[] = [];
    for (let i = 0; i < s.length; i += 2) if (s[i + 1] !== undefined) live.push(s[i], s[i + 1]);
    this.small = live;
    return live;
  }

  /** The array part grew: move the keys that now continue it out of the hash part. */
  private migrate(): void {
    const a = this.arr;
    for (;;) {
      const k = a.length + 1;
      const v = this.hget(k);
      if (v === undefined) return;
      this.ss(k, undefined);
      a.push(v);
    }
  }

  /** Lua's `#t` (raw: Lua 5.1 ignores __len for tables). */
  length(): number {
    return this.arr.length;
  }

  /**
   * Visit the hash part's entries in traversal order (not the array part) until `fn`
   * returns true. For hosts walking a table without `next`'s per-entry arrays.
   */
  someHash(fn: (k: LuaValue, v: LuaValue) => boolean | void): boolean {
    const s = this.small;
    if (s !== null) {
      for (let i = 0; i < s.length; i += 2) {
        if (s[i + 1] !== undefined && fn(s[i], s[i + 1]) === true) return true;
      }
      return false;
    }
    const h = this.hash;
    if (h !== null) { for (const [k, v] of h) if (fn(k, v) === true) return true; }
    return false;
  }

  /**
   * Lua's `next`: the entry after key `k` (nil starts), or null at the end.
   * Throws LuaError for a key that is not in the table.
   */
  next(k: LuaValue): [LuaValue, LuaValue] | null {
    const a = this.arr;
    let i = 0;
    if (k !== undefined) {
      const slot = typeof k === "number" && k >= 1 && Number.isInteger(k);
      if (slot && k <= a.length) i = k;
      else {
        if (this.inHash(k) || !slot) return this.nextHash(k);
        i = k as number; // an array slot cleared (and trimmed) during the traversal
      }
    }
    for (; i < a.length; i++) {
      if (a[i] !== undefined) return [i + 1, a[i]];
    }
    return this.nextHash(undefined);
  }

  /** Whether `k` has a slot in the hash part (a tombstone counts: see `small`). */
  private inHash(k: LuaValue): boolean {
    const s = this.small;
    if (s !== null) {
      for (let i = 0; i < s.length; i += 2) if (sameKey(s[i], k)) return true;
      return false;
    }
    const h = this.hash;
    return h !== null && ((this.iter !== null && sameKey(this.iterKey, k)) || h.has(k));
  }

  private nextHash(k: LuaValue): [LuaValue, LuaValue] | null {
    const s = this.small;
    if (s !== null) {
      let i = 0;
      if (k !== undefined) {
        while (i < s.length && !sameKey(s[i], k)) i += 2;
        if (i === s.length) throw new LuaError("invalid key to 'next'", 1);
        i += 2;
      }
      for (; i < s.length; i += 2) if (s[i + 1] !== undefined) return [s[i], s[i + 1]];
      return null;
    }
    const h = this.hash;
    if (h === null) {
      if (k === undefined) return null;
      throw new LuaError("invalid key to 'next'", 1);
    }
    let it = this.iter;
    if (k === undefined) {
      it = h.entries();
    } else if (it === null || !sameKey(this.iterKey, k)) {
      it = h.entries();
      for (;;) {
        const r = it.next();
        if (r.done) throw new LuaError("invalid key to 'next'", 1);
        if (sameKey(r.value[0], k)) break;
      }
    }
    const r = it.next();
    if (r.done) {
      this.iter = null;
      this.iterKey = undefined;
      return null;
    }
    this.iter = it;
    this.iterKey = r.value[0];
    return r.value;
  }

  /** Largest positive numeric key (table.maxn). */
  maxn(): number {
    let m = this.arr.length;
    this.someHash((k) => {
      if (typeof k === "number" && k > m) m = k;
    });
    return m;
  }
}

/** Hash-part size past which a table switches from the scanned array to a Map. */
const SMALL_MAX = 8;

function sameKey(a: LuaValue, b: LuaValue): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * Lua's type() name of a value.
 *
 * @example
 * ```ts
 * typeName(undefined); // "nil"
 * ```
 */
export function typeName(v: LuaValue | unknown): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "string":
      return "string";
    case "function":
      return "function";
    default:
      if (v === null) return "nil";
      if (v instanceof LuaTable) return "table";
      if (v instanceof LuaUserdata) return "userdata";
      return "thread";
  }
}

/**
 * Lua truthiness: everything but nil and false.
 *
 * @example
 * ```ts
 * truthy(0); // true
 * ```
 */
export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false && v !== null;
}

/**
 * Lua's implicit conversion to number (numbers, and strings that look like numbers).
 *
 * @example
 * ```ts
 * toNumber("10"); // 10
 * ```
 */
export function toNumber(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

/**
 * Lua's implicit conversion to string (strings and numbers only).
 *
 * @example
 * ```ts
 * toLuaString(3); // "3"
 * ```
 */
export function toLuaString(v: LuaValue): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return undefined;
}

// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * The run-time support called by compiled code (see compiler.ts for the calling side).
 *
 * Generated code inlines the fast paths (number arithmetic, string concatenation, raw
 * table access) and calls these helpers for everything else: metamethods, coercions and
 * the exact Lua 5.1 error messages. Helpers that may run Lua code (metamethods) are
 * generators and are entered with `yield*`, so a script stays pausable even while inside
 * an __index function or a sort comparator.
 *
 * One Runtime exists per Lua state; it owns the globals table, the tick budget and the
 * tail-call registers. Errors are LuaError values thrown with level 1, meaning "the
 * innermost Lua frame adds its chunk:line prefix" (see `pos`), which reproduces where
 * luaG_runerror and luaL_error put positions.
 */

import {
  LuaError,
  type LuaFunction,
  LuaTable,
  type LuaValue,
  toNumber,
  truthy,
  typeName,
} from "./value.ts";
import { numberToString } from "./number.ts";

/**
 * The value generated code yields to ask the driver to pause.
 *
 * @example
 * ```ts
 * // if (--B.n < 0) yield PAUSE;
 * ```
 */
export const PAUSE: unique symbol = Symbol("pause");
/**
 * The value a function returns to request a tail call (callee in rt.tf, args in rt.ta).
 *
 * @example
 * ```ts
 * // R.tf = f; R.ta = [x]; return TAIL;
 * ```
 */
export const TAIL: unique symbol = Symbol("tail");
/**
 * Returned by Runtime.iget when only the generator path (idx) can answer.
 *
 * @example
 * ```ts
 * // ($v = iget(o, k)) !== NOFAST ? $v : yield* idx(o, k, d)
 * ```
 */
export const NOFAST: unique symbol = Symbol("nofast");
/**
 * The shared "no results" array (frozen: consumers never mutate result arrays).
 *
 * @example
 * ```ts
 * const f = native("nothing", function* () { return EMPTY; });
 * ```
 */
export const EMPTY: LuaValue[] = Object.freeze([]) as unknown as LuaValue[];

/**
 * Longest string a script may build (bytes); longer results raise "not enough memory"
 * instead of exhausting the host.
 *
 * @example
 * ```ts
 * if (s.length * n > MAX_STRING) rtError("not enough memory");
 * ```
 */
export const MAX_STRING = 512 * 1024 * 1024;

/**
 * Raise a Lua run-time error positioned at the innermost Lua frame.
 *
 * @example
 * ```ts
 * try { rtError("boom"); } catch (e) { (e as LuaError).level; } // 1
 * ```
 */
export function rtError(msg: string): never {
  throw new LuaError(msg, 1);
}

/**
 * Raise Lua's "attempt to <op> <name> (a <type> value)" error.
 *
 * @example
 * ```ts
 * // typeError(undefined, "index", "local 'x'") -> attempt to index local 'x' (a nil value)
 * ```
 */
export function typeError(v: LuaValue, op: string, desc: string): never {
  const tn = typeName(v);
  rtError(desc ? `attempt to ${op} ${desc} (a ${tn} value)` : `attempt to ${op} a ${tn} value`);
}

/**
 * Mark a generator function as a native (library) function; `name` is used in messages.
 *
 * @example
 * ```ts
 * const f = native("id", function* (x) { return x; });
 * ```
 */
export function native<F extends LuaFunction>(name: string, f: F): F {
  (f as unknown as { N: string }).N = name;
  return f;
}

/**
 * A native whose body never calls back into Lua, as a plain function. Call sites run `D`
 * directly (a generator per call costs more than most library functions do); the
 * generator form is kept for generic callers (pcall, metamethods, the host). `fn` returns
 * a raw result: one value, or an array for zero or several (EMPTY for none).
 *
 * @example
 * ```ts
 * const len = direct("len", (s: LuaValue) => String(s).length);
 * ```
 */
export function direct(
  name: string,
  // deno-lint-ignore no-explicit-any
  fn: (...args: any[]) => LuaValue | LuaValue[],
): LuaFunction {
  const g = native(name, function* (...args: LuaValue[]) {
    return fn(...args);
  });
  (g as unknown as { D: typeof fn }).D = fn;
  return g;
}

/**
 * First value of a raw result (one value or an array).
 *
 * @example
 * ```ts
 * first([1, 2]); // 1
 * ```
 */
export function first(r: LuaValue | LuaValue[]): LuaValue {
  return Array.isArray(r) ? r[0] : r;
}

/**
 * All values of a raw result as an array (never mutate it).
 *
 * @example
 * ```ts
 * multi(5); // [5]
 * ```
 */
export function multi(r: LuaValue | LuaValue[]): LuaValue[] {
  return Array.isArray(r) ? r : [r];
}

/**
 * The i-th value (0-based) of a raw result.
 *
 * @example
 * ```ts
 * nth(7, 1); // undefined
 * ```
 */
export function nth(r: LuaValue | LuaValue[], i: number): LuaValue {
  return Array.isArray(r) ? r[i] : i === 0 ? r : undefined;
}

const EVENTS: Record<string, string> = {
  "+": "__add",
  "-": "__sub",
  "*": "__mul",
  "/": "__div",
  "%": "__mod",
  "^": "__pow",
  "unm": "__unm",
};

/**
 * Plain arithmetic on two numbers with Lua's operator semantics.
 *
 * @example
 * ```ts
 * arithNum("%", -1, 3); // 2
 * ```
 */
export function arithNum(op: string, x: number, y: number): number {
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return x / y;
    case "%":
      return x - Math.floor(x / y) * y;
    case "^":
      return Math.pow(x, y);
    default:
      return -x;
  }
}

/**
 * Lua's tostring for strings and numbers, or undefined for other types.
 *
 * @example
 * ```ts
 * cat(1, "a"); // "1a"
 * ```
 */
export function cat(a: LuaValue, b: LuaValue): string | undefined {
  let x: string;
  let y: string;
  if (typeof a === "string") x = a;
  else if (typeof a === "number") x = numberToString(a);
  else return undefined;
  if (typeof b === "string") y = b;
  else if (typeof b === "number") y = numberToString(b);
  else return undefined;
  if (x.length + y.length > MAX_STRING) rtError("not enough memory");
  return x + y;
}

/**
 * Raw set with Lua's checks (nil/NaN keys, Redis read-only tables).
 *
 * @example
 * ```ts
 * rawsetk(new LuaTable(), "k", 1);
 * ```
 */
export function rawsetk(t: LuaTable, k: LuaValue, v: LuaValue): void {
  if (t.readonly) rtError("Attempt to modify a readonly table");
  if (k === undefined) rtError("table index is nil");
  if (typeof k === "number" && k !== k) rtError("table index is NaN");
  t.set(k, v);
}

/**
 * The per-state run-time: globals, budget, tail-call registers and all helpers used by
 * generated code (their names are listed in compiler.ts's RUNTIME_NAMES).
 *
 * @example
 * ```ts
 * const rt = new Runtime(new LuaTable());
 * ```
 */
export class Runtime {
  readonly T = LuaTable;
  readonly R = this;
  readonly PAUSE = PAUSE;
  readonly TAIL = TAIL;
  readonly EMPTY = EMPTY;
  readonly NOFAST = NOFAST;
  /** Tick budget: generated code decrements `n` and yields PAUSE below zero. */
  readonly B = { n: Infinity, one: 1 };
  /** Tail-call registers. */
  tf: LuaFunction | undefined = undefined;
  ta: LuaValue[] = EMPTY;
  /** Metatable shared by all strings (its __index is the string library). */
  stringMeta: LuaTable | null = null;
  /** Coroutine bookkeeping (set by the coroutine library). */
  current: unknown = null;

  readonly multi = multi;
  readonly first = first;
  readonly nth = nth;
  readonly cat = cat;
  readonly rawsetk = rawsetk;

  /** Create a run-time around the globals table `G`. */
  constructor(readonly G: LuaTable) {
    // Generated code calls helpers as plain functions: bind the generators to this state.
    const self = this as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (
      const k of ["call", "ncall", "tail", "idx", "setidx", "arith", "concat", "eq", "lt", "le"]
    ) {
      self[k] = self[k].bind(this);
    }
  }

  /** Metatable of any value (tables and strings have one). */
  metatable(v: LuaValue): LuaTable | null {
    if (v instanceof LuaTable) return v.meta;
    if (typeof v === "string") return this.stringMeta;
    return null;
  }

  /** A metamethod of `v`, or undefined. */
  metamethod(v: LuaValue, event: string): LuaValue {
    const m = this.metatable(v);
    return m === null ? undefined : m.gs(event);
  }

  /** Call any Lua value with arguments; returns the raw result (trampolined). */
  readonly call = function* (
    this: Runtime,
    f: LuaValue,
    args: LuaValue[],
    desc = "",
  ): Generator<unknown, LuaValue | LuaValue[], unknown> {
    let r;
    if (typeof f === "function") r = yield* (f as LuaFunction)(...args);
    else {
      const h = this.metamethod(f, "__call");
      if (typeof h !== "function") typeError(f, "call", desc);
      r = yield* (h as LuaFunction)(f, ...args);
    }
    return r === TAIL ? yield* this.tail() : r;
  };

  /** A stand-in for a non-function callee: applies __call or raises when invoked. */
  readonly callable = (f: LuaValue, desc: string): LuaFunction => {
    // `call` is bound to this runtime in the constructor.
    const call = this.call as (
      f: LuaValue,
      a: LuaValue[],
      d: string,
    ) => ReturnType<Runtime["call"]>;
    return function* (...args: LuaValue[]) {
      return yield* call(f, args, desc);
    };
  };

  /** Run pending tail calls until a real result comes back. */
  readonly tail = function* (this: Runtime): Generator<unknown, LuaValue | LuaValue[], unknown> {
    let r;
    do {
      const g = this.tf!;
      const a = this.ta;
      this.tf = undefined;
      this.ta = EMPTY;
      r = yield* g(...a);
    } while (r === TAIL);
    return r;
  };

  /** `o[k]` with __index (tables and strings). */
  readonly idx = function* (
    this: Runtime,
    o: LuaValue,
    k: LuaValue,
    desc: string,
  ): Generator<unknown, LuaValue, unknown> {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        const v = o.get(k);
        if (v !== undefined) return v;
        const m = o.meta;
        if (m === null) return undefined;
        h = m.gs("__index");
        if (h === undefined) return undefined;
      } else {
        h = this.metamethod(o, "__index");
        if (h === undefined) typeError(o, "index", desc);
      }
      if (typeof h === "function") return first(yield* this.call(h, [o, k]));
      o = h;
      desc = "";
    }
    rtError("loop in gettable");
  };

  /**
   * `o[k]` when __index chains are tables only (classes, the string library): no
   * generator needed. NOFAST when a function handler or an error must be dealt with.
   */
  readonly iget = (o: LuaValue, k: LuaValue): LuaValue | typeof NOFAST => {
    for (let loop = 0; loop < 100; loop++) {
      let m: LuaTable | null;
      if (o instanceof LuaTable) {
        const v = o.get(k);
        if (v !== undefined) return v;
        m = o.meta;
        if (m === null) return undefined;
      } else if (typeof o === "string") {
        m = this.stringMeta;
        if (m === null) return NOFAST;
      } else return NOFAST;
      const h = m.gs("__index");
      if (h === undefined) return o instanceof LuaTable ? undefined : NOFAST;
      if (!(h instanceof LuaTable)) return NOFAST;
      o = h;
    }
    return NOFAST;
  };

  /** `o[k] = v` with __newindex. */
  readonly setidx = function* (
    this: Runtime,
    o: LuaValue,
    k: LuaValue,
    v: LuaValue,
    desc: string,
  ): Generator<unknown, void, unknown> {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        const m = o.meta;
        if (m === null || (h = m.gs("__newindex")) === undefined || o.get(k) !== undefined) {
          rawsetk(o, k, v);
          return;
        }
      } else {
        h = this.metamethod(o, "__newindex");
        if (h === undefined) typeError(o, "index", desc);
      }
      if (typeof h === "function") {
        yield* this.call(h, [o, k, v]);
        return;
      }
      o = h;
      desc = "";
    }
    rtError("loop in settable");
  };

  /** Arithmetic with string coercion and metamethods (op is "+", ..., "unm"). */
  readonly arith = function* (
    this: Runtime,
    op: string,
    a: LuaValue,
    b: LuaValue,
    da: string,
    db: string,
  ): Generator<unknown, LuaValue, unknown> {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x !== undefined && y !== undefined) return arithNum(op, x, y);
    const ev = EVENTS[op];
    let h = this.metamethod(a, ev);
    if (h === undefined) h = this.metamethod(b, ev);
    if (h !== undefined) return first(yield* this.call(h, [a, b]));
    if (x === undefined) typeError(a, "perform arithmetic on", da);
    typeError(b, "perform arithmetic on", db);
  };

  /** `a .. b` when the fast paths failed: __concat or the error. */
  readonly concat = function* (
    this: Runtime,
    a: LuaValue,
    b: LuaValue,
    da: string,
    db: string,
  ): Generator<unknown, LuaValue, unknown> {
    let h = this.metamethod(a, "__concat");
    if (h === undefined) h = this.metamethod(b, "__concat");
    if (h !== undefined) return first(yield* this.call(h, [a, b]));
    if (typeof a === "string" || typeof a === "number") typeError(b, "concatenate", db);
    typeError(a, "concatenate", da);
  };

  private compTM(a: LuaTable, b: LuaTable, event: string): LuaValue {
    const m1 = a.meta;
    const h1 = m1 === null ? undefined : m1.gs(event);
    if (h1 === undefined) return undefined;
    if (m1 === b.meta) return h1;
    const m2 = b.meta;
    const h2 = m2 === null ? undefined : m2.gs(event);
    return h1 === h2 ? h1 : undefined;
  }

  /** `a == b` for two distinct tables: the __eq metamethod. */
  readonly eq = function* (
    this: Runtime,
    a: LuaTable,
    b: LuaTable,
  ): Generator<unknown, boolean, unknown> {
    const h = this.compTM(a, b, "__eq");
    if (h === undefined) return false;
    return truthy(first(yield* this.call(h, [a, b])));
  };

  /** `a < b` in general. */
  readonly lt = function* (
    this: Runtime,
    a: LuaValue,
    b: LuaValue,
  ): Generator<unknown, boolean, unknown> {
    if (typeof a === typeof b) {
      if (typeof a === "number" || typeof a === "string") return (a as number) < (b as number);
      if (a instanceof LuaTable && b instanceof LuaTable) {
        const h = this.compTM(a, b, "__lt");
        if (h !== undefined) return truthy(first(yield* this.call(h, [a, b])));
      }
    }
    orderError(a, b);
  };

  /** `a <= b` in general (__le, else not __lt(b, a)). */
  readonly le = function* (
    this: Runtime,
    a: LuaValue,
    b: LuaValue,
  ): Generator<unknown, boolean, unknown> {
    if (typeof a === typeof b) {
      if (typeof a === "number" || typeof a === "string") return (a as number) <= (b as number);
      if (a instanceof LuaTable && b instanceof LuaTable) {
        let h = this.compTM(a, b, "__le");
        if (h !== undefined) return truthy(first(yield* this.call(h, [a, b])));
        h = this.compTM(b, a, "__lt");
        if (h !== undefined) return !truthy(first(yield* this.call(h, [b, a])));
      }
    }
    orderError(a, b);
  };

  /** `#v` (Lua 5.1: raw length for tables, byte length for strings). */
  readonly len = (v: LuaValue, desc: string): number => {
    if (v instanceof LuaTable) return v.arr.length;
    if (typeof v === "string") return v.length;
    typeError(v, "get length of", desc);
  };

  /** Coerce a numeric for-loop control value. */
  readonly fornum = (v: LuaValue, what: string): number => {
    const n = toNumber(v);
    if (n === undefined) rtError(`'for' ${what} must be a number`);
    return n;
  };

  /** Table constructor with only positional items. */
  readonly tarr = (arr: LuaValue[]): LuaTable => LuaTable.fromArray(arr);

  /** Table constructor with keyed items (`kv` alternates keys and values). */
  readonly tmix = (arr: LuaValue[], kv: LuaValue[]): LuaTable => {
    const npos = arr.length;
    const t = LuaTable.fromArray(arr);
    for (let i = 0; i < kv.length; i += 2) {
      const k = kv[i];
      const v = kv[i + 1];
      if (k === undefined) rtError("table index is nil");
      if (typeof k === "number") {
        if (k !== k) rtError("table index is NaN");
        if (Number.isInteger(k) && k >= 1 && k <= npos) continue; // positional wins
      }
      t.set(k, v);
    }
    return t;
  };

  /** ipairs step for the generic-for fast path. */
  readonly ipnext = (t: LuaTable, i: number): LuaValue[] => {
    const v = t.gi(i + 1);
    return v === undefined ? EMPTY : [i + 1, v];
  };

  /** `next` (raw, as in 5.1), shared with the base library. */
  readonly NX: LuaFunction = native("next", function* (t: LuaValue, k: LuaValue) {
    if (!(t instanceof LuaTable)) {
      argError(1, "next", `table expected, got ${argType(t, arguments.length >= 1)}`);
    }
    const r = t.next(k);
    return r === null ? undefined : r;
  });

  /** The iterator returned by ipairs. */
  readonly IPX: LuaFunction = native("ipairs_aux", function* (t: LuaValue, i: LuaValue) {
    if (!(t instanceof LuaTable)) argError(1, "ipairs", `table expected, got ${typeName(t)}`);
    const n = (typeof i === "number" ? i : 0) + 1;
    const v = t.gi(n);
    return v === undefined ? EMPTY : [n, v];
  });

  /**
   * Called by every Lua frame's catch: add "chunk:line:" to an error if this frame is the
   * one its level points at, name bad-argument errors after this frame's current callee
   * (`callee`, "m:name" for methods), and record where the error was raised.
   */
  readonly pos = (
    e: unknown,
    chunk: string,
    source: string,
    line: number,
    callee: string,
  ): LuaError => {
    if (!(e instanceof LuaError)) e = new LuaError(hostErrorMessage(e), 1);
    const err = e as LuaError;
    if (err.where === undefined) err.where = `${source}:${line}`;
    if (err.level > 0 && --err.level === 0) {
      err.nameArg(callee);
      const v = err.value;
      if (typeof v === "string") err.value = `${chunk}:${line}: ${v}`;
      else if (typeof v === "number") err.value = `${chunk}:${line}: ${numberToString(v)}`;
    }
    return err;
  };

  /** Call `f` from a library function (see crossC). */
  readonly ncall = function* (
    this: Runtime,
    f: LuaValue,
    args: LuaValue[],
  ): Generator<unknown, LuaValue | LuaValue[], unknown> {
    try {
      return yield* this.call(f, args);
    } catch (e) {
      throw crossC(e, isNative(f));
    }
  };

  /** Run a run-time helper (comparison, indexing) on behalf of a library function. */
  *nhelp<T>(g: Generator<unknown, T, unknown>): Generator<unknown, T, unknown> {
    try {
      return yield* g;
    } catch (e) {
      throw crossC(e, false);
    }
  }

  /** A raw set performed by a library function (its errors carry no position). */
  nrawset(t: LuaTable, k: LuaValue, v: LuaValue): void {
    try {
      rawsetk(t, k, v);
    } catch (e) {
      throw crossC(e, false);
    }
  }
}

/**
 * The Lua message for a JS exception that escaped into Lua code: engine limits become
 * "stack overflow" / "not enough memory", anything else is an internal error.
 *
 * @example
 * ```ts
 * hostErrorMessage(new RangeError("Maximum call stack size exceeded")); // "stack overflow"
 * ```
 */
export function hostErrorMessage(e: unknown): string {
  // No regular expressions here: near the stack limit V8 cannot even compile one.
  const m = e instanceof Error ? e.message : String(e);
  if (m.includes("call stack") || m.includes("tack overflow") || m.includes("recursion")) {
    return "stack overflow";
  }
  if (e instanceof RangeError || m.includes("ut of memory")) return "not enough memory";
  return `internal error: ${m}`;
}

function orderError(a: LuaValue, b: LuaValue): never {
  const t1 = typeName(a);
  const t2 = typeName(b);
  if (t1 === t2) rtError(`attempt to compare two ${t1} values`);
  rtError(`attempt to compare ${t1} with ${t2}`);
}

/**
 * Raise "bad argument #n to 'fname' (msg)".
 *
 * @example
 * ```ts
 * // argError(1, "rep", "string expected, got no value")
 * ```
 */
export function argError(n: number, fname: string, msg: string): never {
  const e = new LuaError(`bad argument #${n} to '${fname}' (${msg})`, 1);
  e.arg = { n, msg };
  throw e;
}

/**
 * An error leaving a library function's call into Lua code, another library function or
 * a run-time helper: the library function is a stack level of its own (as a C function is
 * in Lua), so pending levels drop by one and an error that lands on it gets no position
 * (C functions have no line) and, for bad arguments, the name '?'. An error raised by a
 * library function called straight from another one happened "on =[C]:-1".
 *
 * @example
 * ```ts
 * // try { yield* rt.call(f, args); } catch (e) { throw crossC(e, isNative(f)); }
 * ```
 */
export function crossC(e: unknown, calleeIsNative: boolean): unknown {
  if (!(e instanceof LuaError)) return e;
  if (calleeIsNative && e.where === undefined) e.where = "=[C]:-1";
  if (e.level > 0 && --e.level === 0) e.nameArg("");
  return e;
}

/**
 * True for library (native) functions.
 *
 * @example
 * ```ts
 * isNative(native("f", function* () {})); // true
 * ```
 */
export function isNative(f: LuaValue): boolean {
  return typeof f === "function" && (f as { N?: string }).N !== undefined;
}

/**
 * Type name for argument errors: "no value" when the argument is absent.
 *
 * @example
 * ```ts
 * argType(undefined, false); // "no value"
 * ```
 */
export function argType(v: LuaValue, present: boolean): string {
  return present ? typeName(v) : "no value";
}

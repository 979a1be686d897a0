// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * Coroutines on top of generators.
 *
 * A coroutine is a separate generator chain. coroutine.yield is a native that yields an
 * array of values; coroutine.resume drives the coroutine's generator and tells the two
 * kinds of yields apart: an array is a coroutine yield (resume returns it), the PAUSE
 * signal is the host's tick budget running out (resume forwards it up its own chain, so
 * the whole script pauses, and continues the coroutine when resumed). Unlike Lua 5.1 a
 * coroutine may yield across pcall and metamethods: nothing here depends on the C stack.
 */

import {
  argError,
  direct,
  EMPTY,
  multi,
  native,
  PAUSE,
  rtError,
  type Runtime,
} from "../runtime.ts";
import { LuaError, type LuaFunction, type LuaValue } from "../value.ts";
import { makeLib } from "./args.ts";
import { caughtValue } from "./base.ts";

/**
 * A Lua thread (coroutine).
 *
 * @example
 * ```ts
 * // created by coroutine.create(f)
 * ```
 */
export class Coroutine {
  readonly kind = "thread";
  status: "suspended" | "running" | "normal" | "dead" = "suspended";
  gen: Generator<unknown, LuaValue | LuaValue[], unknown> | null = null;
  /** Create a coroutine that will run `fn`. */
  constructor(readonly fn: LuaValue) {}
}

function checkCo(a: LuaValue[], fname: string): Coroutine {
  const v = a[0] as unknown;
  if (v instanceof Coroutine) return v;
  argError(1, fname, "coroutine expected");
}

/**
 * Open the coroutine library.
 *
 * @example
 * ```ts
 * // openCoroutine(L.rt);
 * ```
 */
export function openCoroutine(rt: Runtime): void {
  function* body(co: Coroutine, args: LuaValue[]) {
    return yield* rt.call(co.fn, args);
  }

  // Resume `co`; returns [ok, ...values].
  function* resume(co: Coroutine, args: LuaValue[]): Generator<unknown, LuaValue[], unknown> {
    if (co.status !== "suspended") return [false, `cannot resume ${co.status} coroutine`];
    const prev = rt.current as Coroutine | null;
    if (prev !== null) prev.status = "normal";
    co.status = "running";
    rt.current = co;
    let input: unknown = args;
    try {
      if (co.gen === null) {
        co.gen = body(co, args);
        input = undefined;
      }
      for (;;) {
        const step = co.gen.next(input);
        if (step.done) {
          co.status = "dead";
          return [true, ...multi(step.value)];
        }
        if (step.value === PAUSE) {
          // The host's budget ran out inside the coroutine: pause the whole script.
          rt.current = prev;
          yield PAUSE;
          rt.current = co;
          input = undefined;
          continue;
        }
        co.status = "suspended";
        return [true, ...(step.value as LuaValue[])];
      }
    } catch (e) {
      co.status = "dead";
      return [false, caughtValue(e)];
    } finally {
      rt.current = prev;
      if (prev !== null) prev.status = "running";
    }
  }

  const lib = makeLib({
    create: direct("create", (...a: LuaValue[]) => {
      if (typeof a[0] !== "function") argError(1, "create", "Lua function expected");
      return new Coroutine(a[0]) as unknown as LuaValue;
    }),
    resume: native("resume", function* (...a: LuaValue[]) {
      return yield* resume(checkCo(a, "resume"), a.slice(1));
    }),
    yield: native("yield", function* (...a: LuaValue[]) {
      if (rt.current === null) rtError("attempt to yield across metamethod/C-call boundary");
      const back = yield a;
      return back as LuaValue[];
    }),
    status: direct("status", (...a: LuaValue[]) => {
      return checkCo(a, "status").status;
    }),
    running: direct("running", () => {
      return (rt.current ?? undefined) as LuaValue;
    }),
    wrap: native("wrap", function* (...a: LuaValue[]) {
      if (typeof a[0] !== "function") argError(1, "wrap", "Lua function expected");
      const co = new Coroutine(a[0]);
      return native("wrap", function* (...args: LuaValue[]) {
        const r = yield* resume(co, args);
        if (r[0] === true) return r.length === 1 ? EMPTY : r.slice(1);
        const err = r[1];
        throw new LuaError(err, typeof err === "string" ? 1 : 0);
      }) as LuaFunction;
    }),
  });
  rt.G.set("coroutine", lib);
}

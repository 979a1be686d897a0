// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * Lua 5.1's math library and os.clock.
 *
 * math.random/randomseed are Redis's versions: a rand48 generator (the POSIX lrand48
 * recurrence X' = (0x5DEECE66D * X + 0xB) mod 2^48, output X >> 17) so that a seed gives the
 * same sequence on every platform. The 48-bit state is kept as two 24-bit halves so every
 * product stays exact in doubles. The host may reseed before each script (Redis 6 did;
 * Redis 7 keeps one sequence per Lua state) through the returned Rand48.
 */

import { argError, direct, native, rtError, type Runtime } from "../runtime.ts";
import type { LuaValue } from "../value.ts";
import { checkInt, checkNum, makeLib } from "./args.ts";

const TWO24 = 0x1000000;
const A_LO = 0xece66d;
const A_HI = 0x5de;
const INT32_MAX = 0x7fffffff;

/**
 * The rand48 generator behind math.random.
 *
 * @example
 * ```ts
 * const r = new Rand48();
 * r.seed(0);
 * r.next(); // a 31-bit integer
 * ```
 */
export class Rand48 {
  private lo = 0xcd330e;
  private hi = 0x1234ab;

  /** srand48(seed): the state becomes (seed << 16) | 0x330E. */
  seed(seed: number): void {
    const s = seed >>> 0;
    this.lo = ((s & 0xff) << 16) | 0x330e;
    this.hi = (s >>> 8) & 0xffffff;
  }

  /** lrand48(): the next 31-bit value. */
  next(): number {
    const p = A_LO * this.lo + 0xb;
    const lo = p % TWO24;
    const carry = Math.floor(p / TWO24);
    this.hi = (A_HI * this.lo + A_LO * this.hi + carry) % TWO24;
    this.lo = lo;
    return this.hi * 128 + Math.floor(this.lo / 131072);
  }
}

/**
 * Open math (and os with only os.clock); returns the generator so the host can reseed.
 *
 * @example
 * ```ts
 * // const rand = openMath(L.rt); rand.seed(0);
 * ```
 */
export function openMath(rt: Runtime): Rand48 {
  const rand = new Rand48();
  const f1 = (name: string, fn: (x: number) => number) =>
    direct(name, (...a: LuaValue[]) => {
      return fn(checkNum(a, 0, name));
    });
  const lib = makeLib({
    abs: f1("abs", Math.abs),
    ceil: f1("ceil", Math.ceil),
    floor: f1("floor", Math.floor),
    sqrt: f1("sqrt", Math.sqrt),
    sin: f1("sin", Math.sin),
    cos: f1("cos", Math.cos),
    tan: f1("tan", Math.tan),
    asin: f1("asin", Math.asin),
    acos: f1("acos", Math.acos),
    atan: f1("atan", Math.atan),
    sinh: f1("sinh", Math.sinh),
    cosh: f1("cosh", Math.cosh),
    tanh: f1("tanh", Math.tanh),
    exp: f1("exp", Math.exp),
    log: f1("log", Math.log),
    log10: f1("log10", Math.log10),
    deg: f1("deg", (x) => x * (180 / Math.PI)),
    rad: f1("rad", (x) => x * (Math.PI / 180)),
    atan2: direct("atan2", (...a: LuaValue[]) => {
      return Math.atan2(checkNum(a, 0, "atan2"), checkNum(a, 1, "atan2"));
    }),
    pow: direct("pow", (...a: LuaValue[]) => {
      return Math.pow(checkNum(a, 0, "pow"), checkNum(a, 1, "pow"));
    }),
    fmod: direct("fmod", (...a: LuaValue[]) => {
      return checkNum(a, 0, "fmod") % checkNum(a, 1, "fmod");
    }),
    modf: direct("modf", (...a: LuaValue[]) => {
      const x = checkNum(a, 0, "modf");
      if (x === Infinity || x === -Infinity) return [x, 0];
      const ip = Math.trunc(x);
      return [ip, x - ip];
    }),
    frexp: direct("frexp", (...a: LuaValue[]) => {
      const x = checkNum(a, 0, "frexp");
      if (x === 0 || !isFinite(x)) return [x, 0];
      let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
      let m = x * Math.pow(2, -e);
      while (Math.abs(m) < 0.5) {
        m *= 2;
        e--;
      }
      while (Math.abs(m) >= 1) {
        m /= 2;
        e++;
      }
      return [m, e];
    }),
    ldexp: direct("ldexp", (...a: LuaValue[]) => {
      const m = checkNum(a, 0, "ldexp");
      const e = checkInt(a, 1, "ldexp");
      // Split the power so that 2^e itself cannot overflow or underflow early.
      const h = Math.trunc(e / 2);
      return m * Math.pow(2, h) * Math.pow(2, e - h);
    }),
    min: direct("min", (...a: LuaValue[]) => {
      let m = checkNum(a, 0, "min");
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, "min");
        if (v < m) m = v;
      }
      return m;
    }),
    max: direct("max", (...a: LuaValue[]) => {
      let m = checkNum(a, 0, "max");
      for (let i = 1; i < a.length; i++) {
        const v = checkNum(a, i, "max");
        if (v > m) m = v;
      }
      return m;
    }),
    random: native("random", function* (...a: LuaValue[]) {
      const r = (rand.next() % INT32_MAX) / INT32_MAX;
      switch (a.length) {
        case 0:
          return r;
        case 1: {
          const u = checkInt(a, 0, "random") | 0;
          if (u < 1) argError(1, "random", "interval is empty");
          return Math.floor(r * u) + 1;
        }
        case 2: {
          const l = checkInt(a, 0, "random") | 0;
          const u = checkInt(a, 1, "random") | 0;
          if (l > u) argError(2, "random", "interval is empty");
          return Math.floor(r * (u - l + 1)) + l;
        }
        default:
          rtError("wrong number of arguments");
      }
    }),
    randomseed: direct("randomseed", (...a: LuaValue[]) => {
      rand.seed(checkInt(a, 0, "randomseed") | 0);
      return [];
    }),
  });
  lib.set("pi", Math.PI);
  lib.set("huge", Infinity);
  lib.set("mod", lib.get("fmod"));
  rt.G.set("math", lib);

  const start = performance.now();
  const os = makeLib({
    clock: direct("clock", () => {
      return (performance.now() - start) / 1000;
    }),
  });
  rt.G.set("os", os);
  return rand;
}

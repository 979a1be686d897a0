/*
 * The LuaBitOp "bit" library as Redis ships it: every operation works on 32-bit two's
 * complement integers and returns a signed result. Numbers are normalised like LuaBitOp's
 * tobit: rounded to the nearest integer (ties to even, which is what its 2^52+2^51 addition
 * trick does) and reduced modulo 2^32. Shift counts use their low 5 bits.
 */

import { direct, type Runtime } from "../runtime.ts";
import type { LuaValue } from "../value.ts";
import { checkNum, makeLib } from "./args.ts";

/**
 * LuaBitOp's normalisation of a number to a signed 32-bit integer.
 *
 * @example
 * ```ts
 * toBit(0xffffffff); // -1
 * ```
 */
export function toBit(x: number): number {
  if (!isFinite(x)) return 0;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1; // ties to even
  return r | 0;
}

/**
 * Open the bit library.
 *
 * @example
 * ```ts
 * // openBit(L.rt);
 * ```
 */
export function openBit(rt: Runtime): void {
  const arg = (a: LuaValue[], i: number, f: string) => toBit(checkNum(a, i, f));
  const fold = (name: string, op: (x: number, y: number) => number) =>
    direct(name, (...a: LuaValue[]) => {
      let r = arg(a, 0, name);
      for (let i = 1; i < a.length; i++) r = op(r, arg(a, i, name));
      return r;
    });
  const shift = (name: string, op: (x: number, n: number) => number) =>
    direct(name, (...a: LuaValue[]) => {
      return op(arg(a, 0, name), arg(a, 1, name) & 31) | 0;
    });
  const lib = makeLib({
    tobit: direct("tobit", (...a: LuaValue[]) => {
      return arg(a, 0, "tobit");
    }),
    tohex: direct("tohex", (...a: LuaValue[]) => {
      const x = arg(a, 0, "tohex");
      let n = a[1] === undefined ? 8 : arg(a, 1, "tohex");
      const upper = n < 0;
      if (upper) n = -n;
      if (n > 8) n = 8;
      const masked = n === 8 ? x >>> 0 : (x >>> 0) % Math.pow(2, 4 * n);
      const s = masked.toString(16).padStart(n, "0");
      return upper ? s.toUpperCase() : s;
    }),
    bnot: direct("bnot", (...a: LuaValue[]) => {
      return ~arg(a, 0, "bnot");
    }),
    band: fold("band", (x, y) => x & y),
    bor: fold("bor", (x, y) => x | y),
    bxor: fold("bxor", (x, y) => x ^ y),
    lshift: shift("lshift", (x, n) => x << n),
    rshift: shift("rshift", (x, n) => x >>> n),
    arshift: shift("arshift", (x, n) => x >> n),
    rol: shift("rol", (x, n) => (x << n) | (x >>> (32 - n))),
    ror: shift("ror", (x, n) => (x >>> n) | (x << (32 - n))),
    bswap: direct("bswap", (...a: LuaValue[]) => {
      const x = arg(a, 0, "bswap");
      return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0;
    }),
  });
  rt.G.set("bit", lib);
}

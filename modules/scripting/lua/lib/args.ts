/*
 * Argument checks shared by the libraries, mirroring lauxlib's luaL_check* family so that
 * messages read exactly like Lua 5.1's: "bad argument #2 to 'sub' (number expected, got
 * nil)", with "got no value" when the argument is absent. Natives take `...a` so that an
 * absent argument can be told from an explicit nil. Numbers given as strings are accepted
 * where Lua accepts them, and numbers are accepted as strings.
 */

import { argError, argType } from "../runtime.ts";
import { LuaTable, type LuaValue } from "../value.ts";
import { numberToString, stringToNumber } from "../number.ts";

function expected(a: LuaValue[], i: number, fname: string, what: string): never {
  argError(i + 1, fname, `${what} expected, got ${argType(a[i], i < a.length)}`);
}

/**
 * luaL_checkstring: a string or a number (converted).
 *
 * @example
 * ```ts
 * checkStr([5], 0, "len"); // "5"
 * ```
 */
export function checkStr(a: LuaValue[], i: number, fname: string): string {
  const v = a[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  expected(a, i, fname, "string");
}

/**
 * luaL_optstring.
 *
 * @example
 * ```ts
 * optStr([], 0, "f", "x"); // "x"
 * ```
 */
export function optStr(a: LuaValue[], i: number, fname: string, def: string): string {
  return a[i] === undefined ? def : checkStr(a, i, fname);
}

/**
 * luaL_checknumber: a number or a numeric string.
 *
 * @example
 * ```ts
 * checkNum(["0x10"], 0, "abs"); // 16
 * ```
 */
export function checkNum(a: LuaValue[], i: number, fname: string): number {
  const v = a[i];
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = stringToNumber(v);
    if (n !== undefined) return n;
  }
  expected(a, i, fname, "number");
}

/**
 * luaL_optnumber.
 *
 * @example
 * ```ts
 * optNum([], 0, "f", 1); // 1
 * ```
 */
export function optNum(a: LuaValue[], i: number, fname: string, def: number): number {
  return a[i] === undefined ? def : checkNum(a, i, fname);
}

/**
 * luaL_checkinteger: a number truncated toward zero (the C cast to a 64-bit integer;
 * out-of-range values become LONG_MIN as on x86-64).
 *
 * @example
 * ```ts
 * checkInteger([2.7], 0, "sub"); // 2
 * ```
 */
export function checkInteger(a: LuaValue[], i: number, fname: string): number {
  const n = Math.trunc(checkNum(a, i, fname));
  return n === n && n < 9223372036854775808 && n >= -9223372036854775808 ? n : -9223372036854775808;
}

/**
 * luaL_optinteger.
 *
 * @example
 * ```ts
 * optInteger([undefined], 0, "sub", -1); // -1
 * ```
 */
export function optInteger(a: LuaValue[], i: number, fname: string, def: number): number {
  return a[i] === undefined ? def : checkInteger(a, i, fname);
}

/**
 * luaL_checkint: like checkInteger then cast to a 32-bit C int (string.rep("x", 2^31)
 * wraps to a negative count, exactly as in Redis).
 *
 * @example
 * ```ts
 * checkInt([2 ** 31], 0, "rep"); // -2147483648
 * ```
 */
export function checkInt(a: LuaValue[], i: number, fname: string): number {
  const n = checkInteger(a, i, fname);
  return n === -9223372036854775808 ? 0 : n | 0;
}

/**
 * luaL_optint.
 *
 * @example
 * ```ts
 * optInt([undefined], 0, "concat", 1); // 1
 * ```
 */
export function optInt(a: LuaValue[], i: number, fname: string, def: number): number {
  return a[i] === undefined ? def : checkInt(a, i, fname);
}

/**
 * luaL_checktype(LUA_TTABLE).
 *
 * @example
 * ```ts
 * checkTable([new LuaTable()], 0, "insert");
 * ```
 */
export function checkTable(a: LuaValue[], i: number, fname: string): LuaTable {
  const v = a[i];
  if (v instanceof LuaTable) return v;
  expected(a, i, fname, "table");
}

/**
 * luaL_checkany.
 *
 * @example
 * ```ts
 * checkAny([undefined], 0, "type"); // ok: nil is a value
 * ```
 */
export function checkAny(a: LuaValue[], i: number, fname: string): void {
  if (i >= a.length) argError(i + 1, fname, "value expected");
}

/**
 * Build a library table from natives.
 *
 * @example
 * ```ts
 * const lib = makeLib({});
 * ```
 */
export function makeLib(fns: Record<string, LuaValue>): LuaTable {
  const t = new LuaTable();
  for (const [k, v] of Object.entries(fns)) t.set(k, v);
  return t;
}

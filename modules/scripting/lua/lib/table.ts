// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * Lua 5.1's table library: concat, insert, remove, sort, getn, maxn, foreach, foreachi
 * (and setn, which is obsolete in 5.1 and raises).
 *
 * table.sort is Lua 5.1's quicksort (median of three, the same partition loop), because
 * scripts can observe the algorithm: an inconsistent comparator must fail with "invalid
 * order function for sorting" in the same situations, and comparator errors surface the
 * same way. It sorts a copy of the sequence and writes it back, and it is a generator so
 * the comparator (Lua code) stays pausable.
 */

import {
  argError,
  direct,
  EMPTY,
  first,
  MAX_STRING,
  native,
  rtError,
  type Runtime,
} from "../runtime.ts";
import { type LuaValue, truthy, typeName } from "../value.ts";
import { numberToString } from "../number.ts";
import { checkInt, checkTable, makeLib, optInt, optStr } from "./args.ts";

/**
 * Open the table library.
 *
 * @example
 * ```ts
 * // openTable(L.rt);
 * ```
 */
export function openTable(rt: Runtime): void {
  function* less(cmp: LuaValue, a: LuaValue, b: LuaValue): Generator<unknown, boolean, unknown> {
    if (cmp === undefined) {
      if (typeof a === "number" && typeof b === "number") return a < b;
      if (typeof a === "string" && typeof b === "string") return a < b;
      return yield* rt.nhelp(rt.lt(a, b));
    }
    return truthy(first(yield* rt.ncall(cmp, [a, b])));
  }

  function* sort(
    a: LuaValue[],
    cmp: LuaValue,
    lo: number,
    up: number,
  ): Generator<unknown, void, unknown> {
    while (lo < up) {
      if (yield* less(cmp, a[up], a[lo])) swap(a, lo, up);
      if (up - lo === 1) return;
      let i = Math.floor((lo + up) / 2);
      if (yield* less(cmp, a[i], a[lo])) swap(a, i, lo);
      else if (yield* less(cmp, a[up], a[i])) swap(a, i, up);
      if (up - lo === 2) return;
      const pivot = a[i];
      swap(a, i, up - 1);
      i = lo;
      let j = up - 1;
      for (;;) {
        while (yield* less(cmp, a[++i], pivot)) {
          if (i > up) rtError("invalid order function for sorting");
        }
        while (yield* less(cmp, pivot, a[--j])) {
          if (j < lo) rtError("invalid order function for sorting");
        }
        if (j < i) break;
        swap(a, i, j);
      }
      swap(a, up - 1, i);
      // Recurse into the smaller half, loop on the larger one.
      if (i - lo < up - i) {
        yield* sort(a, cmp, lo, i - 1);
        lo = i + 1;
      } else {
        yield* sort(a, cmp, i + 1, up);
        up = i - 1;
      }
    }
  }

  const lib = makeLib({
    concat: direct("concat", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "concat");
      const sep = optStr(a, 1, "concat", "");
      const i = optInt(a, 2, "concat", 1);
      const j = a[3] === undefined ? t.length() : checkInt(a, 3, "concat");
      const parts: string[] = [];
      let size = 0;
      for (let k = i; k <= j; k++) {
        const v = t.get(k);
        if (typeof v === "string") parts.push(v);
        else if (typeof v === "number") parts.push(numberToString(v));
        else rtError(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`);
        size += parts[parts.length - 1].length + sep.length;
        if (size > MAX_STRING) rtError("not enough memory");
      }
      return parts.join(sep);
    }),
    insert: native("insert", function* (...a: LuaValue[]) {
      const t = checkTable(a, 0, "insert");
      let e = t.length() + 1;
      let pos: number;
      if (a.length === 2) pos = e;
      else if (a.length === 3) {
        pos = checkInt(a, 1, "insert");
        if (pos > e) e = pos;
        for (let k = e; k > pos; k--) rt.nrawset(t, k, t.get(k - 1));
      } else rtError("wrong number of arguments to 'insert'");
      rt.nrawset(t, pos, a[a.length - 1]);
      return EMPTY;
    }),
    remove: direct("remove", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "remove");
      const e = t.length();
      const pos = optInt(a, 1, "remove", e);
      if (e === 0) return EMPTY;
      const v = t.get(pos);
      for (let k = pos; k < e; k++) rt.nrawset(t, k, t.get(k + 1));
      rt.nrawset(t, e, undefined);
      return v;
    }),
    sort: native("sort", function* (...a: LuaValue[]) {
      const t = checkTable(a, 0, "sort");
      const cmp = a[1];
      if (cmp !== undefined && typeof cmp !== "function") {
        argError(2, "sort", `function expected, got ${typeName(cmp)}`);
      }
      const n = t.length();
      const arr: LuaValue[] = new Array(n + 1);
      for (let k = 1; k <= n; k++) arr[k] = t.get(k);
      yield* sort(arr, cmp, 1, n);
      for (let k = 1; k <= n; k++) rt.nrawset(t, k, arr[k]);
      return EMPTY;
    }),
    getn: direct("getn", (...a: LuaValue[]) => {
      return checkTable(a, 0, "getn").length();
    }),
    maxn: direct("maxn", (...a: LuaValue[]) => {
      return checkTable(a, 0, "maxn").maxn();
    }),
    setn: direct("setn", () => {
      rtError("'setn' is obsolete");
    }),
    foreachi: native("foreachi", function* (...a: LuaValue[]) {
      const t = checkTable(a, 0, "foreachi");
      const n = t.length();
      for (let i = 1; i <= n; i++) {
        const r = first(yield* rt.ncall(a[1], [i, t.get(i)]));
        if (r !== undefined) return r;
      }
      return EMPTY;
    }),
    foreach: native("foreach", function* (...a: LuaValue[]) {
      const t = checkTable(a, 0, "foreach");
      for (let e = t.next(undefined); e !== null; e = t.next(e[0])) {
        const r = first(yield* rt.ncall(a[1], [e[0], e[1]]));
        if (r !== undefined) return r;
      }
      return EMPTY;
    }),
  });
  rt.G.set("table", lib);
}

function swap(a: LuaValue[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

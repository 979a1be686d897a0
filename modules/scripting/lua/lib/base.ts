/*
 * Lua 5.1's base library (lbaselib.c's behaviour), minus what a sandbox must not have:
 * no dofile/loadfile/load-from-reader, no getfenv/setfenv, no newproxy.
 *
 * pcall/xpcall are generators wrapping `yield*`, so a protected call stays pausable and
 * catches every error the engine can raise (including JS stack exhaustion, reported as
 * "stack overflow"). There is no `print`, as in Redis 7.
 */

import { LuaSyntaxError } from "../lexer.ts";
import {
  argError,
  argType,
  crossC,
  direct,
  EMPTY,
  first,
  hostErrorMessage,
  isNative,
  native,
  rtError,
  type Runtime,
} from "../runtime.ts";
import { LuaError, type LuaFunction, LuaTable, type LuaValue, truthy, typeName } from "../value.ts";
import { numberToString, stringToNumber } from "../number.ts";
import { checkAny, checkInt, checkStr, checkTable, optInt } from "./args.ts";

const ids = new WeakMap<object, number>();
let nextId = 1;

/**
 * The fake address Lua shows for tables, functions and threads ("table: 0x...").
 *
 * @example
 * ```ts
 * addressOf({}); // "0x000055550040"
 * ```
 */
export function addressOf(o: object): string {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, id = nextId++);
  return "0x" + (0x55550000 + id * 0x40).toString(16).padStart(12, "0");
}

/**
 * tostring() without metamethods.
 *
 * @example
 * ```ts
 * rawToString(true); // "true"
 * ```
 */
export function rawToString(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return numberToString(v);
    case "string":
      return v;
    default: {
      const tn = typeName(v);
      if (tn === "userdata") return "userdata: (nil)";
      return `${tn}: ${addressOf(v as object)}`;
    }
  }
}

/**
 * The value of a caught exception as seen by pcall.
 *
 * @example
 * ```ts
 * caughtValue(new LuaError("x")); // "x"
 * ```
 */
export function caughtValue(e: unknown): LuaValue {
  if (e instanceof LuaError) {
    e.level = 0;
    return e.value;
  }
  return hostErrorMessage(e);
}

/**
 * Open the base library into the runtime's globals. `load` compiles a chunk (loadstring).
 *
 * @example
 * ```ts
 * // openBase(L.rt, (src, name) => L.load(src, name));
 * ```
 */
export function openBase(rt: Runtime, load: (src: string, name: string) => LuaFunction): void {
  const G = rt.G;

  const tostring = native("tostring", function* (...a: LuaValue[]) {
    checkAny(a, 0, "tostring");
    const v = a[0];
    const h = rt.metamethod(v, "__tostring");
    if (h !== undefined) return first(yield* rt.ncall(h, [v]));
    return rawToString(v);
  });

  const fns: Record<string, LuaFunction> = {
    assert: direct("assert", (...a: LuaValue[]) => {
      if (!truthy(a[0])) {
        if (a.length === 0) argError(1, "assert", "value expected");
        rtError(a[1] === undefined ? "assertion failed!" : checkStr(a, 1, "assert"));
      }
      return a;
    }),
    error: direct("error", (v?: LuaValue, level?: LuaValue) => {
      const lv = level === undefined ? 1 : Math.trunc(Number(level));
      const positioned = (typeof v === "string" || typeof v === "number") && lv > 0;
      throw new LuaError(v, positioned ? lv : 0);
    }),
    pcall: native("pcall", function* (f: LuaValue, ...args: LuaValue[]) {
      if (arguments.length === 0) argError(1, "pcall", "value expected");
      try {
        // Inline rt.ncall: one generator less per protected call.
        let r = typeof f === "function"
          ? yield* (f as LuaFunction)(...args)
          : yield* rt.call(f, args);
        if (r === rt.TAIL) r = yield* rt.tail();
        return Array.isArray(r) ? [true, ...r] : [true, r];
      } catch (e) {
        return [false, caughtValue(crossC(e, isNative(f)))];
      }
    }),
    xpcall: native("xpcall", function* (...a: LuaValue[]) {
      checkAny(a, 1, "xpcall");
      try {
        const r = yield* rt.ncall(a[0], []);
        return Array.isArray(r) ? [true, ...r] : [true, r];
      } catch (e) {
        const v = caughtValue(e);
        return [false, first(yield* rt.ncall(a[1], [v]))];
      }
    }),
    ipairs: direct("ipairs", (...a: LuaValue[]) => {
      return [rt.IPX, checkTable(a, 0, "ipairs"), 0];
    }),
    pairs: direct("pairs", (...a: LuaValue[]) => {
      return [rt.NX, checkTable(a, 0, "pairs"), undefined];
    }),
    next: rt.NX,
    select: direct("select", (n: LuaValue, ...rest: LuaValue[]) => {
      if (n === "#") return rest.length;
      let i = checkInt([n], 0, "select");
      if (i < 0) i = rest.length + i;
      else if (i === 0) argError(1, "select", "index out of range");
      else i--;
      if (i < 0) argError(1, "select", "index out of range");
      return rest.slice(i);
    }),
    tonumber: direct("tonumber", (...a: LuaValue[]) => {
      const base = optInt(a, 1, "tonumber", 10);
      const v = a[0];
      if (base === 10) {
        checkAny(a, 0, "tonumber");
        if (typeof v === "number") return v;
        return typeof v === "string" ? stringToNumber(v) : undefined;
      }
      const s = checkStr(a, 0, "tonumber");
      if (base < 2 || base > 36) argError(2, "tonumber", "base out of range");
      return parseBase(s, base);
    }),
    tostring,
    type: direct("type", (...a: LuaValue[]) => {
      checkAny(a, 0, "type");
      return typeName(a[0]);
    }),
    unpack: direct("unpack", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "unpack");
      const i = optInt(a, 1, "unpack", 1);
      const j = a[2] === undefined ? t.length() : checkInt(a, 2, "unpack");
      if (i > j) return EMPTY;
      const n = j - i + 1;
      if (n >= 8000 || !Number.isFinite(n)) rtError("too many results to unpack");
      const out = new Array<LuaValue>(n);
      for (let k = 0; k < n; k++) out[k] = t.get(i + k);
      return out;
    }),
    rawget: direct("rawget", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "rawget");
      checkAny(a, 1, "rawget");
      return t.get(a[1]);
    }),
    rawset: direct("rawset", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "rawset");
      checkAny(a, 1, "rawset");
      checkAny(a, 2, "rawset");
      rt.nrawset(t, a[1], a[2]);
      return t;
    }),
    rawequal: direct("rawequal", (...a: LuaValue[]) => {
      checkAny(a, 0, "rawequal");
      checkAny(a, 1, "rawequal");
      return a[0] === a[1];
    }),
    setmetatable: direct("setmetatable", (...a: LuaValue[]) => {
      const t = checkTable(a, 0, "setmetatable");
      const m = a[1];
      if (m !== undefined && !(m instanceof LuaTable)) {
        argError(2, "setmetatable", "nil or table expected");
      }
      if (t.meta !== null && t.meta.gs("__metatable") !== undefined) {
        rtError("cannot change a protected metatable");
      }
      if (t.readonly) throw new LuaError("Attempt to modify a readonly table", 0); // lua_setmetatable
      t.meta = m ?? null;
      return t;
    }),
    getmetatable: direct("getmetatable", (...a: LuaValue[]) => {
      checkAny(a, 0, "getmetatable");
      const m = rt.metatable(a[0]);
      if (m === null) return undefined;
      const p = m.gs("__metatable");
      return p !== undefined ? p : m;
    }),
    loadstring: direct("loadstring", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "loadstring");
      const name = a[1] === undefined ? s : checkStr(a, 1, "loadstring");
      try {
        return load(s, name);
      } catch (e) {
        if (e instanceof LuaSyntaxError) return [undefined, e.message];
        throw e;
      }
    }),
    load: native("load", function* (...a: LuaValue[]) {
      const reader = a[0];
      if (typeof reader !== "function") {
        argError(1, "load", `function expected, got ${argType(reader, a.length > 0)}`);
      }
      const name = a[1] === undefined ? "=(load)" : checkStr(a, 1, "load");
      let src = "";
      for (;;) {
        const piece = first(yield* rt.ncall(reader, []));
        if (piece === undefined || piece === "") break;
        if (typeof piece !== "string") return [undefined, "reader function must return a string"];
        src += piece;
      }
      try {
        return load(src, name);
      } catch (e) {
        if (e instanceof LuaSyntaxError) return [undefined, e.message];
        throw e;
      }
    }),
    gcinfo: direct("gcinfo", () => {
      return 0;
    }),
    collectgarbage: direct("collectgarbage", () => {
      return 0;
    }),
  };
  for (const [k, v] of Object.entries(fns)) G.set(k, v);
  G.set("_G", G);
  G.set("_VERSION", "Lua 5.1");
}

function parseBase(s: string, base: number): number | undefined {
  const t = s.trim().toLowerCase();
  if (t === "") return undefined;
  let i = 0;
  let neg = false;
  if (t[0] === "-" || t[0] === "+") {
    neg = t[0] === "-";
    i++;
  }
  if (i >= t.length) return undefined;
  let n = 0;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : 99;
    if (d >= base) return undefined;
    n = n * base + d;
  }
  // strtoul negates in unsigned arithmetic: "-ff" is 2^64 - 255.
  return neg && n !== 0 ? 18446744073709551616 - n : n;
}

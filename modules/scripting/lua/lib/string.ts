// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * Lua 5.1's string library over binary strings (char codes 0..255), plus the string
 * metatable that makes `s:upper()` work. Patterns live in lpattern.ts and string.format
 * in format.ts. Case mapping is the C locale's (ASCII letters only). Results longer than
 * MAX_STRING raise "not enough memory" instead of exhausting the host.
 */

import {
  argError,
  direct,
  EMPTY,
  first,
  isNative,
  MAX_STRING,
  native,
  rtError,
  type Runtime,
} from "../runtime.ts";
import { LuaTable, type LuaValue, typeName } from "../value.ts";
import { numberToString } from "../number.ts";
import { checkInt, checkInteger, checkStr, makeLib, optInt, optInteger } from "./args.ts";
import { luaFormat } from "./format.ts";
import { isPlainPattern, Matcher } from "./lpattern.ts";

function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

function mapAscii(s: string, from: number, to: number, delta: number): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= from && c <= to) {
      out += s.slice(last, i) + String.fromCharCode(c + delta);
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * Open the string library and install the string metatable.
 *
 * @example
 * ```ts
 * // openString(L.rt);
 * ```
 */
export function openString(rt: Runtime): void {
  function find(a: LuaValue[], isFind: boolean, fname: string): LuaValue[] | LuaValue {
    const s = checkStr(a, 0, fname);
    const p = checkStr(a, 1, fname);
    let init = posrelat(optInteger(a, 2, fname, 1), s.length) - 1;
    if (init < 0) init = 0;
    else if (init > s.length) init = s.length;
    if (isFind && (a[3] !== undefined && a[3] !== false || isPlainPattern(p))) {
      const at = s.indexOf(p, init);
      return at < 0 ? undefined : [at + 1, at + p.length];
    }
    const m = new Matcher(s, p);
    const r = m.find(init);
    if (r === null) return undefined;
    if (isFind) return [r[0] + 1, r[1], ...m.captures(r[0], r[1], false)];
    const caps = m.captures(r[0], r[1]);
    return caps.length === 1 ? caps[0] : caps;
  }

  const lib = makeLib({
    byte: direct("byte", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "byte");
      const i = posrelat(optInteger(a, 1, "byte", 1), s.length);
      let j = posrelat(optInteger(a, 2, "byte", i), s.length);
      const start = i <= 0 ? 1 : i;
      if (j > s.length) j = s.length;
      if (start > j) return EMPTY;
      const n = j - start + 1;
      if (n >= 8000) rtError("string slice too long");
      if (n === 1) return s.charCodeAt(start - 1);
      const out = new Array<LuaValue>(n);
      for (let k = 0; k < n; k++) out[k] = s.charCodeAt(start - 1 + k);
      return out;
    }),
    char: direct("char", (...a: LuaValue[]) => {
      let out = "";
      for (let i = 0; i < a.length; i++) {
        const c = checkInt(a, i, "char");
        if (c < 0 || c > 255) argError(i + 1, "char", "invalid value");
        out += String.fromCharCode(c);
      }
      return out;
    }),
    find: direct("find", (...a: LuaValue[]) => {
      return find(a, true, "find");
    }),
    match: direct("match", (...a: LuaValue[]) => {
      return find(a, false, "match");
    }),
    gmatch: direct("gmatch", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "gmatch");
      const p = checkStr(a, 1, "gmatch");
      let pos = 0;
      return native("gmatch_aux", function* () {
        const m = new Matcher(s, p);
        for (let src = pos; src <= s.length; src++) {
          const e = m.matchAt(src, 0);
          if (e !== -1) {
            pos = e === src ? e + 1 : e;
            const caps = m.captures(src, e);
            return caps.length === 1 ? caps[0] : caps;
          }
        }
        pos = s.length + 1;
        return EMPTY;
      });
    }),
    gsub: native("gsub", function* (...a: LuaValue[]) {
      const s = checkStr(a, 0, "gsub");
      const p = checkStr(a, 1, "gsub");
      const repl = a[2];
      const tr = typeName(repl);
      if (tr !== "number" && tr !== "string" && tr !== "function" && tr !== "table") {
        argError(3, "gsub", "string/function/table expected");
      }
      const maxN = optInt(a, 3, "gsub", s.length + 1);
      const replStr = typeof repl === "number" ? numberToString(repl) : repl;
      const anchor = p.charCodeAt(0) === 94;
      const m = new Matcher(s, p);
      let out = "";
      let src = 0;
      let n = 0;
      while (n < maxN) {
        const e = m.matchAt(src, anchor ? 1 : 0);
        if (e !== -1) {
          n++;
          // Append the replacement for match [src, e).
          const whole = s.slice(src, e);
          let v: LuaValue;
          if (typeof replStr === "string") {
            v = expandRepl(replStr, m, src, e);
          } else if (replStr instanceof LuaTable) {
            v = yield* rt.nhelp(rt.idx(replStr, m.capture(0, src, e), ""));
          } else {
            v = first(yield* rt.ncall(replStr, m.captures(src, e)));
          }
          if (v === undefined || v === false) out += whole;
          else if (typeof v === "string") out += v;
          else if (typeof v === "number") out += numberToString(v);
          else rtError(`invalid replacement value (a ${typeName(v)})`);
          if (out.length > MAX_STRING) rtError("not enough memory");
        }
        if (e !== -1 && e > src) src = e;
        else if (src < s.length) out += s[src++];
        else break;
        if (anchor) break;
      }
      return [out + s.slice(src), n];
    }),
    len: direct("len", (...a: LuaValue[]) => {
      return checkStr(a, 0, "len").length;
    }),
    lower: direct("lower", (...a: LuaValue[]) => {
      return mapAscii(checkStr(a, 0, "lower"), 65, 90, 32);
    }),
    upper: direct("upper", (...a: LuaValue[]) => {
      return mapAscii(checkStr(a, 0, "upper"), 97, 122, -32);
    }),
    rep: direct("rep", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "rep");
      const n = checkInt(a, 1, "rep");
      if (n <= 0 || s.length === 0) return "";
      if (s.length * n > MAX_STRING) rtError("not enough memory");
      return s.repeat(n);
    }),
    reverse: direct("reverse", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "reverse");
      let out = "";
      for (let i = s.length - 1; i >= 0; i--) out += s[i];
      return out;
    }),
    sub: direct("sub", (...a: LuaValue[]) => {
      const s = checkStr(a, 0, "sub");
      const l = s.length;
      let i = posrelat(checkInteger(a, 1, "sub"), l);
      let j = posrelat(optInteger(a, 2, "sub", -1), l);
      if (i < 1) i = 1;
      if (j > l) j = l;
      return i <= j ? s.slice(i - 1, j) : "";
    }),
    format: direct("format", (...a: LuaValue[]) => {
      return luaFormat(a);
    }),
  });
  lib.set("gfind", lib.get("gmatch")); // Lua 5.1's deprecated alias, kept by Redis
  lib.set(
    "dump",
    direct("dump", (...a: LuaValue[]) => {
      const f = a[0];
      if (typeof f !== "function") argError(1, "dump", `function expected, got ${typeName(f)}`);
      if (isNative(f)) rtError("unable to dump given function");
      // Compiled chunks are JS, not bytecode: a Lua 5.1 header alone stands for the
      // function. load/loadstring refuse binary chunks (as Redis 7.4's Lua does).
      return BINARY_CHUNK_HEADER;
    }),
  );
  rt.G.set("string", lib);
  const meta = new LuaTable();
  meta.set("__index", lib);
  rt.stringMeta = meta;
}

/** What string.dump returns: the Lua 5.1 binary chunk signature and header, no code. */
export const BINARY_CHUNK_HEADER = "\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00";

function expandRepl(r: string, m: Matcher, s0: number, e0: number): string {
  if (!r.includes("%")) return r;
  let out = "";
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const d = r.charCodeAt(++i);
    if (d >= 48 && d <= 57) {
      const cap = d === 48 ? m.s.slice(s0, e0) : m.capture(d - 49, s0, e0);
      out += typeof cap === "number" ? numberToString(cap) : cap;
    } else out += i < r.length ? r[i] : "\0"; // a trailing '%' copies C's terminator
  }
  return out;
}

/*
 * cmsgpack as embedded in Redis (lua-cmsgpack), reimplemented over binary strings.
 *
 * pack(...) encodes each argument and concatenates the results. Numbers equal to an int64
 * use the smallest integer encoding, other numbers float32 when exact, else float64. A
 * table whose keys are exactly 1..n (n may be 0) is an array, anything else a map; tables
 * nested 16 deep are encoded as nil. Strings use fixstr/str8/str16/str32.
 * unpack(s) decodes every top-level value; unpack_one(s, offset) and unpack_limit(s, n,
 * offset) decode some and return the next offset first (-1 at the end). Bin/ext types
 * are not understood, as in Redis ("Bad data format in input.").
 */

import { argError, direct, rtError, type Runtime } from "../runtime.ts";
import { LuaTable, type LuaValue } from "../value.ts";
import { checkInteger, checkStr, makeLib, optInteger } from "./args.ts";

const MAX_NESTING = 16;
const TWO63 = 9223372036854775808;
const f64 = new DataView(new ArrayBuffer(8));

function be(n: number, bytes: number): string {
  let s = "";
  for (let i = bytes - 1; i >= 0; i--) {
    s += String.fromCharCode(Math.floor(n / Math.pow(2, 8 * i)) & 0xff);
  }
  return s;
}

function be64(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  let s = "";
  for (let i = 7; i >= 0; i--) s += String.fromCharCode(Number((u >> BigInt(8 * i)) & 0xffn));
  return s;
}

function encodeInt(n: number): string {
  if (n >= 0) {
    if (n <= 127) return String.fromCharCode(n);
    if (n <= 0xff) return "\xcc" + be(n, 1);
    if (n <= 0xffff) return "\xcd" + be(n, 2);
    if (n <= 0xffffffff) return "\xce" + be(n, 4);
    return "\xcf" + be64(BigInt(n));
  }
  if (n >= -32) return String.fromCharCode(n & 0xff);
  if (n >= -128) return "\xd0" + String.fromCharCode(n & 0xff);
  if (n >= -32768) return "\xd1" + be(n & 0xffff, 2);
  if (n >= -2147483648) return "\xd2" + be(n >>> 0, 4);
  return "\xd3" + be64(BigInt(n));
}

function encodeDouble(d: number): string {
  let s = "";
  if (Math.fround(d) === d) {
    f64.setFloat32(0, d);
    for (let i = 0; i < 4; i++) s += String.fromCharCode(f64.getUint8(i));
    return "\xca" + s;
  }
  f64.setFloat64(0, d);
  for (let i = 0; i < 8; i++) s += String.fromCharCode(f64.getUint8(i));
  return "\xcb" + s;
}

function isArray(t: LuaTable): number {
  let count = 0;
  let max = 0;
  for (let e = t.next(undefined); e !== null; e = t.next(e[0])) {
    const k = e[0];
    if (typeof k !== "number" || k <= 0 || !Number.isInteger(k) || k > 2147483647) return -1;
    if (k > max) max = k;
    count++;
  }
  return max === count ? count : -1;
}

function header(n: number, fix: number, c16: string, c32: string): string {
  if (n < 16) return String.fromCharCode(fix | n);
  if (n <= 0xffff) return c16 + be(n, 2);
  return c32 + be(n, 4);
}

function encode(v: LuaValue, level: number, out: string[]): void {
  switch (typeof v) {
    case "boolean":
      out.push(v ? "\xc3" : "\xc2");
      return;
    case "number":
      out.push(Number.isInteger(v) && v >= -TWO63 && v < TWO63 ? encodeInt(v) : encodeDouble(v));
      return;
    case "string": {
      const n = v.length;
      if (n < 32) out.push(String.fromCharCode(0xa0 | n));
      else if (n <= 0xff) out.push("\xd9" + be(n, 1));
      else if (n <= 0xffff) out.push("\xda" + be(n, 2));
      else out.push("\xdb" + be(n, 4));
      out.push(v);
      return;
    }
  }
  if (!(v instanceof LuaTable) || level === MAX_NESTING) {
    out.push("\xc0");
    return;
  }
  const n = isArray(v);
  if (n >= 0) {
    out.push(header(n, 0x90, "\xdc", "\xdd"));
    for (let i = 1; i <= n; i++) encode(v.get(i), level + 1, out);
    return;
  }
  let count = 0;
  for (let e = v.next(undefined); e !== null; e = v.next(e[0])) count++;
  out.push(header(count, 0x80, "\xde", "\xdf"));
  for (let e = v.next(undefined); e !== null; e = v.next(e[0])) {
    encode(e[0], level + 1, out);
    encode(e[1], level + 1, out);
  }
}

class Eof {}
class BadFormat {}

class Cursor {
  constructor(readonly s: string, public p: number) {}

  need(n: number): void {
    if (this.p + n > this.s.length) throw new Eof();
  }

  u(off: number, bytes: number): number {
    let n = 0;
    for (let i = 0; i < bytes; i++) n = n * 256 + this.s.charCodeAt(this.p + off + i);
    return n;
  }

  str(off: number, len: number): string {
    this.need(off + len);
    const v = this.s.slice(this.p + off, this.p + off + len);
    this.p += off + len;
    return v;
  }

  float(bytes: 4 | 8): number {
    this.need(1 + bytes);
    for (let i = 0; i < bytes; i++) f64.setUint8(i, this.s.charCodeAt(this.p + 1 + i));
    this.p += 1 + bytes;
    return bytes === 4 ? f64.getFloat32(0) : f64.getFloat64(0);
  }

  int(bytes: number, signed: boolean): number {
    this.need(1 + bytes);
    let v = 0n;
    for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.p + 1 + i));
    this.p += 1 + bytes;
    return Number(signed ? BigInt.asIntN(bytes * 8, v) : v);
  }

  value(): LuaValue {
    this.need(1);
    const b = this.s.charCodeAt(this.p);
    switch (b) {
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        return this.int(1 << (b - 0xcc), false);
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
        return this.int(1 << (b - 0xd0), true);
      case 0xc0:
        this.p++;
        return undefined;
      case 0xc3:
      case 0xc2:
        this.p++;
        return b === 0xc3;
      case 0xca:
        return this.float(4);
      case 0xcb:
        return this.float(8);
      case 0xd9:
        this.need(2);
        return this.str(2, this.u(1, 1));
      case 0xda:
        this.need(3);
        return this.str(3, this.u(1, 2));
      case 0xdb:
        this.need(5);
        return this.str(5, this.u(1, 4));
      case 0xdc:
      case 0xdd:
      case 0xde:
      case 0xdf: {
        const w = b === 0xdc || b === 0xde ? 2 : 4;
        this.need(1 + w);
        const n = this.u(1, w);
        this.p += 1 + w;
        return b <= 0xdd ? this.array(n) : this.map(n);
      }
    }
    if ((b & 0x80) === 0) {
      this.p++;
      return b;
    }
    if ((b & 0xe0) === 0xe0) {
      this.p++;
      return b - 256;
    }
    if ((b & 0xe0) === 0xa0) return this.str(1, b & 0x1f);
    if ((b & 0xf0) === 0x90) {
      this.p++;
      return this.array(b & 0xf);
    }
    if ((b & 0xf0) === 0x80) {
      this.p++;
      return this.map(b & 0xf);
    }
    throw new BadFormat();
  }

  private array(n: number): LuaTable {
    const t = new LuaTable();
    for (let i = 1; i <= n; i++) t.set(i, this.value());
    return t;
  }

  private map(n: number): LuaTable {
    const t = new LuaTable();
    for (let i = 0; i < n; i++) {
      const k = this.value();
      const v = this.value();
      if (k === undefined) rtError("table index is nil");
      if (k !== k) rtError("table index is NaN");
      t.set(k, v);
    }
    return t;
  }
}

/**
 * MessagePack-encode one Lua value as Redis's cmsgpack does.
 *
 * @example
 * ```ts
 * msgpackEncode(1); // "\x01"
 * ```
 */
export function msgpackEncode(v: LuaValue): string {
  const out: string[] = [];
  encode(v, 0, out);
  return out.join("");
}

/**
 * Decode up to `limit` values (0 = all) from `s` at `offset`; returns the values and the
 * next offset (-1 when the input is used up).
 *
 * @example
 * ```ts
 * msgpackDecode("\x01\x02", 0, 0).values; // [1, 2]
 * ```
 */
export function msgpackDecode(
  s: string,
  limit: number,
  offset: number,
): { values: LuaValue[]; next: number } {
  if (offset < 0 || limit < 0) {
    rtError(`Invalid request to unpack with offset of ${offset} and limit of ${s.length}.`);
  }
  if (offset > s.length) rtError(`Start offset ${offset} greater than input length ${s.length}.`);
  const all = limit === 0 && offset === 0;
  const max = all ? Infinity : limit;
  const c = new Cursor(s, offset);
  const values: LuaValue[] = [];
  try {
    while (c.p < s.length && values.length < max) values.push(c.value());
  } catch (e) {
    if (e instanceof Eof) rtError("Missing bytes in input.");
    if (e instanceof BadFormat) rtError("Bad data format in input.");
    throw e;
  }
  return { values, next: c.p >= s.length ? -1 : c.p };
}

/**
 * Open the cmsgpack library.
 *
 * @example
 * ```ts
 * // openCmsgpack(L.rt);
 * ```
 */
export function openCmsgpack(rt: Runtime): void {
  const lib = makeLib({
    pack: direct("pack", (...a: LuaValue[]) => {
      if (a.length === 0) argError(0, "pack", "MessagePack pack needs input.");
      const out: string[] = [];
      for (const v of a) encode(v, 0, out);
      return out.join("");
    }),
    unpack: direct("unpack", (...a: LuaValue[]) => {
      return msgpackDecode(checkStr(a, 0, "unpack"), 0, 0).values;
    }),
    unpack_one: direct("unpack_one", (...a: LuaValue[]) => {
      const offset = optInteger(a, 1, "unpack_one", 0);
      const r = msgpackDecode(checkStr(a, 0, "unpack_one"), 1, offset);
      return [r.next, ...r.values];
    }),
    unpack_limit: direct("unpack_limit", (...a: LuaValue[]) => {
      const limit = checkInteger(a, 1, "unpack_limit");
      const offset = optInteger(a, 2, "unpack_limit", 0);
      const r = msgpackDecode(checkStr(a, 0, "unpack_limit"), limit, offset);
      return [r.next, ...r.values];
    }),
  });
  lib.set("_NAME", "cmsgpack");
  lib.set("_VERSION", "lua-cmsgpack 0.4.0");
  rt.G.set("cmsgpack", lib);
}

/*
 * The "struct" library as embedded in Redis (Roberto Ierusalimschy's lua-struct),
 * reimplemented: struct.pack(fmt, ...), struct.unpack(fmt, s [, pos]) and struct.size(fmt).
 *
 * Format options: "<" ">" set little/big endian (little is the default, x86), "!n" sets
 * the maximum alignment (default 1, i.e. packed; "!" alone means 8), b/B h/H l/L T i/I[n]
 * integers of 1/2/8/8/n bytes (lower case signed on unpack), f d floats, s zero-terminated
 * string, c[n] fixed string (c0 = whole string on pack, previous number as length on
 * unpack), x a zero pad byte, spaces ignored. Integers travel through a 64-bit value like
 * the C code (BigInt here), so sign extension and wrap-around match.
 */

import { argError, direct, rtError, type Runtime } from "../runtime.ts";
import type { LuaValue } from "../value.ts";
import { checkNum, checkStr, makeLib, optInteger } from "./args.ts";

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const buf = new DataView(new ArrayBuffer(8));

interface Fmt {
  s: string;
  i: number;
  little: boolean;
  align: number;
}

function getnum(f: Fmt, def: number): number {
  const c = f.s.charCodeAt(f.i);
  if (!(c >= 48 && c <= 57)) return def;
  let a = 0;
  while (f.i < f.s.length && f.s.charCodeAt(f.i) >= 48 && f.s.charCodeAt(f.i) <= 57) {
    a = a * 10 + f.s.charCodeAt(f.i++) - 48;
    if (a > 2147483647) rtError("integral size overflow");
  }
  return a;
}

function optsize(opt: string, f: Fmt): number {
  switch (opt) {
    case "B":
    case "b":
      return 1;
    case "H":
    case "h":
      return 2;
    case "L":
    case "l":
    case "T":
    case "d":
      return 8;
    case "f":
      return 4;
    case "x":
      return 1;
    case "c":
      return getnum(f, 1);
    case "i":
    case "I": {
      const sz = getnum(f, 4);
      if (sz > MAXINTSIZE) rtError(`integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default:
      return 0;
  }
}

function toAlign(len: number, f: Fmt, opt: string, size: number): number {
  if (size === 0 || opt === "c") return 0;
  if (size > f.align) size = f.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function control(opt: string, f: Fmt): void {
  switch (opt) {
    case " ":
      return;
    case ">":
      f.little = false;
      return;
    case "<":
      f.little = true;
      return;
    case "!": {
      const a = getnum(f, MAXALIGN);
      if (a === 0 || (a & (a - 1)) !== 0) rtError(`alignment ${a} is not a power of 2`);
      f.align = a;
      return;
    }
    default:
      argError(1, "pack", `invalid format option '${opt}'`);
  }
}

function putInt(n: number, size: number, little: boolean): string {
  let v = n < 0
    ? BigInt.asUintN(64, BigInt(Math.max(Math.trunc(n), -9223372036854775808)))
    : BigInt.asUintN(64, BigInt(Math.min(Math.trunc(n), 18446744073709551615)));
  const bytes: number[] = new Array(size);
  for (let i = 0; i < size; i++) {
    bytes[little ? i : size - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return String.fromCharCode(...bytes);
}

function getInt(s: string, pos: number, size: number, little: boolean, signed: boolean): number {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const b = s.charCodeAt(little ? pos + size - 1 - i : pos + i);
    v = ((v << 8n) | BigInt(b)) & 0xffffffffffffffffn;
  }
  if (!signed) return Number(v);
  if (size >= 8) return Number(BigInt.asIntN(64, v));
  return Number(BigInt.asIntN(size * 8, v));
}

function floatBytes(x: number, size: 4 | 8, little: boolean): string {
  if (size === 4) buf.setFloat32(0, x, little);
  else buf.setFloat64(0, x, little);
  let out = "";
  for (let i = 0; i < size; i++) out += String.fromCharCode(buf.getUint8(i));
  return out;
}

function readFloat(s: string, pos: number, size: 4 | 8, little: boolean): number {
  for (let i = 0; i < size; i++) buf.setUint8(i, s.charCodeAt(pos + i));
  return size === 4 ? buf.getFloat32(0, little) : buf.getFloat64(0, little);
}

function pack(a: LuaValue[]): string {
  const f: Fmt = { s: checkStr(a, 0, "pack"), i: 0, little: true, align: 1 };
  let arg = 1;
  let total = 0;
  let out = "";
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(opt, f);
    const pad = toAlign(total, f, opt, size);
    total += pad;
    out += "\0".repeat(pad);
    switch (opt) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        out += putInt(checkNum(a, arg++, "pack"), size, f.little);
        break;
      case "x":
        out += "\0";
        break;
      case "f":
      case "d":
        out += floatBytes(checkNum(a, arg++, "pack"), size as 4 | 8, f.little);
        break;
      case "c":
      case "s": {
        const s = checkStr(a, arg++, "pack");
        if (size === 0) size = s.length;
        if (s.length < size) argError(arg + 1, "pack", "string too short");
        out += s.slice(0, size);
        if (opt === "s") {
          out += "\0";
          size++;
        }
        break;
      }
      default:
        control(opt, f);
    }
    total += size;
  }
  return out;
}

function unpack(a: LuaValue[]): LuaValue[] {
  const f: Fmt = { s: checkStr(a, 0, "unpack"), i: 0, little: true, align: 1 };
  const data = checkStr(a, 1, "unpack");
  let pos = optInteger(a, 2, "unpack", 1);
  if (pos <= 0) argError(3, "unpack", "offset must be 1 or greater");
  pos--;
  const out: LuaValue[] = [];
  const ld = data.length;
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(opt, f);
    pos += toAlign(pos, f, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(2, "unpack", "data string too short");
    switch (opt) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        out.push(getInt(data, pos, size, f.little, opt === opt.toLowerCase()));
        break;
      case "x":
        break;
      case "f":
      case "d":
        out.push(readFloat(data, pos, size as 4 | 8, f.little));
        break;
      case "c": {
        if (size === 0) {
          const prev = out[out.length - 1];
          if (out.length === 0 || typeof prev !== "number") {
            rtError("format 'c0' needs a previous size");
          }
          size = prev;
          out.pop();
          if (!(size <= ld && pos <= ld - size)) argError(2, "unpack", "data string too short");
        }
        out.push(data.slice(pos, pos + size));
        break;
      }
      case "s": {
        const e = data.indexOf("\0", pos);
        if (e < 0) rtError("unfinished string in data");
        size = e - pos + 1;
        out.push(data.slice(pos, e));
        break;
      }
      default:
        control(opt, f);
    }
    pos += size;
  }
  out.push(pos + 1);
  return out;
}

function size(a: LuaValue[]): number {
  const f: Fmt = { s: checkStr(a, 0, "size"), i: 0, little: true, align: 1 };
  let pos = 0;
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    const sz = optsize(opt, f);
    pos += toAlign(pos, f, opt, sz);
    if (opt === "s") argError(1, "size", "option 's' has no fixed size");
    if (opt === "c" && sz === 0) argError(1, "size", "option 'c0' has no fixed size");
    if (!/[A-Za-z0-9]/.test(opt)) control(opt, f);
    pos += sz;
  }
  return pos;
}

/**
 * Open the struct library.
 *
 * @example
 * ```ts
 * // openStruct(L.rt);
 * ```
 */
export function openStruct(rt: Runtime): void {
  const lib = makeLib({
    pack: direct("pack", (...a: LuaValue[]) => {
      return pack(a);
    }),
    unpack: direct("unpack", (...a: LuaValue[]) => {
      return unpack(a);
    }),
    size: direct("size", (...a: LuaValue[]) => {
      return size(a);
    }),
  });
  rt.G.set("struct", lib);
}

/*
 * string.format, following Lua 5.1's str_format on glibc: each directive is
 * %[flags][width][.precision]conv with flags from "-+ #0" (at most 5), width and precision
 * of at most two digits, and conversions d i u c x X o e E f g G q s %. Integers go
 * through C's (long) / (unsigned long) casts, which BigInt reproduces for values beyond
 * 2^53 (an out-of-range double becomes LONG_MIN, as cvttsd2si does on x86-64); floats use
 * the C formatting helpers of value.ts. %s of a string of 100+ bytes without precision is
 * copied whole, as Lua does.
 */

import { argError, rtError } from "../runtime.ts";
import { type LuaValue } from "../value.ts";
import { formatE, formatFixed, formatG, isNegativeNaN } from "../number.ts";
import { checkNum, checkStr } from "./args.ts";

const FLAGS = "-+ #0";
const TWO64 = 1n << 64n;
const LONG_MIN = -(1n << 63n);

interface Spec {
  flags: string;
  width: number;
  prec: number; // -1 when absent
}

function pad(sign: string, prefix: string, body: string, spec: Spec, zeroOk: boolean): string {
  const len = sign.length + prefix.length + body.length;
  if (len >= spec.width) return sign + prefix + body;
  const fill = spec.width - len;
  if (spec.flags.includes("-")) return sign + prefix + body + " ".repeat(fill);
  if (zeroOk && spec.flags.includes("0")) return sign + prefix + "0".repeat(fill) + body;
  return " ".repeat(fill) + sign + prefix + body;
}

function toLong(n: number): bigint {
  if (n !== n || n >= 9223372036854775808 || n < -9223372036854775808) return LONG_MIN;
  return BigInt(Math.trunc(n));
}

function signOf(neg: boolean, spec: Spec): string {
  if (neg) return "-";
  if (spec.flags.includes("+")) return "+";
  if (spec.flags.includes(" ")) return " ";
  return "";
}

function formatInt(n: number, conv: string, spec: Spec): string {
  let v = toLong(n);
  let sign = "";
  if (conv === "d" || conv === "i") {
    sign = signOf(v < 0n, spec);
    if (v < 0n) v = -v;
  } else if (v < 0n) v += TWO64;
  let digits = conv === "x" || conv === "X"
    ? v.toString(16)
    : conv === "o"
    ? v.toString(8)
    : v.toString();
  if (conv === "X") digits = digits.toUpperCase();
  if (spec.prec >= 0) {
    if (spec.prec === 0 && v === 0n) digits = "";
    else if (digits.length < spec.prec) digits = "0".repeat(spec.prec - digits.length) + digits;
  }
  let prefix = "";
  if (spec.flags.includes("#")) {
    if (conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
    if ((conv === "x" || conv === "X") && v !== 0n) prefix = conv === "x" ? "0x" : "0X";
  }
  return pad(sign, prefix, digits, spec, spec.prec < 0);
}

function formatFloat(x: number, conv: string, spec: Spec): string {
  const prec = spec.prec < 0 ? 6 : spec.prec;
  const upper = conv === "E" || conv === "G";
  const alt = spec.flags.includes("#");
  let body: string;
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  if (conv === "f") body = formatFixed(ax, prec);
  else if (conv === "e" || conv === "E") body = formatE(ax, prec, upper, alt);
  else body = formatG(ax, prec, alt, upper);
  if (alt && conv === "f" && prec === 0) body += ".";
  if (x !== x) {
    body = upper ? "NAN" : "nan";
    return pad(signOf(isNegativeNaN(x), spec), "", body, spec, false);
  }
  return pad(signOf(neg, spec), "", body, spec, isFinite(x));
}

function quoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "\\" || c === "\n") out += "\\" + c;
    else if (c === "\r") out += "\\r";
    else if (c === "\0") out += "\\000";
    else out += c;
  }
  return out + '"';
}

/**
 * Lua 5.1's string.format over already-evaluated arguments (`a[0]` is the format).
 *
 * @example
 * ```ts
 * luaFormat(["%5.2f|%-3d|%x", 3.14159, 7, 255]); // " 3.14|7  |ff"
 * ```
 */
export function luaFormat(a: LuaValue[]): string {
  const fmt = checkStr(a, 0, "format");
  let out = "";
  let arg = 0;
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i++];
    if (c !== "%") {
      out += c;
      continue;
    }
    if (fmt[i] === "%") {
      out += "%";
      i++;
      continue;
    }
    if (++arg >= a.length) argError(arg + 1, "format", "no value");
    // Parse the directive.
    const start = i;
    while (i < fmt.length && FLAGS.includes(fmt[i])) i++;
    if (i - start > 5) rtError("invalid format (repeated flags)");
    const flags = fmt.slice(start, i);
    let width = 0;
    let digits = 0;
    while (i < fmt.length && fmt[i] >= "0" && fmt[i] <= "9") {
      width = width * 10 + fmt.charCodeAt(i++) - 48;
      if (++digits > 2) rtError("invalid format (width or precision too long)");
    }
    let prec = -1;
    if (fmt[i] === ".") {
      i++;
      prec = 0;
      digits = 0;
      while (i < fmt.length && fmt[i] >= "0" && fmt[i] <= "9") {
        prec = prec * 10 + fmt.charCodeAt(i++) - 48;
        if (++digits > 2) rtError("invalid format (width or precision too long)");
      }
    }
    const spec: Spec = { flags, width, prec };
    const conv = fmt[i++];
    switch (conv) {
      case "c": {
        const ch = String.fromCharCode(Number(toLong(checkNum(a, arg, "format")) & 255n));
        out += pad("", "", ch, spec, false);
        break;
      }
      case "d":
      case "i":
      case "o":
      case "u":
      case "x":
      case "X":
        out += formatInt(checkNum(a, arg, "format"), conv, spec);
        break;
      case "e":
      case "E":
      case "f":
      case "g":
      case "G":
        out += formatFloat(checkNum(a, arg, "format"), conv, spec);
        break;
      case "q":
        out += quoted(checkStr(a, arg, "format"));
        break;
      case "s": {
        const s = checkStr(a, arg, "format");
        if (prec < 0 && s.length >= 100) out += s;
        else out += pad("", "", prec >= 0 ? s.slice(0, prec) : s, spec, false);
        break;
      }
      default:
        rtError(`invalid option '%${conv ?? ""}' to 'format'`);
    }
  }
  return out;
}

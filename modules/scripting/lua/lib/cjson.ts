/*
 * cjson as embedded in Redis (lua-cjson 2.1 with Redis's patches), reimplemented.
 *
 * Encoding: a table whose keys are all positive integers is an array (holes become null)
 * unless it is "excessively sparse" (max key > 2 * count and > 10: an error, Redis does
 * not convert); any other table is an object with string or number keys; an empty table
 * is "{}". Numbers use %.14g, NaN/Inf are refused, "/" is escaped as "\/" and control
 * bytes as \uXXXX. Strings are bytes, passed through untouched otherwise.
 *
 * Decoding: the JSON grammar plus what Redis's build also accepts (hex, inf and nan
 * numbers); \u escapes (with surrogate pairs) become UTF-8; null is the cjson.null
 * light userdata. Error texts, including the token names ("found T_END at character 5"),
 * are those Redis prints. Depth limits are 1000 both ways.
 */

import { argError, direct, rtError, type Runtime } from "../runtime.ts";
import { LuaTable, LuaUserdata, type LuaValue, typeName } from "../value.ts";
import { numberToString, stringToNumber } from "../number.ts";
import { makeLib } from "./args.ts";

/**
 * The cjson.null sentinel (a light userdata, NULL in C).
 *
 * @example
 * ```ts
 * JSON_NULL instanceof LuaUserdata; // true
 * ```
 */
export const JSON_NULL = new LuaUserdata("cjson.null");

interface Config {
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeInvalidNumbers: boolean | "null";
  precision: number;
}

function encodeError(v: LuaValue, why: string): never {
  rtError(`Cannot serialise ${typeName(v)}: ${why}`);
}

function encodeNumber(n: number, cfg: Config): string {
  if (!isFinite(n)) {
    if (cfg.encodeInvalidNumbers === false) encodeError(n, "must not be NaN or Inf");
    if (cfg.encodeInvalidNumbers === "null") return "null";
    if (n !== n) return "nan";
  }
  return cfg.precision === 14 ? numberToString(n) : formatPrecision(n, cfg.precision);
}

function formatPrecision(n: number, p: number): string {
  const s = n.toPrecision(p);
  // Mimic %.<p>g: strip trailing zeros, normalise the exponent.
  if (s.includes("e")) {
    const [m, e] = s.split("e");
    const mm = m.includes(".") ? m.replace(/\.?0+$/, "") : m;
    const ev = Number(e);
    return `${mm}e${ev < 0 ? "-" : "+"}${String(Math.abs(ev)).padStart(2, "0")}`;
  }
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

const ESCAPES: string[] = [];
for (let i = 0; i < 256; i++) {
  if (i < 32) ESCAPES[i] = "\\u" + i.toString(16).padStart(4, "0");
}
ESCAPES[8] = "\\b";
ESCAPES[9] = "\\t";
ESCAPES[10] = "\\n";
ESCAPES[12] = "\\f";
ESCAPES[13] = "\\r";
ESCAPES[34] = '\\"';
ESCAPES[47] = "\\/";
ESCAPES[92] = "\\\\";
ESCAPES[127] = "\\u007f";

/** Characters encodeString escapes (ESCAPES' entries). */
// deno-lint-ignore no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\x00-\x1f"\\/\x7f]/;

function encodeString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const e = ESCAPES[s.charCodeAt(i)];
    if (e !== undefined) {
      out += s.slice(last, i) + e;
      last = i + 1;
    }
  }
  return out + s.slice(last) + '"';
}

/**
 * Array length per lua_array_length, -1 if the table is not an array. Walks the table's
 * parts directly: `next` would allocate an entry per key.
 */
function arrayLength(t: LuaTable, cfg: Config): number {
  const arr = t.arr;
  let max = arr.length;
  let items = 0;
  for (let i = 0; i < arr.length; i++) if (arr[i] !== undefined) items++;
  const notArray = t.someHash((k) => {
    if (typeof k !== "number" || !(k >= 1) || Math.floor(k) !== k) return true;
    if (k > max) max = k;
    items++;
  });
  if (notArray) return -1;
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeError(t, "excessively sparse array");
    return -1;
  }
  return max;
}

function encode(v: LuaValue, cfg: Config, depth: number): string {
  switch (typeof v) {
    case "string":
      return encodeString(v);
    case "number":
      return encodeNumber(v, cfg);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "null";
  }
  if (v === JSON_NULL) return "null";
  if (!(v instanceof LuaTable)) encodeError(v, "type not supported");
  depth++;
  if (depth > cfg.encodeMaxDepth) rtError(`Cannot serialise, excessive nesting (${depth})`);
  const len = arrayLength(v, cfg);
  if (len > 0) {
    let out = "[";
    for (let i = 1; i <= len; i++) {
      if (i > 1) out += ",";
      out += encode(v.get(i), cfg, depth);
    }
    return out + "]";
  }
  // Lua's traversal order (array part, then the hash part in insertion order).
  let out = "{";
  const arr = v.arr;
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] === undefined) continue;
    if (out.length > 1) out += ",";
    out += '"' + encodeNumber(i + 1, cfg) + '":' + encode(arr[i], cfg, depth);
  }
  v.someHash((k, value) => {
    if (out.length > 1) out += ",";
    if (typeof k === "number") out += '"' + encodeNumber(k, cfg) + '":';
    else if (typeof k === "string") out += encodeString(k) + ":";
    else encodeError(k, "table key must be a number or string");
    out += encode(value, cfg, depth);
  });
  return out + "}";
}

// --- decoding ---

type TokType =
  | "T_OBJ_BEGIN"
  | "T_OBJ_END"
  | "T_ARR_BEGIN"
  | "T_ARR_END"
  | "T_STRING"
  | "T_NUMBER"
  | "T_BOOLEAN"
  | "T_NULL"
  | "T_COLON"
  | "T_COMMA"
  | "T_END"
  | "T_ERROR";

interface Tok {
  type: TokType;
  index: number;
  value?: LuaValue;
  error?: string;
}

const SINGLE: Record<string, TokType> = {
  "{": "T_OBJ_BEGIN",
  "}": "T_OBJ_END",
  "[": "T_ARR_BEGIN",
  "]": "T_ARR_END",
  ":": "T_COLON",
  ",": "T_COMMA",
};
const NUMBER =
  /[+-]?(?:0[xX][0-9a-fA-F]+|inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/iy;

/** The keyword tokens. */
const LITERALS = [
  ["true", "T_BOOLEAN", true],
  ["false", "T_BOOLEAN", false],
  ["null", "T_NULL", JSON_NULL],
] as const;

/** Token types of the one-character tokens, by character code. */
const SINGLE_BY_CODE: (TokType | undefined)[] = [];
for (const [ch, type] of Object.entries(SINGLE)) SINGLE_BY_CODE[ch.charCodeAt(0)] = type;

class Decoder {
  pos = 0;
  depth = 0;
  /**
   * The current token, reused for every token (a decode reads one token at a time and
   * never holds one across `next`): an object per token was a fifth of decoding.
   */
  private readonly tok: Tok = { type: "T_END", index: 0, value: undefined };
  constructor(private readonly s: string, private readonly maxDepth: number) {}

  private token(type: TokType, index: number, value?: LuaValue): Tok {
    const t = this.tok;
    t.type = type;
    t.index = index;
    t.value = value;
    return t;
  }

  next(): Tok {
    const s = this.s;
    let c = s.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++this.pos);
    const index = this.pos;
    if (this.pos >= s.length || c === 0) return this.token("T_END", index);
    const single = SINGLE_BY_CODE[c];
    if (single !== undefined) {
      this.pos++;
      return this.token(single, index);
    }
    const ch = s[this.pos];
    if (ch === '"') return this.string();
    if (
      ch === "-" || ch === "+" || (c >= 48 && c <= 57) ||
      /^(inf|nan)/i.test(s.slice(index, index + 3))
    ) {
      NUMBER.lastIndex = index;
      const m = NUMBER.exec(s);
      if (m === null) return { type: "T_ERROR", index, error: "invalid number" };
      this.pos = index + m[0].length;
      return this.token("T_NUMBER", index, stringToNumber(m[0]));
    }
    for (const [word, type, value] of LITERALS) {
      if (s.startsWith(word, index)) {
        this.pos += word.length;
        return this.token(type, index, value);
      }
    }
    return { type: "T_ERROR", index, error: "invalid token" };
  }

  private string(): Tok {
    const s = this.s;
    const index = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (this.pos >= s.length || c === 0) return this.tokError("unexpected end of string");
      if (c === 34) break;
      if (c !== 92) {
        // A run of plain characters is taken in one slice.
        const from = this.pos;
        let to = from + 1;
        for (let d = s.charCodeAt(to); d !== 34 && d !== 92 && d !== 0 && to < s.length;) {
          d = s.charCodeAt(++to);
        }
        out += s.slice(from, to);
        this.pos = to;
        continue;
      }
      const e = s[this.pos + 1];
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "t":
          out += "\t";
          break;
        case "n":
          out += "\n";
          break;
        case "f":
          out += "\f";
          break;
        case "r":
          out += "\r";
          break;
        case "u": {
          const r = this.unicode();
          if (r === null) return this.tokError("invalid unicode escape code");
          out += r;
          continue;
        }
        default:
          return this.tokError("invalid escape code");
      }
      this.pos += 2;
    }
    this.pos++;
    return this.token("T_STRING", index, out);
  }

  private tokError(error: string): Tok {
    return { type: "T_ERROR", index: this.pos, error };
  }

  private hex4(at: number): number {
    const h = this.s.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
  }

  private unicode(): string | null {
    let cp = this.hex4(this.pos + 2);
    if (cp < 0) return null;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return null;
      if (this.s[this.pos + 6] !== "\\" || this.s[this.pos + 7] !== "u") return null;
      const lo = this.hex4(this.pos + 8);
      if (lo < 0 || (lo & 0xfc00) !== 0xdc00) return null;
      cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
      len = 12;
    }
    this.pos += len;
    return utf8(cp);
  }

  fail(expected: string, t: Tok): never {
    const found = t.type === "T_ERROR" ? t.error : t.type;
    rtError(`Expected ${expected} but found ${found} at character ${t.index + 1}`);
  }

  private descend(): void {
    if (++this.depth > this.maxDepth) {
      rtError(`Found too many nested data structures (${this.depth}) at character ${this.pos}`);
    }
  }

  value(t: Tok): LuaValue {
    switch (t.type) {
      case "T_STRING":
      case "T_NUMBER":
      case "T_BOOLEAN":
      case "T_NULL":
        return t.value;
      case "T_OBJ_BEGIN":
        return this.object();
      case "T_ARR_BEGIN":
        return this.array();
      default:
        this.fail("value", t);
    }
  }

  private object(): LuaTable {
    this.descend();
    const out = new LuaTable();
    let t = this.next();
    if (t.type === "T_OBJ_END") {
      this.depth--;
      return out;
    }
    for (;;) {
      if (t.type !== "T_STRING") this.fail("object key string", t);
      const key = t.value as string;
      t = this.next();
      if (t.type !== "T_COLON") this.fail("colon", t);
      out.set(key, this.value(this.next()));
      t = this.next();
      if (t.type === "T_OBJ_END") break;
      if (t.type !== "T_COMMA") this.fail("comma or object end", t);
      t = this.next();
    }
    this.depth--;
    return out;
  }

  private array(): LuaTable {
    this.descend();
    const items: LuaValue[] = [];
    let t = this.next();
    if (t.type !== "T_ARR_END") {
      for (;;) {
        items.push(this.value(t));
        t = this.next();
        if (t.type === "T_ARR_END") break;
        if (t.type !== "T_COMMA") this.fail("comma or array end", t);
        t = this.next();
      }
    }
    this.depth--;
    return LuaTable.fromArray(items);
  }
}

function utf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/**
 * Encode a Lua value as JSON with Redis's cjson rules (default configuration).
 *
 * @example
 * ```ts
 * jsonEncode(LuaTable.fromArray([1, "a"])); // '[1,"a"]'
 * ```
 */
export function jsonEncode(v: LuaValue, cfg: Config = defaultConfig()): string {
  return encode(v, cfg, 0);
}

/**
 * Decode JSON text into Lua values (null becomes JSON_NULL).
 *
 * @example
 * ```ts
 * (jsonDecode('{"a":[1,2]}') as LuaTable).get("a");
 * ```
 */
export function jsonDecode(s: string, maxDepth = 1000): LuaValue {
  const d = new Decoder(s, maxDepth);
  const v = d.value(d.next());
  const t = d.next();
  if (t.type !== "T_END") d.fail("the end", t);
  return v;
}

function defaultConfig(): Config {
  return {
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    sparseConvert: false,
    sparseRatio: 2,
    sparseSafe: 10,
    encodeInvalidNumbers: false,
    precision: 14,
  };
}

/**
 * Open the cjson library.
 *
 * @example
 * ```ts
 * // openCjson(L.rt);
 * ```
 */
export function openCjson(rt: Runtime): void {
  const cfg = defaultConfig();
  const intCfg = (
    name: string,
    key: "encodeMaxDepth" | "decodeMaxDepth" | "precision",
    min: number,
    max: number,
  ) =>
    direct(name, (...a: LuaValue[]) => {
      if (a[0] !== undefined) {
        const n = typeof a[0] === "number" ? a[0] : Number.NaN;
        if (!(n >= min && n <= max && Number.isInteger(n))) {
          argError(1, name, `expected integer between ${min} and ${max}`);
        }
        cfg[key] = n;
      }
      return cfg[key];
    });
  const lib = makeLib({
    encode: direct("encode", (...a: LuaValue[]) => {
      if (a.length !== 1) argError(1, "encode", "expected 1 argument");
      return jsonEncode(a[0], cfg);
    }),
    decode: direct("decode", (...a: LuaValue[]) => {
      if (a.length !== 1) argError(1, "decode", "expected 1 argument");
      const s = a[0];
      if (typeof s !== "string" && typeof s !== "number") {
        argError(1, "decode", `string expected, got ${typeName(s)}`);
      }
      return jsonDecode(typeof s === "number" ? numberToString(s) : s, cfg.decodeMaxDepth);
    }),
    encode_max_depth: intCfg("encode_max_depth", "encodeMaxDepth", 1, 2147483647),
    decode_max_depth: intCfg("decode_max_depth", "decodeMaxDepth", 1, 2147483647),
    encode_number_precision: intCfg("encode_number_precision", "precision", 1, 14),
    encode_sparse_array: direct("encode_sparse_array", (...a: LuaValue[]) => {
      if (a[0] !== undefined) cfg.sparseConvert = a[0] === true;
      if (typeof a[1] === "number") cfg.sparseRatio = a[1];
      if (typeof a[2] === "number") cfg.sparseSafe = a[2];
      return [cfg.sparseConvert, cfg.sparseRatio, cfg.sparseSafe];
    }),
    encode_invalid_numbers: direct("encode_invalid_numbers", (...a: LuaValue[]) => {
      if (a[0] !== undefined) {
        cfg.encodeInvalidNumbers = a[0] === "null" ? "null" : a[0] === true || a[0] === "on";
      }
      return cfg.encodeInvalidNumbers === "null" ? "null" : cfg.encodeInvalidNumbers;
    }),
    encode_keep_buffer: direct("encode_keep_buffer", (...a: LuaValue[]) => {
      return a[0] === undefined ? true : a[0];
    }),
    decode_invalid_numbers: direct("decode_invalid_numbers", () => {
      return true;
    }),
  });
  lib.set("null", JSON_NULL);
  lib.set("_NAME", "cjson");
  lib.set("_VERSION", "2.1.0");
  rt.G.set("cjson", lib);
}

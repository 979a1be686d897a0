/*
 * Lua 5.1 lexer.
 *
 * Works on binary strings (char codes 0..255) and follows llex.c's observable behaviour:
 * numerals are read greedily (digits, dots, an exponent sign, then any alphanumerics) and
 * then converted as a whole, so "3x" is a "malformed number near '3x'"; escapes are the 5.1
 * set (\a \b \f \n \r \t \v \\ \" \' \<newline> and \ddd decimal), an unknown escape keeps
 * the character; long brackets of any level ([==[ ... ]==]) skip a first newline.
 *
 * Errors are LuaSyntaxError with Lua's exact text ("<chunk>:<line>: <msg> near '<tok>'"),
 * which EVAL wraps as "Error compiling script".
 */

import { stringToNumber } from "./number.ts";

/** Token kinds: reserved words and symbols are their own text. */
export type TokenType =
  | "<name>"
  | "<string>"
  | "<number>"
  | "<eof>"
  | string;

/**
 * One token. `raw` is the source text used in "near '...'" messages.
 *
 * @example
 * ```ts
 * const t: Token = { type: "<name>", value: "x", line: 1, raw: "x" };
 * ```
 */
export interface Token {
  type: TokenType;
  value: string | number | undefined;
  line: number;
  raw: string;
}

/**
 * A compile error with Lua's message text.
 *
 * @example
 * ```ts
 * new LuaSyntaxError("user_script:1: unexpected symbol near '@'");
 * ```
 */
export class LuaSyntaxError extends Error {}

const RESERVED = new Set([
  "and",
  "break",
  "do",
  "else",
  "elseif",
  "end",
  "false",
  "for",
  "function",
  "if",
  "in",
  "local",
  "nil",
  "not",
  "or",
  "repeat",
  "return",
  "then",
  "true",
  "until",
  "while",
]);

const SINGLE = "+-*/%^#(){}];:,";

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

/**
 * Lua's luaO_chunkid: how a chunk name appears in messages ("@f" -> "f", "=f" -> "f",
 * source text -> [string "first line..."]), within `size` bytes: 60 (LUA_IDSIZE) for
 * run-time errors, 80 for syntax errors (the lexer's own limit).
 *
 * @example
 * ```ts
 * chunkId("@user_script"); // "user_script"
 * ```
 */
export function chunkId(name: string, size = 60): string {
  if (name.startsWith("=")) return name.slice(1, size);
  if (name.startsWith("@")) {
    const max = size - 9; // room for " '...' " and the terminator
    const file = name.slice(1);
    return file.length > max ? "..." + file.slice(file.length - max) : file;
  }
  const nl = name.search(/[\r\n]/);
  const line = nl < 0 ? name : name.slice(0, nl);
  const max = size - 17; // room for ' [string "..."] ' and the terminator
  const cut = Math.min(line.length, max);
  return cut < name.length ? `[string "${name.slice(0, cut)}..."]` : `[string "${name}"]`;
}

/**
 * Tokenizer over one chunk; `next()` advances, `peek()` looks one token ahead.
 *
 * @example
 * ```ts
 * const lx = new Lexer("local x = 1", "@t");
 * lx.next().type; // "local"
 * ```
 */
export class Lexer {
  private pos = 0;
  private line = 1;
  private ahead: Token | null = null;
  /** The name used in error messages. */
  readonly chunk: string;

  /** Lex `src` (a binary string) named `chunkname` (Lua conventions: "@name", "=name"). */
  constructor(private readonly src: string, chunkname: string) {
    this.chunk = chunkId(chunkname, 80);
  }

  /** Raise a syntax error at the current line mentioning `near`. */
  error(msg: string, near?: string, line = this.line): never {
    const where = near === undefined ? "" : ` near '${near}'`;
    throw new LuaSyntaxError(`${this.chunk}:${line}: ${msg}${where}`);
  }

  /** Next token, consuming it. */
  next(): Token {
    if (this.ahead !== null) {
      const t = this.ahead;
      this.ahead = null;
      return t;
    }
    return this.scan();
  }

  /** Next token without consuming it. */
  peek(): Token {
    if (this.ahead === null) this.ahead = this.scan();
    return this.ahead;
  }

  private tok(type: TokenType, raw: string, value?: string | number): Token {
    return { type, value, line: this.line, raw };
  }

  private scan(): Token {
    const s = this.src;
    for (;;) {
      const start = this.pos;
      if (start >= s.length) return this.tok("<eof>", "<eof>");
      const c = s.charCodeAt(start);
      if (c === 10 || c === 13) {
        this.newline();
        continue;
      }
      if (c === 32 || c === 9 || c === 11 || c === 12) {
        this.pos++;
        continue;
      }
      if (c === 45 && s.charCodeAt(start + 1) === 45) { // --
        this.pos += 2;
        if (s.charCodeAt(this.pos) === 91) { // [
          const level = this.longLevel();
          if (level >= 0) {
            this.longString(level, true);
            continue;
          }
        }
        while (
          this.pos < s.length && s.charCodeAt(this.pos) !== 10 && s.charCodeAt(this.pos) !== 13
        ) {
          this.pos++;
        }
        continue;
      }
      if (isAlpha(c)) {
        let i = start + 1;
        while (i < s.length && isAlnum(s.charCodeAt(i))) i++;
        this.pos = i;
        const word = s.slice(start, i);
        return RESERVED.has(word) ? this.tok(word, word) : this.tok("<name>", word, word);
      }
      if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(start + 1)))) return this.number();
      if (c === 34 || c === 39) return this.shortString(c);
      if (c === 91) { // [
        const level = this.longLevel();
        if (level >= 0) {
          const line = this.line;
          const v = this.longString(level, false);
          return { type: "<string>", value: v, line, raw: v };
        }
        if (level === -1) {
          this.pos = start + 1;
          return this.tok("[", "[");
        }
        this.error("invalid long string delimiter", "[=");
      }
      this.pos = start + 1;
      const n = s.charCodeAt(start + 1);
      switch (c) {
        case 61: // =
          if (n === 61) return this.two("==");
          return this.tok("=", "=");
        case 60: // <
          if (n === 61) return this.two("<=");
          return this.tok("<", "<");
        case 62: // >
          if (n === 61) return this.two(">=");
          return this.tok(">", ">");
        case 126: // ~
          if (n === 61) return this.two("~=");
          return this.tok("~", "~");
        case 46: // .
          if (n === 46) {
            if (s.charCodeAt(start + 2) === 46) {
              this.pos = start + 3;
              return this.tok("...", "...");
            }
            return this.two("..");
          }
          return this.tok(".", ".");
      }
      const ch = s[start];
      if (SINGLE.includes(ch)) return this.tok(ch, ch);
      return this.tok(ch, ch); // single-char token; the parser reports "unexpected symbol"
    }
  }

  private two(t: string): Token {
    this.pos++;
    return this.tok(t, t);
  }

  private newline(): void {
    const s = this.src;
    const c = s.charCodeAt(this.pos);
    this.pos++;
    const d = s.charCodeAt(this.pos);
    if ((d === 10 || d === 13) && d !== c) this.pos++;
    this.line++;
  }

  private number(): Token {
    const s = this.src;
    const start = this.pos;
    let i = start;
    while (i < s.length && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 46)) i++;
    if (i < s.length && (s[i] === "e" || s[i] === "E")) {
      i++;
      if (s[i] === "+" || s[i] === "-") i++;
    }
    while (i < s.length && isAlnum(s.charCodeAt(i))) i++;
    this.pos = i;
    const raw = s.slice(start, i);
    const v = stringToNumber(raw);
    if (v === undefined || /^[^0-9.]|inf|nan/i.test(raw)) this.error("malformed number", raw);
    return this.tok("<number>", raw, v);
  }

  /** At '[': returns the level of "[==[" (>= 0), -1 for a lone '[', -2 for "[=" without '['. */
  private longLevel(): number {
    const s = this.src;
    let i = this.pos + 1;
    let level = 0;
    while (s.charCodeAt(i) === 61) {
      level++;
      i++;
    }
    if (s.charCodeAt(i) === 91) {
      this.pos = i + 1;
      return level;
    }
    return level === 0 ? -1 : -2;
  }

  private longString(level: number, comment: boolean): string {
    const s = this.src;
    if (s.charCodeAt(this.pos) === 13 || s.charCodeAt(this.pos) === 10) this.newline();
    let out = "";
    let from = this.pos;
    for (;;) {
      if (this.pos >= s.length) {
        this.error(comment ? "unfinished long comment" : "unfinished long string", "<eof>");
      }
      const c = s.charCodeAt(this.pos);
      if (c === 93) { // ]
        let i = this.pos + 1;
        let l = 0;
        while (s.charCodeAt(i) === 61) {
          l++;
          i++;
        }
        if (l === level && s.charCodeAt(i) === 93) {
          out += s.slice(from, this.pos);
          this.pos = i + 1;
          return out;
        }
        this.pos++;
      } else if (c === 10 || c === 13) {
        out += s.slice(from, this.pos) + "\n";
        this.newline();
        from = this.pos;
      } else {
        this.pos++;
      }
    }
  }

  private shortString(quote: number): Token {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= s.length) this.error("unfinished string", "<eof>");
      const c = s.charCodeAt(this.pos);
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c === 10 || c === 13) this.error("unfinished string", s[start] + out);
      if (c !== 92) {
        out += s[this.pos++];
        continue;
      }
      this.pos++;
      const e = s.charCodeAt(this.pos);
      switch (e) {
        case 97:
          out += "\x07";
          this.pos++;
          break;
        case 98:
          out += "\b";
          this.pos++;
          break;
        case 102:
          out += "\f";
          this.pos++;
          break;
        case 110:
          out += "\n";
          this.pos++;
          break;
        case 114:
          out += "\r";
          this.pos++;
          break;
        case 116:
          out += "\t";
          this.pos++;
          break;
        case 118:
          out += "\v";
          this.pos++;
          break;
        case 10:
        case 13:
          out += "\n";
          this.newline();
          break;
        default: {
          if (this.pos >= s.length) continue; // reported as unfinished string
          if (!isDigit(e)) {
            out += s[this.pos++];
            break;
          }
          let v = 0;
          let k = 0;
          while (k < 3 && isDigit(s.charCodeAt(this.pos))) {
            v = v * 10 + s.charCodeAt(this.pos) - 48;
            this.pos++;
            k++;
          }
          if (v > 255) this.error("escape sequence too large", s[start] + out);
          out += String.fromCharCode(v);
        }
      }
    }
    return this.tok("<string>", s.slice(start, this.pos), out);
  }
}

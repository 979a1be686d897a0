/*
 * Lua 5.1 recursive-descent parser producing the tree in ast.ts.
 *
 * The grammar and the error texts follow lparser.c's behaviour (what a script author sees):
 * "'=' expected near 'x'", "unexpected symbol near 'x'", "'end' expected (to close
 * 'function' at line 3) near '<eof>'", "ambiguous syntax (function call x new statement)",
 * "no loop to break", "cannot use '...' outside a vararg function". Binary operators use
 * Lua 5.1's priority table, with `..` and `^` right associative and unary operators binding
 * tighter than everything but `^`.
 */

import type { Expr, FuncBody, Stat, TableItem } from "./ast.ts";
import { Lexer, type Token } from "./lexer.ts";

// [left, right] priorities from Lua 5.1.
const BINARY: Record<string, [number, number]> = {
  "+": [6, 6],
  "-": [6, 6],
  "*": [7, 7],
  "/": [7, 7],
  "%": [7, 7],
  "^": [10, 9],
  "..": [5, 4],
  "==": [3, 3],
  "~=": [3, 3],
  "<": [3, 3],
  "<=": [3, 3],
  ">": [3, 3],
  ">=": [3, 3],
  "and": [2, 2],
  "or": [1, 1],
};
const UNARY_PRIORITY = 8;

interface FuncState {
  vararg: boolean;
  loops: number;
}

/**
 * Parse a chunk into its main function body (a vararg function, like Lua's main chunk).
 *
 * @example
 * ```ts
 * const main = parse("return 1 + 2", "@user_script");
 * main.body[0].k; // "return"
 * ```
 */
export function parse(src: string, chunkname: string): FuncBody {
  return new Parser(new Lexer(src, chunkname)).chunk();
}

class Parser {
  private t: Token;
  private fs: FuncState = { vararg: true, loops: 0 };
  private lastLine = 1; // line of the last consumed token (for the ambiguity check)
  private depth = 0; // syntactic nesting (statements and expressions)

  constructor(private readonly lx: Lexer) {
    this.t = lx.next();
  }

  chunk(): FuncBody {
    const body = this.block();
    this.check("<eof>");
    return { params: [], vararg: true, body, line: 0, endLine: this.t.line, name: "main" };
  }

  // --- token helpers ---

  private advance(): Token {
    const t = this.t;
    this.lastLine = t.line;
    this.t = this.lx.next();
    return t;
  }

  private errorNear(msg: string, tok: Token = this.t): never {
    this.lx.error(msg, tok.raw, tok.line);
  }

  private check(type: string): void {
    if (this.t.type !== type) this.errorNear(`'${type}' expected`);
  }

  private checkNext(type: string): void {
    this.check(type);
    this.advance();
  }

  private testNext(type: string): boolean {
    if (this.t.type === type) {
      this.advance();
      return true;
    }
    return false;
  }

  private checkMatch(what: string, who: string, line: number): void {
    if (this.t.type === what) {
      this.advance();
      return;
    }
    if (line === this.t.line) this.errorNear(`'${what}' expected`);
    this.errorNear(`'${what}' expected (to close '${who}' at line ${line})`);
  }

  private name(): string {
    if (this.t.type !== "<name>") this.errorNear("'<name>' expected");
    return this.advance().value as string;
  }

  private blockFollow(): boolean {
    const t = this.t.type;
    return t === "else" || t === "elseif" || t === "end" || t === "until" || t === "<eof>";
  }

  // --- statements ---

  private block(): Stat[] {
    this.enter(); // blocks and expressions count as syntax levels, as in lparser.c
    const out: Stat[] = [];
    while (!this.blockFollow()) {
      const t = this.t.type;
      if (t === "return" || t === "break") {
        out.push(t === "return" ? this.retstat() : this.breakstat());
        this.testNext(";");
        break;
      }
      out.push(this.statement());
      this.testNext(";");
    }
    this.depth--;
    return out;
  }

  private retstat(): Stat {
    const line = this.advance().line;
    let exprs: Expr[] = [];
    if (!this.blockFollow() && this.t.type !== ";") exprs = this.exprList();
    return { k: "return", exprs, line };
  }

  private breakstat(): Stat {
    const line = this.advance().line;
    if (this.fs.loops === 0) this.errorNear("no loop to break");
    return { k: "break", line };
  }

  private loopBody(): Stat[] {
    this.fs.loops++;
    const b = this.block();
    this.fs.loops--;
    return b;
  }

  private statement(): Stat {
    const line = this.t.line;
    switch (this.t.type) {
      case "if":
        return this.ifstat(line);
      case "while": {
        this.advance();
        const cond = this.expr();
        this.checkNext("do");
        const body = this.loopBody();
        this.checkMatch("end", "while", line);
        return { k: "while", cond, body, line };
      }
      case "do": {
        this.advance();
        const body = this.block();
        this.checkMatch("end", "do", line);
        return { k: "do", body, line };
      }
      case "for":
        return this.forstat(line);
      case "repeat": {
        this.advance();
        const body = this.loopBody();
        this.checkMatch("until", "repeat", line);
        const cond = this.expr();
        return { k: "repeat", body, cond, line };
      }
      case "function":
        return this.funcstat(line);
      case "local":
        this.advance();
        if (this.testNext("function")) {
          const name = this.name();
          return { k: "localfunc", name, f: this.body(false, line, name), line };
        }
        return this.localstat(line);
      default:
        return this.exprstat(line);
    }
  }

  private ifstat(line: number): Stat {
    const conds: Expr[] = [];
    const blocks: Stat[][] = [];
    let orelse: Stat[] | null = null;
    do {
      this.advance(); // if / elseif
      conds.push(this.expr());
      this.checkNext("then");
      blocks.push(this.block());
    } while (this.t.type === "elseif");
    if (this.testNext("else")) orelse = this.block();
    this.checkMatch("end", "if", line);
    return { k: "if", conds, blocks, orelse, line };
  }

  private forstat(line: number): Stat {
    this.advance();
    const n1 = this.name();
    if (this.t.type === "=") {
      this.advance();
      const start = this.expr();
      this.checkNext(",");
      const limit = this.expr();
      const step = this.testNext(",") ? this.expr() : null;
      this.checkNext("do");
      const body = this.loopBody();
      this.checkMatch("end", "for", line);
      return { k: "numfor", name: n1, start, limit, step, body, line };
    }
    if (this.t.type === "," || this.t.type === "in") {
      const names = [n1];
      while (this.testNext(",")) names.push(this.name());
      this.checkNext("in");
      const exprs = this.exprList();
      this.checkNext("do");
      const body = this.loopBody();
      this.checkMatch("end", "for", line);
      return { k: "genfor", names, exprs, body, line };
    }
    this.errorNear("'=' or 'in' expected");
  }

  private funcstat(line: number): Stat {
    this.advance();
    const n = this.t;
    let target: Expr = { k: "name", name: this.name(), line: n.line };
    let fullName = n.value as string;
    let method = false;
    while (this.t.type === ".") {
      this.advance();
      const key = this.name();
      fullName += "." + key;
      target = { k: "index", obj: target, key: { k: "str", v: key }, line: this.t.line };
    }
    if (this.t.type === ":") {
      this.advance();
      const key = this.name();
      fullName += ":" + key;
      target = { k: "index", obj: target, key: { k: "str", v: key }, line: this.t.line };
      method = true;
    }
    const f = this.body(method, line, fullName);
    return { k: "assign", targets: [target], exprs: [{ k: "func", f }], line };
  }

  private localstat(line: number): Stat {
    const names = [this.name()];
    while (this.testNext(",")) names.push(this.name());
    const exprs = this.testNext("=") ? this.exprList() : [];
    return { k: "local", names, exprs, line };
  }

  private exprstat(line: number): Stat {
    const e = this.primaryExpr();
    if (e.k === "call" || e.k === "method") {
      if (this.t.type !== "=" && this.t.type !== ",") return { k: "callstat", call: e, line };
    }
    const targets = [e];
    while (this.testNext(",")) targets.push(this.primaryExpr());
    for (const t of targets) {
      if (t.k !== "name" && t.k !== "index") this.errorNear("syntax error");
    }
    this.checkNext("=");
    const exprs = this.exprList();
    return { k: "assign", targets, exprs, line };
  }

  // --- functions ---

  private body(method: boolean, line: number, name?: string): FuncBody {
    const params: string[] = method ? ["self"] : [];
    let vararg = false;
    this.checkNext("(");
    if (this.t.type !== ")") {
      do {
        if (this.t.type === "<name>") params.push(this.name());
        else if (this.t.type === "...") {
          this.advance();
          vararg = true;
        } else this.errorNear("<name> or '...' expected");
      } while (!vararg && this.testNext(","));
    }
    this.checkNext(")");
    const saved = this.fs;
    this.fs = { vararg, loops: 0 };
    const body = this.block();
    const endLine = this.t.line;
    this.checkMatch("end", "function", line);
    this.fs = saved;
    return { params, vararg, body, line, endLine, name, method };
  }

  // --- expressions ---

  private exprList(): Expr[] {
    const list = [this.expr()];
    while (this.testNext(",")) list.push(this.expr());
    return list;
  }

  private expr(limit = 0): Expr {
    this.enter();
    const e = this.subexpr(limit);
    this.depth--;
    return e;
  }

  // Lua 5.1 caps nesting at LUAI_MAXCCALLS (200, counting its own C frames: 197 nested
  // parentheses pass under loadstring, 198 fail, as here); the cap also keeps the compiler's and the
  // JS parser's recursion shallow whatever the input.
  private enter(): void {
    if (++this.depth > 199) this.lx.error("chunk has too many syntax levels");
  }

  private subexpr(limit: number): Expr {
    let left: Expr;
    const op = this.t.type;
    if (op === "not" || op === "-" || op === "#") {
      const line = this.advance().line;
      const e = this.expr(UNARY_PRIORITY);
      if (op === "-" && e.k === "num") left = { k: "num", v: -e.v };
      else left = { k: "un", op, e, line };
    } else {
      left = this.simpleExpr();
    }
    for (;;) {
      const bop = this.t.type;
      const pr = BINARY[bop];
      if (pr === undefined || pr[0] <= limit) break;
      const line = this.advance().line;
      const right = this.expr(pr[1]);
      left = { k: "bin", op: bop, l: left, r: right, line };
    }
    return left;
  }

  private simpleExpr(): Expr {
    const t = this.t;
    switch (t.type) {
      case "<number>":
        this.advance();
        return { k: "num", v: t.value as number };
      case "<string>":
        this.advance();
        return { k: "str", v: t.value as string };
      case "nil":
        this.advance();
        return { k: "nil" };
      case "true":
        this.advance();
        return { k: "true" };
      case "false":
        this.advance();
        return { k: "false" };
      case "...":
        if (!this.fs.vararg) this.errorNear("cannot use '...' outside a vararg function");
        this.advance();
        return { k: "vararg" };
      case "{":
        return this.table();
      case "function": {
        const line = this.advance().line;
        return { k: "func", f: this.body(false, line) };
      }
      default:
        return this.primaryExpr();
    }
  }

  private prefixExpr(): Expr {
    const t = this.t;
    if (t.type === "<name>") {
      this.advance();
      return { k: "name", name: t.value as string, line: t.line };
    }
    if (t.type === "(") {
      const line = this.advance().line;
      const e = this.expr();
      this.checkMatch(")", "(", line);
      return { k: "paren", e };
    }
    this.errorNear("unexpected symbol");
  }

  private primaryExpr(): Expr {
    let e = this.prefixExpr();
    for (;;) {
      const t = this.t;
      switch (t.type) {
        case ".": {
          this.advance();
          const key = this.name();
          e = { k: "index", obj: e, key: { k: "str", v: key }, line: t.line };
          break;
        }
        case "[": {
          this.advance();
          const key = this.expr();
          this.checkNext("]");
          e = { k: "index", obj: e, key, line: t.line };
          break;
        }
        case ":": {
          this.advance();
          const name = this.name();
          const args = this.callArgs();
          e = { k: "method", obj: e, name, args, line: t.line };
          break;
        }
        case "(":
        case "<string>":
        case "{":
          e = { k: "call", fn: e, args: this.callArgs(), line: t.line };
          break;
        default:
          return e;
      }
    }
  }

  private callArgs(): Expr[] {
    const t = this.t;
    if (t.type === "<string>") {
      this.advance();
      return [{ k: "str", v: t.value as string }];
    }
    if (t.type === "{") return [this.table()];
    if (t.type !== "(") this.errorNear("function arguments expected");
    if (t.line !== this.lastLine) {
      this.errorNear("ambiguous syntax (function call x new statement)");
    }
    this.advance();
    const args = this.t.type === ")" ? [] : this.exprList();
    this.checkMatch(")", "(", t.line);
    return args;
  }

  private table(): Expr {
    const line = this.t.line;
    this.checkNext("{");
    const items: TableItem[] = [];
    while (this.t.type !== "}") {
      if (this.t.type === "<name>" && this.lx.peek().type === "=") {
        const key = this.name();
        this.advance();
        items.push({ key: { k: "str", v: key }, value: this.expr() });
      } else if (this.t.type === "[") {
        this.advance();
        const key = this.expr();
        this.checkNext("]");
        this.checkNext("=");
        items.push({ key, value: this.expr() });
      } else {
        items.push({ value: this.expr() });
      }
      if (!this.testNext(",") && !this.testNext(";")) break;
    }
    this.checkMatch("}", "{", line);
    return { k: "table", items, line };
  }
}

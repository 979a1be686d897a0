/*
 * Lua 5.1 syntax tree -> JavaScript source.
 *
 * Why JavaScript source: a tree-walking or bytecode interpreter written in JS runs Lua
 * 10-50x slower than PUC Lua; generated JS is optimised by the host JIT and lands near it.
 * Why generator functions: the host must be able to pause a running script (a budget of
 * "ticks", then -BUSY for other clients, then resume or SCRIPT KILL). Every Lua function
 * becomes a `function*`, every Lua call a `yield*`, so the whole Lua stack lives in JS
 * generator objects that can be suspended at any tick check and resumed later. A tick is
 * spent on every function entry and every loop iteration (`if (--B.n < 0) yield PAUSE`).
 *
 * Shape of a compiled Lua function:
 *
 *   function* (a$1, b$2, ...va) {
 *     if (--B.n < 0) yield PAUSE;
 *     let L = <line>, $r, $v, t0, t1;      // current line, scratch, per-statement temps
 *     try { ...body... } catch (e) { throw pos(e, "<chunk>", L); }
 *     return EMPTY;
 *   }
 *
 * - Locals are JS `let` variables with a unique suffix (Lua allows `local x = x` and
 *   shadowing); upvalues are plain JS closures; block-scoped `let` gives each loop
 *   iteration a fresh local, as Lua does.
 * - Results: a function returns one Lua value, or an array for zero/several values (arrays
 *   are never Lua values). `return f(x)` returns the TAIL marker after storing the callee
 *   and arguments in the runtime; every call site runs the trampoline, which makes tail
 *   calls proper (no JS stack growth) for Lua callees.
 * - Fast paths are inlined (number arithmetic, string concatenation, raw table get/set);
 *   everything else (metamethods, coercions, errors) goes to runtime.ts helpers, which are
 *   generators when they may call Lua.
 * - Error positions: `L` tracks the current line; the catch adds "chunk:line:" to errors
 *   whose level says this frame is the one to blame (see LuaError.level).
 * - Operand descriptions ("local 'x'", "global 'f'", "field 'k'", "upvalue 'u'",
 *   "method 'm'") are computed here, so run-time errors read exactly like Lua 5.1's.
 *
 * Temps (t0, t1, ...) are allocated monotonically within one statement and recycled at
 * the next statement; values that must live across statements (loop state) get their own
 * `let`. The scratch `$r`/`$v` are only used between an assignment and its immediate read.
 */

import type { Expr, FuncBody, Stat } from "./ast.ts";
import { MAX_STRING } from "./runtime.ts";

interface LocalVar {
  js: string;
  fn: FuncState;
}

interface FuncState {
  parent: FuncState | null;
  scopes: Map<string, LocalVar>[];
  temps: number;
  maxTemps: number;
  vararg: boolean;
  line: number;
}

const ARITH: Record<string, string> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
};
const COMPARE = new Set(["<", "<=", ">", ">=", "==", "~="]);

/**
 * Names the runtime object must provide to generated code (see runtime.ts).
 *
 * @example
 * ```ts
 * RUNTIME_NAMES.includes("idx"); // true
 * ```
 */
export const RUNTIME_NAMES = [
  "T",
  "G",
  "B",
  "R",
  "PAUSE",
  "TAIL",
  "EMPTY",
  "NX",
  "IPX",
  "idx",
  "setidx",
  "rawsetk",
  "arith",
  "cat",
  "concat",
  "lt",
  "le",
  "eq",
  "len",
  "call",
  "tail",
  "pos",
  "multi",
  "first",
  "nth",
  "fornum",
  "tarr",
  "tmix",
  "ipnext",
] as const;

/**
 * Compile a parsed chunk into the body of a JS function taking the runtime names as
 * parameters and returning the main Lua function.
 *
 * @example
 * ```ts
 * const js = compile(parse("return 1", "@t"), "t");
 * ```
 */
export function compile(main: FuncBody, chunk: string): string {
  const c = new Compiler(JSON.stringify(chunk));
  return "return " + c.func(main, null) + ";";
}

let uid = 0;

class Compiler {
  private fs!: FuncState;
  constructor(private readonly chunk: string) {}

  // --- functions and scopes ---

  func(f: FuncBody, parent: FuncState | null): string {
    const saved = this.fs;
    const fs: FuncState = {
      parent,
      scopes: [new Map()],
      temps: 0,
      maxTemps: 0,
      vararg: f.vararg,
      line: f.line,
    };
    this.fs = fs;
    const params = f.params.map((p) => this.declare(p));
    if (f.vararg) params.push("...va");
    const body = this.block(f.body, false);
    let temps = "";
    for (let i = 0; i < fs.maxTemps; i++) temps += `, t${i}`;
    this.fs = saved;
    return `function* (${params.join(", ")}) {\n` +
      `if (--B.n < 0) yield PAUSE;\n` +
      `let L = ${f.line}, $r, $v${temps};\n` +
      `try {\n${body}} catch (e) { throw pos(e, ${this.chunk}, L); }\n` +
      `return EMPTY;\n}`;
  }

  private declare(name: string): string {
    const js = `${name}$${++uid}`;
    const scopes = this.fs.scopes;
    scopes[scopes.length - 1].set(name, { js, fn: this.fs });
    return js;
  }

  private resolve(name: string): LocalVar | undefined {
    for (let fs: FuncState | null = this.fs; fs !== null; fs = fs.parent) {
      for (let i = fs.scopes.length - 1; i >= 0; i--) {
        const v = fs.scopes[i].get(name);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }

  private tmp(): string {
    const fs = this.fs;
    const n = fs.temps++;
    if (fs.temps > fs.maxTemps) fs.maxTemps = fs.temps;
    return `t${n}`;
  }

  // --- statements ---

  private block(stats: Stat[], scoped = true): string {
    if (scoped) this.fs.scopes.push(new Map());
    let out = "";
    for (const s of stats) {
      this.fs.temps = 0;
      this.fs.line = s.line;
      out += `L = ${s.line};\n` + this.stat(s);
    }
    if (scoped) this.fs.scopes.pop();
    return out;
  }

  private stat(s: Stat): string {
    switch (s.k) {
      case "local":
        return this.localStat(s.names, s.exprs);
      case "localfunc": {
        const js = this.declare(s.name);
        return `let ${js}; ${js} = ${this.func(s.f, this.fs)};\n`;
      }
      case "assign":
        return this.assign(s.targets, s.exprs);
      case "callstat":
        return this.callRaw(s.call) + ";\n";
      case "do":
        return `{\n${this.block(s.body)}}\n`;
      case "while":
        return `while (${this.cond(s.cond)}) {\nif (--B.n < 0) yield PAUSE;\n${
          this.block(s.body)
        }}\n`;
      case "repeat": {
        this.fs.scopes.push(new Map());
        let body = "";
        for (const st of s.body) {
          this.fs.temps = 0;
          this.fs.line = st.line;
          body += `L = ${st.line};\n` + this.stat(st);
        }
        this.fs.temps = 0;
        const cond = this.cond(s.cond);
        this.fs.scopes.pop();
        return `for (;;) {\nif (--B.n < 0) yield PAUSE;\n${body}if (${cond}) break;\n}\n`;
      }
      case "if": {
        let out = "";
        s.conds.forEach((c, i) => {
          this.fs.temps = 0;
          out += `${i ? " else " : ""}if (${this.cond(c)}) {\n${this.block(s.blocks[i])}}`;
        });
        if (s.orelse) out += ` else {\n${this.block(s.orelse)}}`;
        return out + "\n";
      }
      case "numfor":
        return this.numFor(s);
      case "genfor":
        return this.genFor(s.names, s.exprs, s.body);
      case "return":
        return this.returnStat(s.exprs);
      case "break":
        return "break;\n";
    }
  }

  private localStat(names: string[], exprs: Expr[]): string {
    const vals = this.adjust(exprs, names.length);
    const js = names.map((n) => this.declare(n));
    return vals.pre + js.map((j, i) => `let ${j} = ${vals.vals[i]};\n`).join("");
  }

  /**
   * Evaluate `exprs` adjusted to `n` values: returns statements to run first and `n` JS
   * expressions (temps or constants) holding the values.
   */
  private adjust(exprs: Expr[], n: number): { pre: string; vals: string[] } {
    let pre = "";
    const vals: string[] = [];
    exprs.forEach((e, i) => {
      const last = i === exprs.length - 1;
      if (last && isMulti(e) && vals.length < n) {
        const t = this.tmp();
        pre += `${t} = ${e.k === "vararg" ? "va" : this.callRaw(e)};\n`;
        for (let j = 0; vals.length < n; j++) vals.push(`nth(${t}, ${j})`);
        return;
      }
      if (vals.length < n) {
        const code = this.expr(e);
        if (isConst(e)) vals.push(code);
        else {
          const t = this.tmp();
          pre += `${t} = ${code};\n`;
          vals.push(t);
        }
      } else {
        pre += (isMulti(e) ? this.callOrVa(e) : this.expr(e)) + ";\n";
      }
    });
    while (vals.length < n) vals.push("undefined");
    return { pre, vals };
  }

  private callOrVa(e: Expr): string {
    return e.k === "vararg" ? "va" : this.callRaw(e);
  }

  private assign(targets: Expr[], exprs: Expr[]): string {
    // Simple and most common case: one target, one value.
    if (targets.length === 1 && exprs.length === 1) {
      const t = targets[0];
      if (t.k === "name") return this.store(t, this.expr(exprs[0])) + ";\n";
      if (t.k === "index") {
        const o = this.tmp();
        const k = this.simpleOrTmp(t.key);
        let pre = `${o} = ${this.expr(t.obj)};\n` + k.pre;
        const v = this.tmp();
        pre += `${v} = ${this.expr(exprs[0])};\n`;
        return pre + this.setIndex(o, t.key, k.code, v, describe(this, t.obj)) + "\n";
      }
    }
    // Multiple assignment: evaluate target prefixes and keys, then values, then assign.
    let pre = "";
    const places: { obj?: string; key?: string; keyExpr?: Expr; target: Expr }[] = [];
    for (const t of targets) {
      if (t.k === "index") {
        const o = this.tmp();
        const k = this.tmp();
        pre += `${o} = ${this.expr(t.obj)};\n${k} = ${this.expr(t.key)};\n`;
        places.push({ obj: o, key: k, keyExpr: t.key, target: t });
      } else places.push({ target: t });
    }
    const vals = this.adjust(exprs, targets.length);
    pre += vals.pre;
    let out = pre;
    for (let i = places.length - 1; i >= 0; i--) {
      const p = places[i];
      const v = vals.vals[i];
      if (p.obj === undefined) out += this.store(p.target as Expr & { k: "name" }, v) + ";\n";
      else {
        const te = p.target as Expr & { k: "index" };
        out += this.setIndex(p.obj, p.keyExpr!, p.key!, v, describe(this, te.obj)) + "\n";
      }
    }
    return out;
  }

  private simpleOrTmp(e: Expr): { pre: string; code: string } {
    const code = this.expr(e);
    if (isConst(e)) return { pre: "", code };
    const t = this.tmp();
    return { pre: `${t} = ${code};\n`, code: t };
  }

  private setIndex(o: string, keyExpr: Expr, k: string, v: string, desc: string): string {
    let raw: string;
    if (keyExpr.k === "str") raw = `${o}.ss(${k}, ${v})`;
    else if (keyExpr.k === "num" && Number.isInteger(keyExpr.v)) raw = `${o}.set(${k}, ${v})`;
    else raw = `rawsetk(${o}, ${k}, ${v})`;
    return `if (${o} instanceof T && ${o}.meta === null && !${o}.readonly) ${raw}; ` +
      `else yield* setidx(${o}, ${k}, ${v}, ${JSON.stringify(desc)});`;
  }

  private store(t: Expr & { k: "name" }, v: string): string {
    const local = this.resolve(t.name);
    if (local !== undefined) return `${local.js} = ${v}`;
    const k = JSON.stringify(t.name);
    return `$v = ${v}; if (G.meta === null && !G.readonly) G.ss(${k}, $v); ` +
      `else yield* setidx(G, ${k}, $v, "")`;
  }

  private numFor(s: Stat & { k: "numfor" }): string {
    const i = `f${++uid}`;
    const lim = `f${++uid}`;
    const st = `f${++uid}`;
    let out = `{\nlet ${i} = ${this.expr(s.start)}, ${lim} = ${this.expr(s.limit)}, ${st} = ${
      s.step ? this.expr(s.step) : "1"
    };\n`;
    out += `if (typeof ${i} !== "number") ${i} = fornum(${i}, "initial value");\n`;
    out += `if (typeof ${lim} !== "number") ${lim} = fornum(${lim}, "limit");\n`;
    out += `if (typeof ${st} !== "number") ${st} = fornum(${st}, "step");\n`;
    let test: string;
    if (s.step === null || (s.step.k === "num" && s.step.v > 0)) test = `${i} <= ${lim}`;
    else if (s.step.k === "num" && s.step.v <= 0) test = `${i} >= ${lim}`;
    else test = `(${st} > 0 ? ${i} <= ${lim} : ${i} >= ${lim})`;
    this.fs.scopes.push(new Map());
    const v = this.declare(s.name);
    const body = this.block(s.body);
    this.fs.scopes.pop();
    out +=
      `for (; ${test}; ${i} += ${st}) {\nif (--B.n < 0) yield PAUSE;\nlet ${v} = ${i};\n${body}}\n}\n`;
    return out;
  }

  private genFor(names: string[], exprs: Expr[], body: Stat[]): string {
    const f = `f${++uid}`;
    const s = `f${++uid}`;
    const c = `f${++uid}`;
    const vals = this.adjust(exprs, 3);
    let out = `{\n${vals.pre}let ${f} = ${vals.vals[0]}, ${s} = ${vals.vals[1]}, ${c} = ${
      vals.vals[2]
    };\n`;
    this.fs.scopes.push(new Map());
    const vars = names.map((n) => this.declare(n));
    const inner = this.block(body);
    this.fs.scopes.pop();
    out += `for (;;) {\nif (--B.n < 0) yield PAUSE;\n`;
    out += `$r = ${f} === NX && ${s} instanceof T ? (${s}.next(${c}) ?? EMPTY) : ` +
      `${f} === IPX && ${s} instanceof T ? ipnext(${s}, ${c}) : ` +
      `(typeof ${f} === "function" ? (($r = yield* ${f}(${s}, ${c})) === TAIL ? yield* tail() : $r)` +
      ` : yield* call(${f}, [${s}, ${c}], ""));\n`;
    out += `let ${vars.map((v, i) => `${v} = nth($r, ${i})`).join(", ")};\n`;
    out += `if (${vars[0]} === undefined) break;\n${c} = ${vars[0]};\n${inner}}\n}\n`;
    return out;
  }

  private returnStat(exprs: Expr[]): string {
    if (exprs.length === 0) return "return EMPTY;\n";
    if (exprs.length === 1) {
      const e = exprs[0];
      if (e.k === "call" || e.k === "method") return this.tailCall(e);
      if (e.k === "vararg") return "return va;\n";
      return `return ${this.expr(e)};\n`;
    }
    return `return [${this.exprList(exprs)}];\n`;
  }

  private tailCall(e: Expr & ({ k: "call" } | { k: "method" })): string {
    const f = this.tmp();
    let pre: string;
    let args: string;
    let desc: string;
    if (e.k === "call") {
      pre = `${f} = ${this.expr(e.fn)};\n`;
      args = this.exprList(e.args);
      desc = describe(this, e.fn);
    } else {
      const o = this.tmp();
      pre = `${o} = ${this.expr(e.obj)};\n${f} = ${
        this.index(o, { k: "str", v: e.name }, describe(this, e.obj))
      };\n`;
      args = [o, this.exprList(e.args)].filter((x) => x !== "").join(", ");
      desc = `method '${e.name}'`;
    }
    const a = this.tmp();
    return pre + `${a} = [${args}];\n` +
      `if (typeof ${f} === "function" && ${f}.N === undefined) { R.tf = ${f}; R.ta = ${a}; return TAIL; }\n` +
      `return yield* call(${f}, ${a}, ${JSON.stringify(desc)});\n`;
  }

  // --- expressions ---

  /** Comma-separated JS expressions for an argument/value list (last one expanded). */
  exprList(exprs: Expr[]): string {
    return exprs.map((e, i) => {
      if (i === exprs.length - 1 && isMulti(e)) {
        return e.k === "vararg" ? "...va" : `...multi(${this.callRaw(e)})`;
      }
      return this.expr(e);
    }).join(", ");
  }

  /** The raw result of a call (one value or an array), trampolined. */
  callRaw(e: Expr): string {
    let out: string;
    const f = this.tmp();
    let lineSet = "";
    if ("line" in e && e.line !== this.fs.line) lineSet = `L = ${e.line}, `;
    if (e.k === "call") {
      const args = this.exprList(e.args);
      out = `(${lineSet}typeof (${f} = ${
        this.expr(e.fn)
      }) === "function" ? (($r = yield* ${f}(${args})) === TAIL ? yield* tail() : $r) : yield* call(${f}, [${args}], ${
        JSON.stringify(describe(this, e.fn))
      }))`;
    } else if (e.k === "method") {
      const o = this.tmp();
      const get = this.index(o, { k: "str", v: e.name }, describe(this, e.obj));
      const args = [o, this.exprList(e.args)].filter((x) => x !== "").join(", ");
      out = `(${lineSet}${o} = ${
        this.expr(e.obj)
      }, typeof (${f} = ${get}) === "function" ? (($r = yield* ${f}(${args})) === TAIL ? yield* tail() : $r) : yield* call(${f}, [${args}], ${
        JSON.stringify(`method '${e.name}'`)
      }))`;
    } else throw new Error("not a call");
    return out;
  }

  /** A JS expression producing exactly one Lua value. */
  expr(e: Expr): string {
    switch (e.k) {
      case "nil":
        return "undefined";
      case "true":
        return "true";
      case "false":
        return "false";
      case "num":
        return numLit(e.v);
      case "str":
        return JSON.stringify(e.v);
      case "vararg":
        return "va[0]";
      case "func":
        return "(" + this.func(e.f, this.fs) + ")";
      case "paren":
        return this.expr(e.e);
      case "name": {
        const local = this.resolve(e.name);
        if (local !== undefined) return local.js;
        const k = JSON.stringify(e.name);
        return `(($v = G.gs(${k})) !== undefined ? $v : yield* idx(G, ${k}, ""))`;
      }
      case "index": {
        const o = this.tmp();
        return `(${o} = ${this.expr(e.obj)}, ${this.index(o, e.key, describe(this, e.obj))})`;
      }
      case "call":
      case "method":
        return `first(${this.callRaw(e)})`;
      case "table":
        return this.table(e);
      case "un":
        return this.unary(e);
      case "bin":
        return this.binary(e);
    }
  }

  /** Index the JS value in variable `o` by key expression `key`. */
  private index(o: string, key: Expr, desc: string): string {
    const d = JSON.stringify(desc);
    if (key.k === "str") {
      const k = JSON.stringify(key.v);
      return `(${o} instanceof T && ($v = ${o}.gs(${k})) !== undefined ? $v : yield* idx(${o}, ${k}, ${d}))`;
    }
    if (key.k === "num" && Number.isInteger(key.v) && key.v > 0) {
      const k = numLit(key.v);
      return `(${o} instanceof T && ($v = ${o}.gi(${k})) !== undefined ? $v : yield* idx(${o}, ${k}, ${d}))`;
    }
    const k = this.tmp();
    return `(${k} = ${
      this.expr(key)
    }, ${o} instanceof T && ($v = ${o}.get(${k})) !== undefined ? $v : yield* idx(${o}, ${k}, ${d}))`;
  }

  private table(e: Expr & { k: "table" }): string {
    const pos: Expr[] = [];
    const keyed: string[] = [];
    for (const it of e.items) {
      if (it.key === undefined) pos.push(it.value);
      else keyed.push(this.expr(it.key), this.expr(it.value));
    }
    // Positional items: only the last one expands to multiple values.
    const lastMulti = pos.length > 0 && isMulti(pos[pos.length - 1]) &&
      e.items[e.items.length - 1].key === undefined;
    const arr = pos.map((p, i) => {
      if (i === pos.length - 1 && lastMulti) {
        return p.k === "vararg" ? "...va" : `...multi(${this.callRaw(p)})`;
      }
      return this.expr(p);
    }).join(", ");
    if (keyed.length === 0) return `tarr([${arr}])`;
    return `tmix([${arr}], [${keyed.join(", ")}])`;
  }

  private operand(e: Expr): { pre: string; v: string } {
    if (isConst(e)) return { pre: "", v: this.expr(e) };
    if (e.k === "name") {
      const local = this.resolve(e.name);
      if (local !== undefined) return { pre: "", v: local.js };
    }
    const t = this.tmp();
    return { pre: `${t} = ${this.expr(e)}, `, v: t };
  }

  private unary(e: Expr & { k: "un" }): string {
    if (e.op === "not") return `!${this.cond(e.e)}`;
    const a = this.operand(e.e);
    const d = JSON.stringify(describe(this, e.e));
    if (e.op === "-") {
      return `(${a.pre}typeof ${a.v} === "number" ? -${a.v} : yield* arith("unm", ${a.v}, ${a.v}, ${d}, ${d}))`;
    }
    return `(${a.pre}len(${a.v}, ${d}))`; // "#"
  }

  private binary(e: Expr & { k: "bin" }): string {
    const op = e.op;
    if (op === "and" || op === "or") {
      const t = this.tmp();
      const l = this.expr(e.l);
      const r = this.expr(e.r);
      return op === "and"
        ? `((${t} = ${l}) === undefined || ${t} === false ? ${t} : ${r})`
        : `((${t} = ${l}) !== undefined && ${t} !== false ? ${t} : ${r})`;
    }
    if (COMPARE.has(op)) return this.compare(e);
    const a = this.operand(e.l);
    const b = this.operand(e.r);
    const da = JSON.stringify(describe(this, e.l));
    const db = JSON.stringify(describe(this, e.r));
    const pre = a.pre + b.pre;
    if (op === "..") {
      // The length test keeps scripts under MAX_STRING (cat raises "not enough memory").
      return `(${pre}typeof ${a.v} === "string" && typeof ${b.v} === "string" && ` +
        `(${a.v}).length + (${b.v}).length <= ${MAX_STRING} ? ${a.v} + ${b.v} : ` +
        `($v = cat(${a.v}, ${b.v})) !== undefined ? $v : yield* concat(${a.v}, ${b.v}, ${da}, ${db}))`;
    }
    let fast: string;
    if (op === "/" && e.l.k === "num" && e.r.k === "num") {
      // Keep constant divisions at run time: JS engines fold 0/0 to a positive NaN where
      // Lua (x86) computes -nan, and tostring(0/0) must print "-nan".
      fast = `${a.v} / (B.one * ${b.v})`;
    } else if (ARITH[op]) fast = `${a.v} ${op} ${b.v}`;
    else if (op === "%") fast = `${a.v} - Math.floor(${a.v} / ${b.v}) * ${b.v}`;
    else fast = `Math.pow(${a.v}, ${b.v})`; // "^"
    const checks = [a, b].filter((_, i) => [e.l, e.r][i].k !== "num").map((x) =>
      `typeof ${x.v} === "number"`
    );
    const test = checks.length ? checks.join(" && ") : "true";
    return `(${pre}${test} ? ${fast} : yield* arith(${
      JSON.stringify(op)
    }, ${a.v}, ${b.v}, ${da}, ${db}))`;
  }

  private compare(e: Expr & { k: "bin" }): string {
    const op = e.op;
    const a = this.operand(e.l);
    const b = this.operand(e.r);
    const pre = a.pre + b.pre;
    if (op === "==" || op === "~=") {
      const test =
        `(${a.v} === ${b.v} || (${a.v} instanceof T && ${b.v} instanceof T && (yield* eq(${a.v}, ${b.v}))))`;
      return `(${pre}${op === "==" ? test : "!" + test})`;
    }
    // a > b is b < a, as in Lua (this also orders the operands in error messages).
    const [x, y] = op === ">" || op === ">=" ? [b.v, a.v] : [a.v, b.v];
    const strict = op === "<" || op === ">";
    const jsop = strict ? "<" : "<=";
    const slow = strict ? "lt" : "le";
    return `(${pre}typeof ${x} === "number" && typeof ${y} === "number" ? ${x} ${jsop} ${y} : yield* ${slow}(${x}, ${y}))`;
  }

  /** A JS boolean expression for Lua truthiness of `e`. */
  cond(e: Expr): string {
    switch (e.k) {
      case "true":
        return "true";
      case "false":
      case "nil":
        return "false";
      case "num":
      case "str":
        return "true";
      case "paren":
        return this.cond(e.e);
      case "un":
        if (e.op === "not") return `!${this.cond(e.e)}`;
        break;
      case "bin":
        if (e.op === "and") return `(${this.cond(e.l)} && ${this.cond(e.r)})`;
        if (e.op === "or") return `(${this.cond(e.l)} || ${this.cond(e.r)})`;
        if (COMPARE.has(e.op)) return this.compare(e);
        break;
    }
    const a = this.operand(e);
    return `(${a.pre}${a.v} !== undefined && ${a.v} !== false)`;
  }

  /** How Lua names the value of `e` in error messages (empty if it has no name). */
  describeName(e: Expr): string {
    if (e.k === "name") {
      const local = this.resolve(e.name);
      if (local === undefined) return `global '${e.name}'`;
      return local.fn === this.fs ? `local '${e.name}'` : `upvalue '${e.name}'`;
    }
    if (e.k === "index" && e.key.k === "str") return `field '${e.key.v}'`;
    return "";
  }
}

function describe(c: Compiler, e: Expr): string {
  return c.describeName(e);
}

function isMulti(e: Expr): boolean {
  return e.k === "call" || e.k === "method" || e.k === "vararg";
}

function isConst(e: Expr): boolean {
  return e.k === "nil" || e.k === "true" || e.k === "false" || e.k === "num" || e.k === "str";
}

function numLit(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  return v < 0 ? `(${v})` : String(v);
}

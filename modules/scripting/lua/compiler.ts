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
 * Shape of a compiled chunk: one generator per Lua function prototype, declared once,
 * taking the cells of the upvalues it needs before its parameters:
 *
 *   const P1 = function* (c$2, a$4, ...va) {
 *     if (--B.n < 0) yield PAUSE;
 *     let L = <line>, C = "", $r, $v, $c, t0;  // line, current callee, scratch, temps
 *     try { ...body... } catch (e) { throw pos(e, "<chunk>", "<source>", L, C); }
 *     return EMPTY;
 *   };
 *   ... return P0;                              // the main chunk
 *
 * - A Lua closure is a plain arrow binding the cells: `((a0, ...va) => P1(c$2, a0, ...va))`.
 *   Calling it returns the generator, so call sites `yield*` it like any native. (A fresh
 *   generator function per closure would cost ~100-500 ns at its first call.)
 * - Locals are JS `let` variables with a unique suffix (Lua allows `local x = x` and
 *   shadowing); locals captured by a nested function live in a cell `{ v }`. Which ones
 *   are captured is learnt by a first compilation pass (see compile). Block-scoped `let`
 *   gives each loop iteration a fresh local (and a fresh cell), as Lua does.
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
 *   "method 'm'") are computed here, so run-time errors read exactly like Lua 5.1's; `C`
 *   holds the name of the function being called so "bad argument" errors can name it.
 *
 * Temps (t0, t1, ...) are allocated monotonically within one statement and recycled at
 * the next statement; values that must live across statements (loop state) get their own
 * `let`. The scratch `$r`/`$v`/`$c` are only used between an assignment and its immediate read.
 */

import type { Expr, FuncBody, Stat } from "./ast.ts";
import {
  calleeName,
  ExprCompiler,
  type FuncState,
  isConst,
  isMulti,
  nextId,
  ref,
} from "./compile_expr.ts";

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
  "callable",
  "iget",
  "NOFAST",
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
export function compile(main: FuncBody, chunk: string, source: string): string {
  const ch = JSON.stringify(chunk);
  const src = JSON.stringify(source);
  const first = new Compiler(ch, src, null);
  first.func(main, null); // analysis pass: which locals are captured, by whom
  const c = new Compiler(ch, src, first.found);
  const mainFn = c.func(main, null);
  const slots = c.slots.length > 0 ? `let ${c.slots.join(", ")};\n` : "";
  return slots + c.hoisted.join("\n") + `\nreturn ${mainFn};`;
}

class Compiler extends ExprCompiler {
  /** One hoisted generator per Lua function prototype ("const P3 = function* ..."). */
  readonly hoisted: string[] = [];
  private funcs = 0;

  // --- functions and scopes ---

  /**
   * Each Lua function becomes one generator declared once per chunk, taking the cells it
   * needs before its parameters; a Lua closure is a plain arrow function binding those
   * cells. (Creating a fresh generator function per closure costs ~100 ns on JSC and
   * ~500 ns on V8 at its first call; an arrow costs a few.)
   */
  func(f: FuncBody, parent: FuncState | null): string {
    const saved = this.fs;
    const index = this.funcs++;
    const fs: FuncState = {
      parent,
      scopes: [new Map()],
      temps: 0,
      maxTemps: 0,
      vararg: f.vararg,
      line: f.line,
      index,
      free: new Set(),
    };
    this.fs = fs;
    const params = f.params.map((p) => this.declare(p));
    const boxParams = params.filter((p) => p.cell).map((p) => `${p.js} = { v: ${p.js} };\n`)
      .join("");
    const body = this.block(f.body, false);
    let temps = "";
    for (let i = 0; i < fs.maxTemps; i++) temps += `, t${i}`;
    this.fs = saved;
    this.found.free[index] = [...fs.free];
    const free = this.known?.free[index] ?? [...fs.free];
    const rest = f.vararg ? ["...va"] : [];
    const name = `P${index}`;
    this.hoisted.push(
      `const ${name} = function* (${
        [...free, ...params.map((p) => p.js), ...rest].join(", ")
      }) {\n` +
        `if (--B.n < 0) yield PAUSE;\n` +
        `let L = ${f.line}, C = "", $r, $v, $c${temps};\n` + boxParams +
        `try {\n${body}} catch (e) { throw pos(e, ${this.chunk}, ${this.source}, L, C); }\n` +
        `return EMPTY;\n};`,
    );
    if (parent === null) return name; // the main chunk has no cells to bind
    const args = [...params.map((_, i) => `a${i}`), ...rest];
    return `((${args.join(", ")}) => ${name}(${[...free, ...args].join(", ")}))`;
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
        const v = this.declare(s.name); // declared first: the function may call itself
        return `${this.letLocal(v, "undefined")};\n${ref(v)} = ${this.func(s.f, this.fs)};\n`;
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
    const vars = names.map((n) => this.declare(n));
    return vals.pre + vars.map((v, i) => `${this.letLocal(v, vals.vals[i])};\n`).join("");
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
        return pre + this.setIndex(o, t.key, k.code, v, this.describeName(t.obj)) + "\n";
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
        out += this.setIndex(p.obj, p.keyExpr!, p.key!, v, this.describeName(te.obj)) + "\n";
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
    if (local !== undefined) return `${ref(local)} = ${v}`;
    const k = JSON.stringify(t.name);
    return `$v = ${v}; if (G.meta === null && !G.readonly) G.ss(${k}, $v); ` +
      `else yield* setidx(G, ${k}, $v, "")`;
  }

  private numFor(s: Stat & { k: "numfor" }): string {
    const i = `f${nextId()}`;
    const lim = `f${nextId()}`;
    const st = `f${nextId()}`;
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
    out += `for (; ${test}; ${i} += ${st}) {\nif (--B.n < 0) yield PAUSE;\n${
      this.letLocal(v, i)
    };\n${body}}\n}\n`;
    return out;
  }

  private genFor(names: string[], exprs: Expr[], body: Stat[]): string {
    const f = `f${nextId()}`;
    const s = `f${nextId()}`;
    const c = `f${nextId()}`;
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
      `(typeof ${f} === "function" ? (${f}.D !== undefined ? ${f}.D(${s}, ${c}) : ` +
      `($r = yield* ${f}(${s}, ${c})) === TAIL ? yield* tail() : $r)` +
      ` : (C = "", yield* call(${f}, [${s}, ${c}], "")));\n`;
    out += vars.map((v, i) => `${this.letLocal(v, `nth($r, ${i})`)};\n`).join("");
    out += `if (${ref(vars[0])} === undefined) break;\n${c} = ${ref(vars[0])};\n${inner}}\n}\n`;
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
    let name: string;
    if (e.k === "call") {
      pre = `${f} = ${this.expr(e.fn)};\n`;
      args = this.exprList(e.args);
      desc = this.describeName(e.fn);
      name = calleeName(e.fn);
    } else {
      const o = this.tmp();
      pre = `${o} = ${this.expr(e.obj)};\n${f} = ${
        this.index(o, { k: "str", v: e.name }, this.describeName(e.obj))
      };\n`;
      args = [o, this.exprList(e.args)].filter((x) => x !== "").join(", ");
      desc = `method '${e.name}'`;
      name = "m:" + e.name;
    }
    const a = this.tmp();
    return pre + `${a} = [${args}];\n` +
      `if (typeof ${f} === "function" && ${f}.N === undefined) { R.tf = ${f}; R.ta = ${a}; return TAIL; }\n` +
      `C = ${JSON.stringify(name)};\n` +
      `if (typeof ${f} === "function" && ${f}.D !== undefined) return ${f}.D(...${a});\n` +
      `return yield* call(${f}, ${a}, ${JSON.stringify(desc)});\n`;
  }
}

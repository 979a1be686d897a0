/*
 * Expression half of the Lua -> JavaScript compiler (compiler.ts has the design notes and
 * the statement half). Every method returns a JS expression string; fast paths are inlined
 * (typeof checks for number arithmetic and string concatenation, raw table reads) and the
 * slow paths call the runtime helpers with `yield*`. Operands that are not locals or
 * constants go through per-statement temps so that each is evaluated exactly once, in
 * Lua's order.
 */

import type { Expr, FuncBody } from "./ast.ts";
import { MAX_STRING } from "./runtime.ts";

/**
 * A Lua local: its JS name, the function declaring it, and whether it lives in a cell
 * (`{v}`) because a nested function captures it.
 */
export interface LocalVar {
  js: string;
  fn: FuncState;
  id: number;
  cell: boolean;
}

/** Per-function compilation state. */
export interface FuncState {
  parent: FuncState | null;
  scopes: Map<string, LocalVar>[];
  temps: number;
  maxTemps: number;
  vararg: boolean;
  line: number;
  /** Order of the function in the chunk (same in both passes). */
  index: number;
  /** Cells of enclosing functions this function (or one nested in it) uses. */
  free: Set<string>;
}

/**
 * What the first compilation pass learns: which locals are captured (by declaration
 * number) and the free cells of each function (by function number).
 */
export interface Analysis {
  captured: Set<number>;
  free: string[][];
}

const ARITH: Record<string, string> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
};
const COMPARE = new Set(["<", "<=", ">", ">=", "==", "~="]);

let uid = 0;

/**
 * A fresh suffix for generated identifiers.
 *
 * @example
 * ```ts
 * nextId(); // 1, 2, ...
 * ```
 */
export function nextId(): number {
  return ++uid;
}

/**
 * Expression compilation shared by the statement compiler.
 *
 * @example
 * ```ts
 * // class Compiler extends ExprCompiler { ... }
 * ```
 */
export abstract class ExprCompiler {
  protected fs!: FuncState;
  /** What this pass found (the first pass's result drives the second). */
  readonly found: Analysis = { captured: new Set(), free: [] };
  /** Chunk-level cache slots of `cachedField` sites ("c1 = undefined, c1t = null, c1w = -1"). */
  readonly slots: string[] = [];
  private decls = 0;

  /**
   * `chunk` is the JSON-quoted chunk id used in error messages, `source` the JSON-quoted
   * chunk name used in LuaError.where, `known` the first pass's analysis (null during
   * the first pass).
   */
  constructor(
    protected readonly chunk: string,
    protected readonly source: string,
    protected readonly known: Analysis | null,
  ) {}

  /** Compile a function body; returns the JS expression that creates the closure. */
  abstract func(f: FuncBody, parent: FuncState | null): string;

  protected declare(name: string): LocalVar {
    const id = ++this.decls;
    const v: LocalVar = {
      js: `${name}$${id}`,
      fn: this.fs,
      id,
      cell: this.known !== null && this.known.captured.has(id),
    };
    const scopes = this.fs.scopes;
    scopes[scopes.length - 1].set(name, v);
    return v;
  }

  /** `let` declaration of a local with its initial value (boxed when captured). */
  protected letLocal(v: LocalVar, init: string): string {
    return `let ${v.js} = ${v.cell ? `{ v: ${init} }` : init}`;
  }

  protected resolve(name: string): LocalVar | undefined {
    for (let fs: FuncState | null = this.fs; fs !== null; fs = fs.parent) {
      for (let i = fs.scopes.length - 1; i >= 0; i--) {
        const v = fs.scopes[i].get(name);
        if (v === undefined) continue;
        if (v.fn !== this.fs) {
          // An upvalue: every function between here and its owner must pass the cell on.
          this.found.captured.add(v.id);
          for (let f: FuncState | null = this.fs; f !== null && f !== v.fn; f = f.parent) {
            f.free.add(v.js);
          }
        }
        return v;
      }
    }
    return undefined;
  }

  protected tmp(): string {
    const fs = this.fs;
    const n = fs.temps++;
    if (fs.temps > fs.maxTemps) fs.maxTemps = fs.temps;
    return `t${n}`;
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

  /**
   * The raw result of a call (one value or an array), trampolined. The arguments are
   * evaluated once into temps, then the callee is dispatched: a direct native (`D`, a plain
   * function) is called without a generator, which is most of what scripts call
   * (redis.call, tonumber, string.*); a Lua function or generator native is `yield*`ed; a
   * non-function goes through `callable` (applies __call or raises).
   */
  callRaw(e: Expr): string {
    const f = this.tmp();
    const lineSet = "line" in e && e.line !== this.fs.line ? `L = ${e.line}, ` : "";
    let pre: string;
    let args: { pre: string; list: string };
    let desc: string;
    if (e.k === "call") {
      pre = `${f} = ${this.expr(e.fn)}`;
      args = this.argsSettingCallee(e.args, null, calleeName(e.fn));
      desc = this.describeName(e.fn);
    } else if (e.k === "method") {
      const o = this.tmp();
      pre = `${o} = ${this.expr(e.obj)}, ${f} = ${
        this.index(o, { k: "str", v: e.name }, this.describeName(e.obj))
      }`;
      args = this.argsSettingCallee(e.args, o, "m:" + e.name);
      desc = `method '${e.name}'`;
    } else throw new Error("not a call");
    const a = args.list;
    return `(${lineSet}${pre}, ${args.pre}, ($r = typeof ${f} === "function" ? (${f}.D !== undefined ? ${f}.D(${a}) : yield* ${f}(${a})) : yield* callable(${f}, ${
      JSON.stringify(desc)
    })(${a})) === TAIL ? yield* tail() : $r)`;
  }

  /**
   * A call's arguments evaluated once, in order, into temps (`pre`, which ends by setting
   * the frame's current-callee variable `C` to `name`, so bad-argument errors name the call
   * site), and the argument list reading them (`list`).
   */
  protected argsSettingCallee(
    exprs: Expr[],
    self: string | null,
    name: string,
  ): { pre: string; list: string } {
    const pre: string[] = [];
    const list: string[] = self === null ? [] : [self];
    exprs.forEach((e, i) => {
      if (i === exprs.length - 1 && isMulti(e)) {
        if (e.k === "vararg") list.push("...va");
        else {
          const t = this.tmp();
          pre.push(`${t} = multi(${this.callRaw(e)})`);
          list.push(`...${t}`);
        }
      } else if (isConst(e)) list.push(this.expr(e));
      else {
        const t = this.tmp();
        pre.push(`${t} = ${this.expr(e)}`);
        list.push(t);
      }
    });
    pre.push(`C = ${JSON.stringify(name)}`);
    return { pre: pre.join(", "), list: list.join(", ") };
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
        if (local !== undefined) return ref(local);
        const k = JSON.stringify(e.name);
        return `(($v = ${this.cachedField("G", k)}) !== undefined ? $v : yield* idx(G, ${k}, ""))`;
      }
      case "index": {
        const o = this.tmp();
        const obj = e.obj;
        if (obj.k === "name" && e.key.k === "str" && this.resolve(obj.name) === undefined) {
          // A field of a global (redis.call, math.floor, cjson.decode): cached per site.
          const k = JSON.stringify(e.key.v);
          return `(${o} = ${this.expr(obj)}, ${o} instanceof T && ($v = ${
            this.cachedField(o, k)
          }) !== undefined ? $v : ${this.indexSlow(o, k, JSON.stringify(this.describeName(obj)))})`;
        }
        return `(${o} = ${this.expr(obj)}, ${this.index(o, e.key, this.describeName(obj))})`;
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

  /**
   * The raw value of string key `k` in table `t` (a JS expression naming a LuaTable),
   * cached in a chunk-level slot while the same table is read and its hash part has not
   * been written since: global and library reads then skip the Map lookup.
   */
  protected cachedField(t: string, k: string): string {
    const s = `c${this.slots.length}`;
    if (t === "G") {
      // The chunk's globals table never changes identity.
      this.slots.push(`${s} = undefined, ${s}w = -1`);
      return `(G.w === ${s}w ? ${s} : (${s}w = G.w, ${s} = G.gs(${k})))`;
    }
    this.slots.push(`${s} = undefined, ${s}t = null, ${s}w = -1`);
    return `(${t} === ${s}t && ${t}.w === ${s}w ? ${s} : (${s}t = ${t}, ${s}w = ${t}.w, ${s} = ${t}.gs(${k})))`;
  }

  /** Index the JS value in variable `o` by key expression `key`. */
  protected index(o: string, key: Expr, desc: string): string {
    const d = JSON.stringify(desc);
    if (key.k === "str") {
      const k = JSON.stringify(key.v);
      return `(${o} instanceof T && ($v = ${o}.gs(${k})) !== undefined ? $v : ${
        this.indexSlow(o, k, d)
      })`;
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

  /** A string-key read that missed the raw fast path: __index tables, then metamethods. */
  private indexSlow(o: string, k: string, d: string): string {
    // iget walks __index tables without a generator; functions fall back to idx.
    return `(($v = iget(${o}, ${k})) !== NOFAST ? $v : yield* idx(${o}, ${k}, ${d}))`;
  }

  protected table(e: Expr & { k: "table" }): string {
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

  protected operand(e: Expr): { pre: string; v: string } {
    if (isConst(e)) return { pre: "", v: this.expr(e) };
    if (e.k === "name") {
      const local = this.resolve(e.name);
      if (local !== undefined) return { pre: "", v: ref(local) };
    }
    const t = this.tmp();
    return { pre: `${t} = ${this.expr(e)}, `, v: t };
  }

  protected unary(e: Expr & { k: "un" }): string {
    if (e.op === "not") return `!${this.cond(e.e)}`;
    const a = this.operand(e.e);
    const d = JSON.stringify(this.describeName(e.e));
    if (e.op === "-") {
      return `(${a.pre}typeof ${a.v} === "number" ? -${a.v} : yield* arith("unm", ${a.v}, ${a.v}, ${d}, ${d}))`;
    }
    return `(${a.pre}len(${a.v}, ${d}))`; // "#"
  }

  protected binary(e: Expr & { k: "bin" }): string {
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
    const da = JSON.stringify(this.describeName(e.l));
    const db = JSON.stringify(this.describeName(e.r));
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

  protected compare(e: Expr & { k: "bin" }): string {
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
    if (e.k === "index") return `field '${e.key.k === "str" ? e.key.v : "?"}'`;
    return "";
  }
}

/**
 * The name Lua gives a called function in "bad argument" messages: the variable or
 * constant field it was read from ("?" for other fields, "" when it has no name).
 *
 * @example
 * ```ts
 * calleeName({ k: "name", name: "foo", line: 1 }); // "foo"
 * ```
 */
export function calleeName(e: Expr): string {
  if (e.k === "name") return e.name;
  if (e.k === "index") return e.key.k === "str" ? e.key.v : "?";
  return "";
}

/**
 * How generated code reads or writes a local: through its cell when captured.
 *
 * @example
 * ```ts
 * // ref({ js: "x$1", cell: true, ... }) === "x$1.v"
 * ```
 */
export function ref(v: LocalVar): string {
  return v.cell ? `${v.js}.v` : v.js;
}

/**
 * True for expressions that can produce several values.
 *
 * @example
 * ```ts
 * isMulti({ k: "vararg" }); // true
 * ```
 */
export function isMulti(e: Expr): boolean {
  return e.k === "call" || e.k === "method" || e.k === "vararg";
}

/**
 * True for literal constants.
 *
 * @example
 * ```ts
 * isConst({ k: "num", v: 1 }); // true
 * ```
 */
export function isConst(e: Expr): boolean {
  return e.k === "nil" || e.k === "true" || e.k === "false" || e.k === "num" || e.k === "str";
}

/**
 * A JS literal for a Lua number.
 *
 * @example
 * ```ts
 * numLit(-0); // "(-0)"
 * ```
 */
export function numLit(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  return v < 0 ? `(${v})` : String(v);
}

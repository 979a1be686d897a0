/*
 * The Lua 5.1 syntax tree produced by parser.ts and consumed by compiler.ts.
 *
 * Names are left unresolved here (a Name may be a local, an upvalue or a global): scope
 * resolution happens in the compiler, which is also where locals become JS variables.
 * Every node that can fail at run time carries the source line used in error messages.
 */

/** An expression node. */
export type Expr =
  | { k: "nil" }
  | { k: "true" }
  | { k: "false" }
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "vararg" }
  | { k: "func"; f: FuncBody }
  | { k: "name"; name: string; line: number }
  | { k: "index"; obj: Expr; key: Expr; line: number }
  | { k: "call"; fn: Expr; args: Expr[]; line: number }
  | { k: "method"; obj: Expr; name: string; args: Expr[]; line: number }
  | { k: "paren"; e: Expr }
  | { k: "bin"; op: string; l: Expr; r: Expr; line: number }
  | { k: "un"; op: string; e: Expr; line: number }
  | { k: "table"; items: TableItem[]; line: number };

/** A table constructor entry: positional (`key` undefined) or keyed. */
export interface TableItem {
  key?: Expr;
  value: Expr;
}

/** A function body: parameters, vararg flag and statements. */
export interface FuncBody {
  params: string[];
  vararg: boolean;
  body: Stat[];
  line: number;
  endLine: number;
  /** A name for the JS function (debugging only). */
  name?: string;
  /** True for `function a:b()` (adds the implicit `self`). */
  method?: boolean;
}

/** A statement node. */
export type Stat =
  | { k: "local"; names: string[]; exprs: Expr[]; line: number }
  | { k: "assign"; targets: Expr[]; exprs: Expr[]; line: number }
  | { k: "callstat"; call: Expr; line: number }
  | { k: "do"; body: Stat[]; line: number }
  | { k: "while"; cond: Expr; body: Stat[]; line: number }
  | { k: "repeat"; body: Stat[]; cond: Expr; line: number }
  | { k: "if"; conds: Expr[]; blocks: Stat[][]; orelse: Stat[] | null; line: number }
  | {
    k: "numfor";
    name: string;
    start: Expr;
    limit: Expr;
    step: Expr | null;
    body: Stat[];
    line: number;
  }
  | { k: "genfor"; names: string[]; exprs: Expr[]; body: Stat[]; line: number }
  | { k: "localfunc"; name: string; f: FuncBody; line: number }
  | { k: "return"; exprs: Expr[]; line: number }
  | { k: "break"; line: number };

import { describe, expect, test } from "bun:test";
import type { Expr, Stat } from "./ast.ts";
import { parse } from "./parser.ts";

function expr(src: string): Expr {
  const s = parse("return " + src, "@t").body[0] as Stat & { k: "return" };
  return s.exprs[0];
}

// A compact rendering of an expression tree with explicit parentheses.
function show(e: Expr): string {
  switch (e.k) {
    case "bin":
      return `(${show(e.l)} ${e.op} ${show(e.r)})`;
    case "un":
      return `(${e.op} ${show(e.e)})`;
    case "num":
      return String(e.v);
    case "name":
      return e.name;
    case "str":
      return JSON.stringify(e.v);
    case "paren":
      return `[${show(e.e)}]`;
    default:
      return e.k;
  }
}

describe("parser", () => {
  test("operator precedence and associativity follow Lua 5.1", () => {
    expect(show(expr("1 + 2 * 3"))).toBe("(1 + (2 * 3))");
    expect(show(expr("a .. b .. c"))).toBe("(a .. (b .. c))");
    expect(show(expr("2 ^ 3 ^ 2"))).toBe("(2 ^ (3 ^ 2))");
    expect(show(expr("-x ^ 2"))).toBe("(- (x ^ 2))");
    expect(show(expr("not a == b"))).toBe("((not a) == b)");
    expect(show(expr("a or b and c"))).toBe("(a or (b and c))");
    expect(show(expr("a < b == c"))).toBe("((a < b) == c)");
    expect(show(expr("1 .. 2 + 3"))).toBe("(1 .. (2 + 3))");
    expect(show(expr("#t + 1"))).toBe("((# t) + 1)");
    expect(show(expr("-2"))).toBe("-2");
  });

  test("statements", () => {
    const kinds = parse(
      "local a, b = 1 a.b.c = 2 f() do end while x do break end repeat until y " +
        "if a then elseif b then else end for i = 1, 2 do end for k, v in pairs(t) do end " +
        "function m.n:o() end local function p() end return",
      "@t",
    ).body.map((s) => s.k);
    expect(kinds).toEqual([
      "local",
      "assign",
      "callstat",
      "do",
      "while",
      "repeat",
      "if",
      "numfor",
      "genfor",
      "assign",
      "localfunc",
      "return",
    ]);
  });

  test("method definitions get an implicit self", () => {
    const s = parse("function a.b:c(x) end", "@t").body[0] as Stat & { k: "assign" };
    const f = s.exprs[0] as Expr & { k: "func" };
    expect(f.f.params).toEqual(["self", "x"]);
  });

  test("call sugar: f'str', f{table}, chained calls", () => {
    const e = expr("f'x'{1}:m()") as Expr & { k: "method" };
    expect(e.k).toBe("method");
    expect(e.name).toBe("m");
  });

  test("syntax errors read like Lua 5.1", () => {
    const err = (src: string) => {
      try {
        parse(src, "@user_script");
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err("x = ")).toBe("user_script:1: unexpected symbol near '<eof>'");
    expect(err("x")).toBe("user_script:1: '=' expected near '<eof>'");
    expect(err("if x then\n\nelse")).toBe(
      "user_script:3: 'end' expected (to close 'if' at line 1) near '<eof>'",
    );
    expect(err("f()\n(g)()")).toBe(
      "user_script:2: ambiguous syntax (function call x new statement) near '('",
    );
    expect(err("break")).toBe("user_script:1: no loop to break near '<eof>'");
    expect(err("function f() return ... end")).toBe(
      "user_script:1: cannot use '...' outside a vararg function near '...'",
    );
    expect(err("return return")).toBe("user_script:1: unexpected symbol near 'return'");
    expect(err("return 1 x = 2")).toBe("user_script:1: '<eof>' expected near 'x'");
    expect(err("for x do end")).toBe("user_script:1: '=' or 'in' expected near 'do'");
    expect(err("local t = {1,2")).toBe("user_script:1: '}' expected near '<eof>'");
    expect(err("(x) = 1")).toBe("user_script:1: syntax error near '='");
    expect(err("local function() end")).toBe("user_script:1: '<name>' expected near '('");
    expect(err("return " + "(".repeat(300) + "1" + ")".repeat(300))).toBe(
      "user_script:1: chunk has too many syntax levels",
    );
    expect(err("return " + "(".repeat(197) + "1" + ")".repeat(197))).toBe("");
    expect(err("return " + "(".repeat(198) + "1" + ")".repeat(198))).toBe(
      "user_script:1: chunk has too many syntax levels",
    );
  });
});

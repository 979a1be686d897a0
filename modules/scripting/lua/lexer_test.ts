import { describe, expect, test } from "bun:test";
import { chunkId, Lexer, type Token } from "./lexer.ts";

function tokens(src: string): Token[] {
  const lx = new Lexer(src, "@t");
  const out: Token[] = [];
  for (let t = lx.next(); t.type !== "<eof>"; t = lx.next()) out.push(t);
  return out;
}
const values = (src: string) => tokens(src).map((t) => t.value ?? t.type);

describe("lexer", () => {
  test("names, keywords and operators", () => {
    expect(values("local x = a.b:c(...) ~= 1 .. 2")).toEqual([
      "local",
      "x",
      "=",
      "a",
      ".",
      "b",
      ":",
      "c",
      "(",
      "...",
      ")",
      "~=",
      1,
      "..",
      2,
    ]);
    expect(values("a<=b>=c==d<e>f#g^h%i")).toEqual([
      "a",
      "<=",
      "b",
      ">=",
      "c",
      "==",
      "d",
      "<",
      "e",
      ">",
      "f",
      "#",
      "g",
      "^",
      "h",
      "%",
      "i",
    ]);
  });

  test("numbers", () => {
    expect(values("3 3.0 3.1416 314.16e-2 0.31416E1 0xff 0x56 .5 5.")).toEqual([
      3,
      3,
      3.1416,
      3.1416,
      3.1416,
      255,
      86,
      0.5,
      5,
    ]);
    expect(() => tokens("x = 3x")).toThrow("t:1: malformed number near '3x'");
    expect(() => tokens("1e")).toThrow("malformed number near '1e'");
  });

  test("short strings and every escape", () => {
    expect(values(`"a\\nb" 'it''s' "\\65\\066\\0067" "\\a\\b\\f\\r\\t\\v\\\\\\"\\'" "\\q"`))
      .toEqual([
        "a\nb",
        "it",
        "s",
        "AB\x067",
        "\x07\b\f\r\t\v\\\"'",
        "q",
      ]);
    expect(values('"line\\\ncontinued"')).toEqual(["line\ncontinued"]);
    expect(values('"\\255\\0"')).toEqual(["\xff\0"]);
    expect(() => tokens('"\\256"')).toThrow("escape sequence too large near '\"'");
    expect(() => tokens('"abc\ndef"')).toThrow("unfinished string near '\"abc'");
    expect(() => tokens('"abc')).toThrow("unfinished string near '<eof>'");
  });

  test("long strings and comments of any level", () => {
    expect(values("[[\nfirst newline skipped]] [==[a]]b]=]c]==]")).toEqual([
      "first newline skipped",
      "a]]b]=]c",
    ]);
    expect(values("x --[[ long\ncomment ]] y -- line comment\nz --[==[ ]] ]==] w")).toEqual([
      "x",
      "y",
      "z",
      "w",
    ]);
    expect(() => tokens("[[abc")).toThrow("unfinished long string near '<eof>'");
    expect(() => tokens("--[[abc")).toThrow("unfinished long comment near '<eof>'");
  });

  test("line numbers count \\n, \\r\\n and newlines inside long strings", () => {
    const ts = tokens("a\nb\r\nc [[\n\n]] d");
    expect(ts.map((t) => t.line)).toEqual([1, 2, 3, 3, 5]);
  });

  test("binary bytes pass through strings", () => {
    expect(values('"\x80\xff\x00"')).toEqual(["\x80\xff\x00"]);
  });

  test("chunk ids", () => {
    expect(chunkId("@user_script")).toBe("user_script");
    expect(chunkId("=stdin")).toBe("stdin");
    expect(chunkId("return 1")).toBe('[string "return 1"]');
    expect(chunkId("x = 1\ny = 2")).toBe('[string "x = 1..."]');
  });
});

import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

const m = (s: string, p: string) => runLua(`return string.match(...)`, [s, p]);

describe("Lua patterns", () => {
  test("classes and their complements", () => {
    expect(m("abc123 !", "%a+")).toEqual(["abc"]);
    expect(m("abc123 !", "%d+")).toEqual(["123"]);
    expect(m("abc123 !", "%s")).toEqual([" "]);
    expect(m("abc123 !", "%p")).toEqual(["!"]);
    expect(m("abc123 !", "%W+")).toEqual([" !"]);
    expect(m("ABcd", "%u+%l+")).toEqual(["ABcd"]);
    expect(m("\0x", "%z")).toEqual(["\0"]);
    expect(m("0xBEEF", "%x+$")).toEqual(["BEEF"]);
    expect(m("\x01\x7f", "%c+")).toEqual(["\x01\x7f"]);
  });

  test("sets, ranges, escapes inside sets", () => {
    expect(m("hello-world", "[%w-]+")).toEqual(["hello-world"]);
    expect(m("a]b", "[]]")).toEqual(["]"]);
    expect(m("x^y", "[%^]")).toEqual(["^"]);
    expect(m("abcxyz", "[^a-c]+")).toEqual(["xyz"]);
  });

  test("quantifiers * + - ? are greedy or lazy as in Lua", () => {
    expect(m("<a><b>", "<.*>")).toEqual(["<a><b>"]);
    expect(m("<a><b>", "<.->")).toEqual(["<a>"]);
    expect(m("color colour", "colou?r")).toEqual(["color"]);
    expect(m("aaa", "a+")).toEqual(["aaa"]);
    expect(m("", "a*")).toEqual([""]);
  });

  test("anchors, captures, position captures, back references", () => {
    expect(m("hello", "^h")).toEqual(["h"]);
    expect(m("hello", "^e")).toEqual([undefined]);
    expect(m("a$b", "a$")).toEqual([undefined]);
    expect(m("a$b", "a%$b")).toEqual(["a$b"]);
    expect(m("key = value", "(%w+)%s*=%s*(%w+)")).toEqual(["key", "value"]);
    expect(m("hello", "()ll()")).toEqual([3, 5]);
    expect(m('say "hi" now', "([\"'])(.-)%1")).toEqual(['"', "hi"]);
    expect(m("((a))", "((%b()))")).toEqual(["((a))", "((a))"]);
  });

  test("%b and %f", () => {
    expect(m("x = f(a, g(b)) + 1", "%b()")).toEqual(["(a, g(b))"]);
    expect(runLua("return (string.gsub('THE (quick) fox', '%f[%a]%a+', 'W'))")).toEqual([
      "W (W) W",
    ]);
    expect(runLua("return (string.gsub('hello world', '%f[%w]%w', string.upper))")).toEqual([
      "Hello World",
    ]);
  });

  test("gmatch, gsub with every replacement kind", () => {
    expect(
      runLua(
        "local t = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do t[#t+1] = k .. v end return table.concat(t, ';')",
      ),
    )
      .toEqual(["a1;b2"]);
    expect(runLua("return string.gsub('hello world', '(%w+)', '<%1>')")).toEqual([
      "<hello> <world>",
      2,
    ]);
    expect(runLua("return string.gsub('abc', '%w', '%%%0')")).toEqual(["%a%b%c", 3]);
    expect(runLua("return string.gsub('$name is $age', '%$(%w+)', {name = 'Ann', age = 7})"))
      .toEqual(["Ann is 7", 2]);
    expect(runLua("return string.gsub('abc', '', '-')")).toEqual(["-a-b-c-", 4]);
    expect(runLua("return string.gsub('aaa', '^a', 'b')")).toEqual(["baa", 1]);
    expect(runLua("return string.gsub('abc', '.', {a = false})")).toEqual(["abc", 3]);
  });

  test("malformed patterns raise Lua's errors", () => {
    expect(luaErrorOf("string.find('a', '%')")).toBe(
      "user_script:1: malformed pattern (ends with '%')",
    );
    expect(luaErrorOf("string.find('a', '[a')")).toBe(
      "user_script:1: malformed pattern (missing ']')",
    );
    expect(luaErrorOf("string.find('a', '(a')")).toBe("user_script:1: unfinished capture");
    expect(luaErrorOf("string.match('a', 'a)')")).toBe("user_script:1: invalid pattern capture");
    expect(luaErrorOf("string.gsub('a', 'a', '%1%2')")).toBe(
      "user_script:1: invalid capture index",
    );
    expect(luaErrorOf("string.find('a', '%f')")).toBe(
      "user_script:1: missing '[' after '%f' in pattern",
    );
  });

  test("long subjects do not exhaust the stack", () => {
    const s = "x".repeat(200000);
    expect(runLua("return #string.match(..., 'x+')", [s])).toEqual([200000]);
    expect(runLua("return #string.match(..., '.-$')", [s])).toEqual([200000]);
  });
});

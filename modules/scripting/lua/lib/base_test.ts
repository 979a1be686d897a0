import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

describe("base library", () => {
  test("error levels and positions", () => {
    expect(luaErrorOf("error('x')")).toBe("user_script:1: x");
    expect(luaErrorOf("error('x', 0)")).toBe("x");
    expect(luaErrorOf("local function f() error('deep', 2) end\nf()")).toBe("user_script:2: deep");
    expect(runLua("return select(2, pcall(error, {code = 1})).code")).toEqual([1]);
    expect(runLua("return pcall(error)")).toEqual([false, undefined]);
    expect(luaErrorOf("assert(false)")).toBe("user_script:1: assertion failed!");
    expect(luaErrorOf("assert(nil, 'custom')")).toBe("user_script:1: custom");
    expect(runLua("return assert(1, 2)")).toEqual([1, 2]);
  });

  test("pcall and xpcall", () => {
    expect(runLua("return pcall(function(a, b) return a + b end, 1, 2)")).toEqual([true, 3]);
    expect(
      runLua("return xpcall(function() error('E') end, function(m) return 'handled: ' .. m end)"),
    )
      .toEqual([false, "handled: user_script:1: E"]);
    expect(runLua("return pcall(string.rep)")).toEqual([
      false,
      "bad argument #1 to '?' (string expected, got no value)",
    ]);
  });

  test("select, unpack, next, pairs, ipairs", () => {
    expect(runLua("return select('#', 1, nil, nil), select(2, 'a', 'b', 'c')")).toEqual([
      3,
      "b",
      "c",
    ]);
    expect(runLua("return select(-1, 'a', 'b')")).toEqual(["b"]);
    expect(runLua("return unpack({1, 2, 3}, 2)")).toEqual([2, 3]);
    expect(luaErrorOf("local t = {} for i = 1, 8000 do t[i] = i end return unpack(t)")).toBe(
      "user_script:1: too many results to unpack",
    );
    expect(runLua("return next({})")).toEqual([undefined]);
    expect(runLua("local s = 0 for i, v in ipairs({1, 2, nil, 4}) do s = s + v end return s"))
      .toEqual([3]);
    expect(runLua("local n = 0 for k in pairs({a = 1, b = 2, 3}) do n = n + 1 end return n"))
      .toEqual([3]);
  });

  test("tonumber, tostring, type, raw access, metatables", () => {
    expect(
      runLua(
        "return tonumber('0x1F'), tonumber('ff', 16), tonumber('zz', 36), tonumber('8', 8), tonumber('x')",
      ),
    )
      .toEqual([31, 255, 1295, undefined, undefined]);
    expect(
      runLua(
        "return tostring(nil), tostring(1e15), tostring(setmetatable({}, {__tostring = function() return 'T' end}))",
      ),
    )
      .toEqual(["nil", "1e+15", "T"]);
    expect(runLua("return tostring({}):match('^table: 0x%x+$') ~= nil, type(print)")).toEqual([
      true,
      "nil",
    ]);
    expect(
      runLua(
        "return rawget(setmetatable({}, {__index = function() return 1 end}), 'x'), rawequal('a', 'a')",
      ),
    )
      .toEqual([undefined, true]);
    expect(runLua("return getmetatable(setmetatable({}, {__metatable = 'locked'}))")).toEqual([
      "locked",
    ]);
    expect(luaErrorOf("setmetatable(setmetatable({}, {__metatable = 1}), {})")).toBe(
      "user_script:1: cannot change a protected metatable",
    );
    expect(runLua("return getmetatable('').__index == string")).toEqual([true]);
  });

  test("loadstring compiles chunks with Lua's names", () => {
    expect(runLua("return loadstring('return 1 + 1')()")).toEqual([2]);
    expect(runLua("return loadstring('x = ')")).toEqual([
      undefined,
      `[string "x = "]:1: unexpected symbol near '<eof>'`,
    ]);
    expect(runLua("return select(2, loadstring('x = 1 +', '=mychunk'))")).toEqual([
      "mychunk:1: unexpected symbol near '<eof>'",
    ]);
  });
});

describe("string.dump and binary chunks", () => {
  test("dump gives a binary chunk header that loadstring refuses (Redis 7.4: nil, message)", () => {
    expect(
      runLua(
        "local f, e = loadstring(string.dump(function() return 1 end)) return f == nil, type(e)",
      ),
    ).toEqual([
      true,
      "string",
    ]);
    expect(luaErrorOf("return string.dump(string.len)")).toContain("unable to dump given function");
  });
});

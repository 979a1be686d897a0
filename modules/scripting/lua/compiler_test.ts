import { describe, expect, test } from "bun:test";
import { compile } from "./compiler.ts";
import { parse } from "./parser.ts";
import { runLua } from "./test_util.ts";

describe("closures and upvalues", () => {
  test("two closures share one upvalue", () => {
    expect(runLua(`
      local function pair() local n = 0
        return function() n = n + 1 return n end, function() return n end end
      local inc, get = pair()
      inc() inc()
      return get()`)).toEqual([2]);
  });

  test("each loop iteration captures a fresh local (numeric and generic for, while)", () => {
    expect(runLua(`
      local fs = {}
      for i = 1, 3 do fs[#fs + 1] = function() return i end end
      for _, v in ipairs({10, 20}) do fs[#fs + 1] = function() return v end end
      local j = 0
      while j < 2 do j = j + 1 local k = j * 100 fs[#fs + 1] = function() return k end end
      local out = {}
      for n = 1, #fs do out[n] = fs[n]() end
      return table.concat(out, ',')`)).toEqual(["1,2,3,10,20,100,200"]);
  });

  test("captured parameters, multiple assignment, shadowing, three levels deep", () => {
    expect(runLua(`
      local function outer(a)
        local function mid()
          local function inner() a = a + 1 return a end
          return inner
        end
        local f = mid()
        f() f()
        return a
      end
      return outer(5)`)).toEqual([7]);
    expect(runLua(`
      local a, b = 1, 2
      local swap = function() a, b = b, a end
      swap()
      local a = 'shadow'
      return a, b`)).toEqual(["shadow", 1]);
  });

  test("recursive local functions and repeat-until conditions see captured locals", () => {
    expect(
      runLua(
        "local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end return fact(10)",
      ),
    )
      .toEqual([3628800]);
    expect(runLua(`
      local fs = {}
      local i = 0
      repeat i = i + 1 local x = i fs[i] = function() return x end until x >= 3
      return fs[1]() + fs[3]()`)).toEqual([4]);
  });

  test("varargs functions as closures", () => {
    expect(
      runLua(
        "local base = 10 local f = function(...) return base + select('#', ...) end return f(1, nil, 3)",
      ),
    )
      .toEqual([13]);
  });
});

describe("generated code", () => {
  test("hoists one generator per prototype and returns the main one", () => {
    const js = compile(parse("local function f() return 1 end return f()", "@t"), "t", "@t");
    expect(js.match(/const P\d+ = function\*/g)?.length).toBe(2);
    expect(js.trimEnd().endsWith("return P0;")).toBe(true);
  });

  test("deeply nested calls do not blow up the code size", () => {
    const src = "return " + "f(".repeat(30) + "1" + ")".repeat(30);
    const js = compile(parse(src, "@t"), "t", "@t");
    expect(js.length).toBeLessThan(20000);
  });

  test("Lua names cannot reach JS identifiers", () => {
    expect(
      runLua(
        "local this, arguments, eval, Function = 1, 2, 3, 4 return this + arguments + eval + Function",
      ),
    )
      .toEqual([10]);
    expect(runLua("return type(Function), type(globalThis), type(constructor)")).toEqual([
      "nil",
      "nil",
      "nil",
    ]);
    expect(
      runLua("local t = {} t.__proto__ = 1 t.constructor = 2 return t.__proto__ + t.constructor"),
    ).toEqual([3]);
  });
});

describe("cached global and library-field reads", () => {
  test("see every write: new, replaced and removed globals and fields, __index fallbacks", () => {
    expect(runLua(`
      local out = {}
      x = 0 string.foo = "z"
      local function read() return tostring(x) .. ":" .. tostring(string.foo) end
      for i = 1, 6 do
        if i == 2 then x = 1 string.foo = "a" end
        if i == 4 then x = 2 string.foo = "b" end
        if i == 5 then x = nil string.foo = nil end
        if i == 6 then setmetatable(_G, { __index = function(_, k) return k .. "!" end }) end
        out[i] = read()
      end
      return table.concat(out, ",")`)).toEqual(["0:z,1:a,1:a,2:b,nil:nil,x!:nil"]);
  });

  test("a site reading fields of different tables never mixes them up", () => {
    expect(runLua(`
      local out = {}
      for i = 1, 4 do
        if i % 2 == 0 then t = { k = "even" .. i } else t = { k = "odd" .. i } end
        out[i] = t.k
      end
      return table.concat(out, ",")`)).toEqual(["odd1,even2,odd3,even4"]);
  });
});

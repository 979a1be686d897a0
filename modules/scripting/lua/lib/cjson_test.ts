import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";
import { JSON_NULL, jsonDecode, jsonEncode } from "./cjson.ts";
import { LuaTable } from "../value.ts";

describe("cjson.encode", () => {
  test("scalars, arrays with holes, objects, empty table", () => {
    expect(runLua("return cjson.encode({1, 2, nil, 4})")).toEqual(["[1,2,null,4]"]);
    expect(runLua("return cjson.encode({})")).toEqual(["{}"]);
    expect(runLua("return cjson.encode({a = 1})")).toEqual(['{"a":1}']);
    expect(runLua("return cjson.encode({[1.5] = true})")).toEqual(['{"1.5":true}']);
    expect(runLua("return cjson.encode(cjson.null)")).toEqual(["null"]);
    expect(runLua("return cjson.encode(1e15), cjson.encode(0.1), cjson.encode(-0)")).toEqual([
      "1e+15",
      "0.1",
      "-0",
    ]);
    expect(jsonEncode('a/b"\\\n\x01\x7f\xff')).toBe('"a\\/b\\"\\\\\\n\\u0001\\u007f\xff"');
  });

  test("sparse arrays, bad keys, bad values, nesting", () => {
    expect(luaErrorOf("cjson.encode({[1] = 1, [20] = 2})")).toBe(
      "user_script:1: Cannot serialise table: excessively sparse array",
    );
    expect(runLua("return cjson.encode({[3] = 1})")).toEqual(["[null,null,1]"]);
    expect(luaErrorOf("cjson.encode({[true] = 1})")).toBe(
      "user_script:1: Cannot serialise boolean: table key must be a number or string",
    );
    expect(luaErrorOf("cjson.encode(print or error)")).toBe(
      "user_script:1: Cannot serialise function: type not supported",
    );
    expect(luaErrorOf("cjson.encode(0/0)")).toBe(
      "user_script:1: Cannot serialise number: must not be NaN or Inf",
    );
    expect(
      luaErrorOf(
        "local t = {} local c = t for i = 1, 1001 do c[1] = {} c = c[1] end cjson.encode(t)",
      ),
    )
      .toBe("user_script:1: Cannot serialise, excessive nesting (1001)");
  });
});

describe("cjson.decode", () => {
  test("values, nesting, null, unicode escapes to UTF-8", () => {
    const t = jsonDecode('{"a":[1,{"b":null}],"s":"\\u00e9\\ud83d\\ude00","n":-1.5e2}') as LuaTable;
    const a = t.get("a") as LuaTable;
    expect(a.get(1)).toBe(1);
    expect((a.get(2) as LuaTable).get("b")).toBe(JSON_NULL);
    expect(t.get("s")).toBe("\xc3\xa9\xf0\x9f\x98\x80");
    expect(t.get("n")).toBe(-150);
    expect(runLua("return cjson.decode('[true,false]')[2]")).toEqual([false]);
  });

  test("Redis's build also accepts hex, inf and nan numbers", () => {
    expect(jsonDecode("0x10")).toBe(16);
    expect(jsonDecode("[1e400]") instanceof LuaTable).toBe(true);
    expect(jsonDecode("nan")).toBeNaN();
  });

  test("errors name the token and the 1-based character", () => {
    expect(luaErrorOf("cjson.decode('')")).toBe(
      "user_script:1: Expected value but found T_END at character 1",
    );
    expect(luaErrorOf("cjson.decode('[1,2')")).toBe(
      "user_script:1: Expected comma or array end but found T_END at character 5",
    );
    expect(luaErrorOf("cjson.decode('{\"a\":1,}')")).toBe(
      "user_script:1: Expected object key string but found T_OBJ_END at character 8",
    );
    expect(luaErrorOf("cjson.decode('[\"a\\\\x\"]')")).toBe(
      "user_script:1: Expected value but found invalid escape code at character 4",
    );
    expect(luaErrorOf("cjson.decode('[1] x')")).toBe(
      "user_script:1: Expected the end but found invalid token at character 5",
    );
    expect(luaErrorOf("cjson.decode(string.rep('[', 1001))")).toBe(
      "user_script:1: Found too many nested data structures (1001) at character 1001",
    );
  });
});

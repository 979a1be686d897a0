import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";
import { msgpackDecode, msgpackEncode } from "./cmsgpack.ts";
import { LuaTable } from "../value.ts";

const bytes = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe("cmsgpack", () => {
  test("integers use the smallest encoding", () => {
    expect(bytes(msgpackEncode(1))).toEqual([1]);
    expect(bytes(msgpackEncode(-1))).toEqual([0xff]);
    expect(bytes(msgpackEncode(128))).toEqual([0xcc, 0x80]);
    expect(bytes(msgpackEncode(-33))).toEqual([0xd0, 0xdf]);
    expect(bytes(msgpackEncode(65536))).toEqual([0xce, 0, 1, 0, 0]);
    expect(bytes(msgpackEncode(-40000))).toEqual([0xd2, 0xff, 0xff, 0x63, 0xc0]);
    expect(bytes(msgpackEncode(2 ** 32))).toEqual([0xcf, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  test("floats, strings, tables, nil and booleans", () => {
    expect(bytes(msgpackEncode(1.5))).toEqual([0xca, 0x3f, 0xc0, 0, 0]);
    expect(bytes(msgpackEncode(0.1))[0]).toBe(0xcb);
    expect(bytes(msgpackEncode("abc"))).toEqual([0xa3, 97, 98, 99]);
    expect(bytes(msgpackEncode("x".repeat(40))).slice(0, 2)).toEqual([0xd9, 40]);
    expect(bytes(msgpackEncode(LuaTable.fromArray([1, 2])))).toEqual([0x92, 1, 2]);
    expect(bytes(msgpackEncode(new LuaTable()))).toEqual([0x90]);
    expect(bytes(msgpackEncode(undefined))).toEqual([0xc0]);
  });

  test("round trips through pack/unpack, unpack_one and unpack_limit", () => {
    expect(runLua("return cmsgpack.unpack(cmsgpack.pack(1, 'two', 3.25, -7, true))")).toEqual([
      1,
      "two",
      3.25,
      -7,
      true,
    ]);
    expect(runLua("return cmsgpack.unpack(cmsgpack.pack({a = {b = 'c'}})).a.b")).toEqual(["c"]);
    expect(runLua("return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))")).toEqual([1, 1]);
    expect(runLua("return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)")).toEqual([2, 1, 2]);
    expect(runLua("return cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1)")).toEqual([-1, 2]);
    expect(msgpackDecode("\x01\x02", 0, 0)).toEqual({ values: [1, 2], next: -1 });
  });

  test("bad input", () => {
    expect(luaErrorOf("cmsgpack.unpack('\\205\\1')")).toBe(
      "user_script:1: Missing bytes in input.",
    );
    expect(luaErrorOf("cmsgpack.unpack('\\193')")).toBe("user_script:1: Bad data format in input.");
  });
});

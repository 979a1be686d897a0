import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

describe("struct", () => {
  test("pack integers with endianness and sizes", () => {
    expect(runLua("return struct.pack('>I2i4', 258, -1):byte(1, -1)")).toEqual([
      1,
      2,
      255,
      255,
      255,
      255,
    ]);
    expect(runLua("return struct.pack('<H', 258):byte(1, -1)")).toEqual([2, 1]);
    expect(runLua("return struct.pack('<f', 1.5):byte(1, -1)")).toEqual([0, 0, 0xc0, 0x3f]);
  });

  test("unpack returns values and the next position", () => {
    expect(runLua("return struct.unpack('<hHb', struct.pack('<hHb', -2, 65535, -1))")).toEqual([
      -2,
      65535,
      -1,
      6,
    ]);
    expect(runLua("return struct.unpack('>d', struct.pack('>d', 3.25))")).toEqual([3.25, 9]);
    expect(runLua("return struct.unpack('s', 'abc\\0def')")).toEqual(["abc", 5]);
    expect(runLua("return struct.unpack('bc0', '\\3abcdef')")).toEqual(["abc", 5]);
    expect(runLua("return struct.unpack('>i2', 'xx\\0\\5', 3)")).toEqual([5, 5]);
  });

  test("size and alignment", () => {
    expect(runLua("return struct.size('>iId'), struct.size('!4bi'), struct.size('bi')")).toEqual([
      16,
      8,
      5,
    ]);
  });

  test("errors", () => {
    expect(luaErrorOf("struct.pack('y', 1)")).toBe(
      "user_script:1: bad argument #1 to 'pack' (invalid format option 'y')",
    );
    expect(luaErrorOf("struct.unpack('i4', 'ab')")).toBe(
      "user_script:1: bad argument #2 to 'unpack' (data string too short)",
    );
    expect(luaErrorOf("struct.size('s')")).toBe(
      "user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)",
    );
  });
});

import { describe, expect, test } from "bun:test";
import { FormatError, latin1ToBytes } from "./bytes.ts";
import { listpackDecode, listpackEncode, listpackEntrySize } from "./listpack.ts";

describe("listpack", () => {
  test("every integer width, at its boundaries", () => {
    const ints = [
      0,
      127,
      128,
      -1,
      -4096,
      4095,
      4096,
      -4097,
      32767,
      -32768,
      32768,
      8388607,
      -8388608,
      8388608,
      2147483647,
      -2147483648,
      2147483648,
    ];
    const items = [...ints.map(String), "9223372036854775807", "-9223372036854775808"];
    const blob = listpackEncode(items);
    expect(listpackDecode(blob)).toEqual(items);
    // entry sizes (encoding + payload + backlen) for: 7-bit, 13-bit, 16, 24, 32 and 64-bit ints
    expect(items.map(listpackEntrySize)).toEqual([
      2,
      2,
      3,
      3,
      3,
      3,
      4,
      4,
      4,
      4,
      5,
      5,
      5,
      6,
      6,
      6,
      10,
      10,
      10,
    ]);
    expect(blob.length).toBe(7 + items.map(listpackEntrySize).reduce((a, b) => a + b));
  });

  test("string lengths across the 6/12/32-bit forms and multi-byte backlens", () => {
    const items = [
      "",
      "a",
      "x".repeat(63),
      "y".repeat(64),
      "z".repeat(126),
      "w".repeat(4095),
      "v".repeat(4096),
      "u".repeat(20000),
      "12a",
      "01",
      "-0",
      "1.5",
    ];
    const blob = listpackEncode(items);
    expect(listpackDecode(blob)).toEqual(items);
    expect(blob.length).toBe(7 + items.map(listpackEntrySize).reduce((a, b) => a + b));
  });

  test("a hand-built listpack (layout from the format description)", () => {
    // 13 bytes, 2 entries: "ab" (0x82 'a' 'b', backlen 3) and 5 (0x05, backlen 1), then 0xFF
    const fixed = new Uint8Array([13, 0, 0, 0, 2, 0, 0x82, 97, 98, 3, 0x05, 1, 0xff]);
    expect(listpackDecode(fixed)).toEqual(["ab", "5"]);
    expect(listpackEncode(["ab", "5"])).toEqual(fixed);
  });

  test("unknown element count (65535) is accepted", () => {
    const blob = listpackEncode(["a", "b"]);
    blob[4] = 0xff;
    blob[5] = 0xff;
    expect(listpackDecode(blob)).toEqual(["a", "b"]);
  });

  test("corruption is detected and located", () => {
    const good = listpackEncode(["hello", "42", "world"]);
    const mutate = (f: (b: Uint8Array) => void) => {
      const b = good.slice();
      f(b);
      return () => listpackDecode(b, { base: 1000 });
    };
    expect(mutate((b) => (b[0] = 99))).toThrow(/claims 99 bytes/);
    expect(mutate((b) => (b[4] = 7))).toThrow(/count 7 but 3 entries/);
    expect(mutate((b) => (b[12] = 9))).toThrow(/backlen/);
    expect(mutate((b) => (b[good.length - 1] = 0x81))).toThrow(FormatError);
    expect(mutate((b) => (b[6] = 0xf7))).toThrow(
      /bad listpack entry encoding 0xf7 \(at offset 1006\)/,
    );
    expect(() => listpackDecode(latin1ToBytes("\x07\0\0\0\0\0"))).toThrow(/claims 7 bytes/);
  });
});

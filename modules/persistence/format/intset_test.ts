import { describe, expect, test } from "bun:test";
import { intsetDecode, intsetEncode } from "./intset.ts";

describe("intset", () => {
  test("picks the narrowest width and sorts", () => {
    const cases: [string[], number][] = [
      [["3", "-1", "2"], 2],
      [["1", "40000"], 4],
      [["1", "-2147483649"], 8],
      [["9223372036854775807", "-9223372036854775808"], 8],
    ];
    for (const [members, width] of cases) {
      const blob = intsetEncode(members)!;
      expect(blob[0]).toBe(width);
      expect(blob.length).toBe(8 + members.length * width);
      expect(intsetDecode(blob)).toEqual(
        [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
      );
    }
  });

  test("non-integers can't be an intset", () => {
    expect(intsetEncode(["1", "x"])).toBeNull();
    expect(intsetEncode(["01"])).toBeNull();
  });

  test("rejects bad widths, sizes and order", () => {
    const blob = intsetEncode(["1", "2"])!;
    const bad = (f: (b: Uint8Array) => void) => {
      const b = blob.slice();
      f(b);
      return () => intsetDecode(b);
    };
    expect(bad((b) => (b[0] = 3))).toThrow(/width 3/);
    expect(bad((b) => (b[4] = 9))).toThrow(/intset of 9/);
    expect(bad((b) => (b[8] = 5))).toThrow(/ascending/);
  });
});

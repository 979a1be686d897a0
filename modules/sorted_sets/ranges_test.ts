import { describe, expect, test } from "bun:test";
import {
  formatScore17,
  lexSpan,
  limitSpan,
  parseLexRange,
  parseScore,
  parseScoreRange,
  scoreSpan,
} from "./ranges.ts";
import { ZSet } from "./zset.ts";
import { ScoreTree } from "./btree.ts";

describe("parseScore (string2d)", () => {
  test("accepts what Redis accepts", () => {
    expect(parseScore("1.5")).toBe(1.5);
    expect(parseScore("-inf")).toBe(-Infinity);
    expect(parseScore("+Infinity")).toBe(Infinity);
    expect(parseScore("0x10")).toBe(16);
    expect(parseScore("1e-300")).toBe(1e-300);
    expect(Object.is(parseScore("-0"), -0)).toBe(true);
  });
  test("refuses NaN, spaces, overflow and underflow", () => {
    for (
      const s of ["", " 1", "1 ", "nan", "abc", "1e400", "-1e400", "1e-400", "0x1p-2000", "1.5.5"]
    ) {
      expect(parseScore(s)).toBe(null);
    }
  });
});

describe("score ranges (strtod)", () => {
  test("exclusive bounds, empty bound, leading space", () => {
    expect(parseScoreRange("(1", "+inf")).toEqual({
      min: 1,
      minex: true,
      max: Infinity,
      maxex: false,
    });
    expect(parseScoreRange("", "(")).toEqual({ min: 0, minex: false, max: 0, maxex: true });
    expect(parseScoreRange(" 2", "1e400")).toEqual({
      min: 2,
      minex: false,
      max: Infinity,
      maxex: false,
    });
    for (const [a, b] of [["nan", "1"], ["1", "(nan"], ["1 ", "2"], ["x", "1"], [" ", "1"]]) {
      expect(() => parseScoreRange(a, b)).toThrow("ERR min or max is not a float");
    }
  });
  test("rank spans agree between the two encodings", () => {
    const flat = new ZSet();
    const tree = new ScoreTree();
    for (let i = 0; i < 500; i++) {
      flat.insert(i % 10, "m" + i);
      tree.insert(i % 10, "m" + i);
    }
    for (
      const [a, b] of [["(2", "5"], ["2", "(5"], ["-inf", "+inf"], ["(9", "+inf"], ["5", "2"], [
        "3",
        "(3",
      ]]
    ) {
      expect(scoreSpan(tree, parseScoreRange(a, b))).toEqual(
        scoreSpan(flat, parseScoreRange(a, b)),
      );
    }
    expect(scoreSpan(flat, parseScoreRange("(2", "5"))).toEqual([150, 300]);
  });
});

describe("lex ranges", () => {
  test("parsing and spans", () => {
    const o = ZSet.fromSorted(["a", "b", "c", "d"], [0, 0, 0, 0], { entries: 128, value: 64 });
    expect(lexSpan(o, ...parseLexRange("-", "+"))).toEqual([0, 4]);
    expect(lexSpan(o, ...parseLexRange("(a", "[c"))).toEqual([1, 3]);
    expect(lexSpan(o, ...parseLexRange("+", "-"))).toEqual([4, 4]);
    expect(lexSpan(o, ...parseLexRange("[", "(b"))).toEqual([0, 1]);
    for (const [a, b] of [["a", "+"], ["--", "+"], ["-", "+x"]]) {
      expect(() => parseLexRange(a, b)).toThrow("ERR min or max not valid string range item");
    }
  });
});

describe("limitSpan", () => {
  test("offsets and counts in both directions", () => {
    expect(limitSpan(2, 8, { reverse: false, offset: 1, count: 3, big: false })).toEqual([3, 3]);
    expect(limitSpan(2, 8, { reverse: true, offset: 1, count: -1, big: false })).toEqual([6, 5]);
    expect(limitSpan(2, 8, { reverse: false, offset: 6, count: 1, big: false })).toEqual([0, 0]);
    expect(limitSpan(2, 8, { reverse: false, offset: -1, count: 5, big: false })).toEqual([0, 0]);
  });
  test("negative offsets on the big encoding count from the far end (Redis 7.4)", () => {
    expect(limitSpan(2, 8, { reverse: false, offset: -2, count: 5, big: true })).toEqual([6, 2]);
    expect(limitSpan(2, 8, { reverse: true, offset: -2, count: 5, big: true })).toEqual([3, 2]);
    expect(limitSpan(2, 8, { reverse: false, offset: -7, count: 5, big: true })).toEqual([0, 0]);
  });
});

describe("formatScore17", () => {
  test("matches C's %.17g", () => {
    const cases: [number, string][] = [
      [1.1, "1.1000000000000001"],
      [0.1, "0.10000000000000001"],
      [1e20, "1e+20"],
      [1e16, "10000000000000000"],
      [1e17, "1e+17"],
      [123456789012345678, "1.2345678901234568e+17"],
      [3.0e-5, "3.0000000000000001e-05"],
      [1e-4, "0.0001"],
      [0.0001234, "0.00012339999999999999"],
      [-2.5, "-2.5"],
      [1 / 3, "0.33333333333333331"],
      [5e-324, "4.9406564584124654e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [100, "100"],
      [9.999999999999998e16, "99999999999999984"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [-0, "-0"],
    ];
    for (const [d, s] of cases) expect(formatScore17(d)).toBe(s);
  });
});

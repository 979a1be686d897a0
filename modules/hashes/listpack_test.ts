import { describe, expect, test } from "bun:test";
import {
  appendPair,
  eachPair,
  fieldAt,
  fieldIndex,
  findField,
  movePair,
  nextPair,
  pairPosition,
  removePair,
  replaceValue,
  valueAt,
} from "./listpack.ts";

const pair = (f: string, v: string) => appendPair("", f, v);

function pairsOf(lp: string): string[] {
  const out: string[] = [];
  eachPair(lp, (f, v) => void out.push(f, v));
  return out;
}

describe("packed listpack", () => {
  test("headers: one char below 255, five chars from 255 up; binary content", () => {
    expect(pair("ab", "")).toBe("\x02ab\x00");
    const long = "x".repeat(300);
    expect(pair(long, "").slice(0, 5)).toBe("\xff\x2c\x01\x00\x00");
    const binary = "\xff\x00\r\n\xfe";
    const lp = pair(binary, long) + pair("k", "\xff".repeat(255));
    expect(pairsOf(lp)).toEqual([binary, long, "k", "\xff".repeat(255)]);
    expect(valueAt(lp, findField(lp, "k"))).toBe("\xff".repeat(255));
    expect(fieldAt(lp, 0)).toBe(binary);
  });

  test("a field never matches inside another entry or a value", () => {
    const lp = pair("abc", "b") + pair("b", "abc");
    expect(findField(lp, "b")).toBe(nextPair(lp, 0));
    expect(findField(lp, "bc")).toBe(-1);
    expect(findField(lp, "abc")).toBe(0);
    expect(fieldIndex(lp, "b")).toBe(1);
    expect(fieldIndex(lp, "zz")).toBe(-1);
  });

  test("random edits agree with an array of pairs", () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const word = () => {
      const len = [0, 1, 3, 254, 255, 256, 600][rand(7)];
      let s = "";
      for (let i = 0; i < len; i++) s += String.fromCharCode(rand(256));
      return s;
    };
    let lp = "";
    let model: string[] = [];
    const fields = Array.from({ length: 12 }, word);
    for (let step = 0; step < 2000; step++) {
      const f = fields[rand(fields.length)];
      const at = model.findIndex((x, i) => i % 2 === 0 && x === f);
      const pos = findField(lp, f);
      expect(pos >= 0).toBe(at >= 0);
      const op = rand(3);
      if (op === 0 && at >= 0) {
        lp = removePair(lp, pos);
        model.splice(at, 2);
      } else if (at >= 0) {
        const v = word();
        lp = replaceValue(lp, pos, v);
        model[at + 1] = v;
      } else {
        const v = word();
        lp += pair(f, v);
        model = [...model, f, v];
      }
      expect(pairsOf(lp)).toEqual(model);
    }
    expect(pairPosition(lp, model.length / 2)).toBe(lp.length);
    if (model.length >= 4) {
      const moved = [...model.slice(2, 4), ...model.slice(0, 2), ...model.slice(4)];
      expect(pairsOf(movePair(lp, 0, 1))).toEqual(moved);
    }
  });
});

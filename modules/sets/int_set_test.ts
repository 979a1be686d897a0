import { describe, expect, test } from "bun:test";
import { intMember, IntSet } from "./int_set.ts";

describe("intMember", () => {
  test("accepts canonical int64 only", () => {
    expect(intMember("0")).toBe(0);
    expect(intMember("-17")).toBe(-17);
    expect(intMember("9007199254740991")).toBe(9007199254740991);
    expect(intMember("9007199254740993")).toBe(9007199254740993n);
    expect(intMember("-9223372036854775808")).toBe(-9223372036854775808n);
    for (
      const bad of ["", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808", "abc"]
    ) {
      expect(intMember(bad)).toBe(null);
    }
  });
});

describe("IntSet", () => {
  test("keeps members sorted and unique", () => {
    const s = new IntSet();
    for (const v of [5, -3, 100, 5, 0, -3, 42]) s.add(v);
    expect(s.toArray()).toEqual(["-3", "0", "5", "42", "100"]);
    expect(s.has(42)).toBe(true);
    expect(s.has(41)).toBe(false);
    expect(s.delete(0)).toBe(true);
    expect(s.delete(0)).toBe(false);
    expect(s.toArray()).toEqual(["-3", "5", "42", "100"]);
    expect(s.deleteAt(0)).toBe("-3");
    expect([s.min(), s.max(), s.size]).toEqual([5, 100, 3]);
  });

  test("widens to 64-bit slots when a value beyond 2^53 arrives", () => {
    const s = new IntSet();
    for (let i = 0; i < 10; i++) s.add(i * 1000);
    s.add(9223372036854775807n);
    s.add(-9223372036854775808n);
    s.add(77);
    expect(s.has(77)).toBe(true);
    expect(s.has(9223372036854775807n)).toBe(true);
    expect(s.toArray()[0]).toBe("-9223372036854775808");
    expect(s.toArray().at(-1)).toBe("9223372036854775807");
    expect(s.size).toBe(13);
    expect(s.delete(5000)).toBe(true);
    expect(s.clone().toArray()).toEqual(s.toArray());
  });

  test("matches a reference through random inserts and deletes", () => {
    const s = new IntSet();
    const ref = new Set<number>();
    let seed = 3;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 5000; i++) {
      const v = Math.floor(rnd() * 600) - 300;
      if (rnd() < 0.6) {
        expect(s.add(v)).toBe(!ref.has(v));
        ref.add(v);
      } else {
        expect(s.delete(v)).toBe(ref.delete(v));
      }
    }
    expect(s.toArray()).toEqual([...ref].sort((a, b) => a - b).map(String));
  });
});

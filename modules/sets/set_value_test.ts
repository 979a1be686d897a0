import { describe, expect, test } from "bun:test";
import {
  createSet,
  DEFAULT_LIMITS,
  emptySet,
  setFromArray,
  type SetLimits,
  setType,
  setWithEncoding,
} from "./set_value.ts";

const L = DEFAULT_LIMITS;
const range = (n: number, f: (i: number) => string = String) =>
  Array.from({ length: n }, (_, i) => f(i));

describe("SetValue encodings", () => {
  test("a new set's encoding comes from its first member and the size hint", () => {
    expect(createSet("7", 1, L).encoding).toBe("intset");
    expect(createSet("07", 1, L).encoding).toBe("listpack");
    expect(createSet("7", 513, L).encoding).toBe("hashtable");
    expect(createSet("x", 128, L).encoding).toBe("listpack");
    expect(createSet("x", 129, L).encoding).toBe("hashtable");
  });

  test("intset → listpack for a non-integer when small, → hashtable when large", () => {
    const small = setFromArray(["1", "2", "3"], L);
    small.add("a", L);
    expect(small.encoding).toBe("listpack");
    expect(small.toArray()).toEqual(["1", "2", "3", "a"]);
    const large = setFromArray(range(130), L);
    expect(large.encoding).toBe("intset");
    large.add("a", L);
    expect(large.encoding).toBe("hashtable");
  });

  test("intset → hashtable when a member's digits exceed set-max-listpack-value", () => {
    const limits: SetLimits = { ...L, listpackValue: 3 };
    const s = setFromArray(["1", "1000"], limits);
    s.add("a", limits);
    expect(s.encoding).toBe("hashtable");
  });

  test("intset grows into hashtable past set-max-intset-entries", () => {
    const s = setFromArray(range(512), L);
    expect(s.encoding).toBe("intset");
    s.add("512", L);
    expect(s.encoding).toBe("hashtable");
    expect(s.size).toBe(513);
  });

  test("listpack grows into hashtable past its entry and value limits", () => {
    const s = setFromArray(["a", ...range(127)], L);
    expect(s.encoding).toBe("listpack");
    s.add("b", L);
    expect(s.encoding).toBe("hashtable");
    const t = setFromArray(["a"], L);
    t.add("x".repeat(65), L);
    expect(t.encoding).toBe("hashtable");
  });

  test("fitFor converts up front on a large size hint", () => {
    const s = setFromArray(["a"], L);
    s.fitFor(129, L);
    expect(s.encoding).toBe("hashtable");
    const i = setFromArray(["1"], L);
    i.fitFor(512, L);
    expect(i.encoding).toBe("intset");
    i.fitFor(513, L);
    expect(i.encoding).toBe("hashtable");
  });

  test("shrinkToIntset turns small all-integer sets into intsets", () => {
    const s = emptySet("listpack");
    for (const m of ["3", "1", "2"]) s.add(m, L);
    s.shrinkToIntset(L);
    expect(s.encoding).toBe("intset");
    expect(s.toArray()).toEqual(["1", "2", "3"]);
  });

  test("membership and deletion agree across encodings", () => {
    for (const members of [["1", "2", "3"], ["a", "1", "b"], range(300, (i) => "m" + i)]) {
      const s = setFromArray(members, L);
      for (const m of members) expect(s.has(m)).toBe(true);
      expect(s.has("nope")).toBe(false);
      expect(s.has("-0")).toBe(false);
      expect(s.delete(members[1])).toBe(true);
      expect(s.delete(members[1])).toBe(false);
      expect(s.size).toBe(members.length - 1);
    }
  });

  test("popRandom and random cover every member", () => {
    for (const members of [["1", "2", "3"], ["a", "b", "c"], range(300, (i) => "m" + i)]) {
      const s = setFromArray(members, L);
      const seen = new Set<string>();
      for (let i = 0; i < 6000; i++) seen.add(s.random());
      expect(seen.size).toBe(members.length);
      const popped: string[] = [];
      while (s.size > 0) popped.push(s.popRandom());
      expect(popped.sort()).toEqual([...members].sort());
    }
  });

  test("the type spec copies deeply and keeps the encoding", () => {
    for (const members of [["1", "2"], ["a"], range(200, (i) => "m" + i)]) {
      const s = setFromArray(members, L);
      const c = setType.copy(s);
      expect(setType.encoding(c)).toBe(s.encoding);
      c.add("extra", L);
      expect(s.has("extra")).toBe(false);
      expect(setType.length!(c)).toBe(members.length + 1);
      expect(setType.memoryUsage!(s)).toBeGreaterThan(0);
    }
  });
});

describe("setWithEncoding", () => {
  test("keeps the given encoding and order, refuses bad input", () => {
    expect(setWithEncoding("listpack", ["b", "1", "a"]).toArray()).toEqual(["b", "1", "a"]);
    const i = setWithEncoding("intset", ["3", "-1"]);
    expect([i.encoding, ...i.toArray()]).toEqual(["intset", "-1", "3"]);
    expect(setWithEncoding("hashtable", ["x"]).encoding).toBe("hashtable");
    expect(() => setWithEncoding("intset", ["a"])).toThrow();
    expect(() => setWithEncoding("listpack", ["a", "a"])).toThrow();
    expect(() => setWithEncoding("hashtable", ["a", "a"])).toThrow();
  });
});

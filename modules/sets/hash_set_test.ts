import { describe, expect, test } from "bun:test";
import { HashSet } from "./hash_set.ts";

describe("HashSet", () => {
  test("add, has, delete against a reference Set through growth and shrinkage", () => {
    const s = new HashSet();
    const ref = new Set<string>();
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20000; i++) {
      const m = "m" + Math.floor(rnd() * 3000);
      if (rnd() < 0.6) {
        expect(s.add(m)).toBe(!ref.has(m));
        ref.add(m);
      } else {
        expect(s.delete(m)).toBe(ref.delete(m));
      }
      if (i % 997 === 0) {
        expect(s.size).toBe(ref.size);
        for (const x of ref) expect(s.has(x)).toBe(true);
      }
    }
    expect(s.toArray().sort()).toEqual([...ref].sort());
    for (const x of [...ref]) s.delete(x);
    expect(s.size).toBe(0);
    expect(s.tableSize).toBe(8);
    expect(s.add("again")).toBe(true);
    expect(s.has("again")).toBe(true);
  });

  test("binary members and the empty string", () => {
    const s = new HashSet();
    for (const m of ["", "\x00", "\xff\r\n", "a\x00b"]) expect(s.add(m)).toBe(true);
    expect(s.has("")).toBe(true);
    expect(s.has("a")).toBe(false);
    expect(s.delete("\x00")).toBe(true);
    expect(s.has("\x00")).toBe(false);
  });

  test("random draws are uniform", () => {
    const s = new HashSet();
    for (let i = 0; i < 10; i++) s.add("x" + i);
    const hist = new Map<string, number>();
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const m = s.random();
      hist.set(m, (hist.get(m) ?? 0) + 1);
    }
    // chi-square with 9 degrees of freedom; 40 is a 0.001% tail
    let chi = 0;
    for (const n of hist.values()) chi += (n - N / 10) ** 2 / (N / 10);
    expect(chi).toBeLessThan(40);
  });

  test("popRandom empties the set exactly once per member", () => {
    const s = new HashSet();
    for (let i = 0; i < 500; i++) s.add(String(i));
    const seen = new Set<string>();
    while (s.size > 0) seen.add(s.popRandom());
    expect(seen.size).toBe(500);
  });

  test("scan returns every member present throughout, across growth and shrinkage", () => {
    const s = new HashSet();
    for (let i = 0; i < 1000; i++) s.add("k" + i);
    const seen = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      cursor = s.scan(cursor, (m) => seen.add(m));
      step++;
      // Churn in the middle of the iteration: grow a lot, then shrink.
      if (step === 50) { for (let i = 1000; i < 5000; i++) s.add("k" + i); }
      if (step === 400) { for (let i = 1000; i < 5000; i++) s.delete("k" + i); }
    } while (cursor !== 0);
    for (let i = 0; i < 1000; i++) expect(seen.has("k" + i)).toBe(true);
  });

  test("clone is independent", () => {
    const s = new HashSet();
    s.add("a");
    const c = s.clone();
    c.add("b");
    s.delete("a");
    expect(c.toArray().sort()).toEqual(["a", "b"]);
    expect(s.size).toBe(0);
  });
});

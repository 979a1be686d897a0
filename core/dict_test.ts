import { describe, expect, test } from "bun:test";
import { Dict, hashString } from "./dict.ts";

function scanAll<V>(d: Dict<V>, between?: (round: number) => void): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let round = 0;
  do {
    cursor = d.scan(cursor, (k) => seen.push(k));
    between?.(round++);
  } while (cursor !== 0);
  return seen;
}

describe("Dict", () => {
  test("set, get, delete, size", () => {
    const d = new Dict<number>();
    for (let i = 0; i < 1000; i++) expect(d.set(`k${i}`, i)).toBe(true);
    expect(d.set("k5", 55)).toBe(false);
    expect(d.size).toBe(1000);
    expect(d.get("k5")).toBe(55);
    expect(d.delete("k5")).toBe(55);
    expect(d.delete("k5")).toBeUndefined();
    expect(d.has("k5")).toBe(false);
    expect(d.size).toBe(999);
  });

  test("binary keys are distinct", () => {
    const d = new Dict<string>();
    d.set("a\x00b", "1");
    d.set("a\x00c", "2");
    d.set("", "empty");
    expect(d.get("a\x00b")).toBe("1");
    expect(d.get("a\x00c")).toBe("2");
    expect(d.get("")).toBe("empty");
    expect(hashString("\xff")).not.toBe(hashString("\xfe"));
  });

  test("shrinks and grows while keeping every key", () => {
    const d = new Dict<number>();
    for (let i = 0; i < 5000; i++) d.set(String(i), i);
    const big = d.bucketCount;
    for (let i = 0; i < 4990; i++) d.delete(String(i));
    expect(d.bucketCount).toBeLessThan(big);
    for (let i = 4990; i < 5000; i++) expect(d.get(String(i))).toBe(i);
    expect([...d.keys()].sort()).toEqual([
      "4990",
      "4991",
      "4992",
      "4993",
      "4994",
      "4995",
      "4996",
      "4997",
      "4998",
      "4999",
    ]);
  });

  test("full scan returns every key exactly once without changes", () => {
    const d = new Dict<number>();
    for (let i = 0; i < 3000; i++) d.set(`key:${i}`, i);
    const seen = scanAll(d);
    expect(seen.length).toBe(3000);
    expect(new Set(seen).size).toBe(3000);
  });

  test("scan guarantee holds while the table grows and shrinks", () => {
    const d = new Dict<number>();
    for (let i = 0; i < 2000; i++) d.set(`stable:${i}`, i);
    for (let i = 0; i < 500; i++) d.set(`churn:${i}`, i);
    let next = 0;
    const seen = new Set(scanAll(d, (round) => {
      // Grow a lot early, then shrink hard: both resize directions mid-scan.
      if (round < 20) { for (let i = 0; i < 400; i++) d.set(`grow:${next++}`, i); }
      else if (round === 20) {
        for (const k of [...d.keys()]) if (!k.startsWith("stable:")) d.delete(k);
      }
    }));
    for (let i = 0; i < 2000; i++) expect(seen.has(`stable:${i}`)).toBe(true);
  });

  test("randomKey and randomSlot", () => {
    const d = new Dict<number>();
    expect(d.randomKey()).toBeUndefined();
    for (let i = 0; i < 50; i++) d.set(String(i), i);
    const hits = new Set<string>();
    for (let i = 0; i < 2000; i++) hits.add(d.randomKey()!);
    expect(hits.size).toBe(50);
    const slot = d.randomSlot();
    expect(d.get(d.keyOf(slot))).toBe(d.valueOf(slot));
  });

  test("deleting while iterating entries is safe", () => {
    const d = new Dict<number>();
    for (let i = 0; i < 100; i++) d.set(String(i), i);
    for (const [k, v] of d.entries()) if (v % 2 === 0) d.delete(k);
    expect(d.size).toBe(50);
  });
});

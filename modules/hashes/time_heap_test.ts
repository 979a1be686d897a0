import { describe, expect, test } from "bun:test";
import { FieldTtls, TimeHeap } from "./time_heap.ts";

describe("TimeHeap", () => {
  test("pops in time order", () => {
    const h = new TimeHeap<number>();
    const times = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    for (const t of times) h.push(t, t);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop()!);
    expect(out).toEqual([...times].sort((a, b) => a - b));
    expect(h.topTime()).toBe(Infinity);
    expect(h.pop()).toBeUndefined();
  });

  test("filter keeps heap order", () => {
    const h = new TimeHeap<number>();
    for (let i = 50; i > 0; i--) h.push(i, i);
    h.filter((t) => t % 3 === 0);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop()!);
    expect(out).toEqual(Array.from({ length: 16 }, (_, i) => 3 * (i + 1)));
  });
});

describe("FieldTtls", () => {
  test("next and popDue skip changed and deleted deadlines", () => {
    const t = new FieldTtls();
    t.set("a", 10);
    t.set("b", 20);
    t.set("a", 30); // moved later: the old pair is stale
    expect(t.next()).toBe(20);
    t.delete("b");
    expect(t.next()).toBe(30);
    expect(t.popDue(29)).toBeUndefined();
    expect(t.popDue(30)).toBe("a");
    expect(t.size).toBe(0);
    expect(t.next()).toBe(Infinity);
  });

  test("stale pairs are compacted away", () => {
    const t = new FieldTtls();
    for (let i = 0; i < 10000; i++) t.set("f", i + 1);
    expect(t.size).toBe(1);
    expect(t.get("f")).toBe(10000);
    expect(t.popDue(Infinity)).toBe("f");
    expect(t.popDue(Infinity)).toBeUndefined();
  });
});

import { describe, expect, test } from "bun:test";
import { ScoreTree } from "./btree.ts";

/** A tiny seeded PRNG so failures replay. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 13;
    return (s >>> 0) / 4294967296;
  };
}

type Pair = [number, string];
const order = (a: Pair, b: Pair) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function contents(t: ScoreTree): Pair[] {
  const out: Pair[] = [];
  t.walk(0, false, (m, s) => (out.push([s, m]), true));
  return out;
}

describe("ScoreTree", () => {
  test("random inserts and removals agree with a sorted array", () => {
    const rand = rng(7);
    const t = new ScoreTree();
    let ref: Pair[] = [];
    const present = new Map<string, number>();
    for (let step = 0; step < 20000; step++) {
      const member = "m" + Math.floor(rand() * 3000);
      const old = present.get(member);
      if (old === undefined && rand() < 0.6) {
        const score = Math.floor(rand() * 50);
        t.insert(score, member);
        present.set(member, score);
        ref.push([score, member]);
      } else if (old !== undefined) {
        expect(t.remove(old, member)).toBe(true);
        present.delete(member);
        ref = ref.filter((p) => p[1] !== member);
      }
      if (step % 2000 === 0) {
        ref.sort(order);
        expect(contents(t)).toEqual(ref);
      }
    }
    ref.sort(order);
    expect(t.size).toBe(ref.length);
    expect(contents(t)).toEqual(ref);
    for (let i = 0; i < ref.length; i += 37) {
      expect(t.rankOf(ref[i][0], ref[i][1])).toBe(i);
      expect(t.memberAt(i)).toBe(ref[i][1]);
      expect(t.scoreAt(i)).toBe(ref[i][0]);
    }
    expect(t.countWhile((s) => s < 25)).toBe(ref.filter((p) => p[0] < 25).length);
    expect(t.remove(-1, "nope")).toBe(false);
  });

  test("ascending and descending bulk loads, then popping from both ends", () => {
    for (const dir of [1, -1]) {
      const t = new ScoreTree();
      for (let i = 0; i < 10000; i++) t.insert(dir * i, "x" + i);
      expect(t.size).toBe(10000);
      const all = contents(t);
      expect(all[0][0]).toBe(dir === 1 ? 0 : -9999);
      for (let i = 0; i < 5000; i++) {
        t.removeAt(0);
        t.removeAt(t.size - 1);
      }
      expect(t.size).toBe(0);
      expect(contents(t)).toEqual([]);
      t.insert(1, "again");
      expect(contents(t)).toEqual([[1, "again"]]);
    }
  });

  test("reverse walks and early stop", () => {
    const t = new ScoreTree();
    for (let i = 0; i < 300; i++) t.insert(i % 10, String(i).padStart(3, "0"));
    const seen: string[] = [];
    t.walk(t.size - 1, true, (m) => (seen.push(m), seen.length < 5));
    expect(seen).toEqual(["299", "289", "279", "269", "259"]);
    const all: string[] = [];
    t.walk(299, true, (m) => (all.push(m), true));
    expect(all.length).toBe(300);
    t.walk(300, false, () => {
      throw new Error("out of range walk must not visit");
    });
  });
});

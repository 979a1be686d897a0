import { describe, expect, test } from "bun:test";
import { NODE_MAX_COUNT, QuickList } from "./quicklist.ts";
import { exceedsFill, fillLimits, lpEntrySize } from "./listpack_size.ts";

/** A seeded PRNG so failures replay. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function big(n: number, compact = false): QuickList {
  const q = new QuickList();
  q.compact = compact;
  for (let i = 0; i < n; i++) q.pushTail(String(i));
  return q;
}

function sizeSum(items: string[]): number {
  return items.reduce((a, s) => a + lpEntrySize(s), 0);
}

describe("lpEntrySize", () => {
  test("integers use the listpack integer widths", () => {
    expect(lpEntrySize("0")).toBe(2);
    expect(lpEntrySize("127")).toBe(2);
    expect(lpEntrySize("128")).toBe(3);
    expect(lpEntrySize("-4096")).toBe(3);
    expect(lpEntrySize("32767")).toBe(4);
    expect(lpEntrySize("8388607")).toBe(5);
    expect(lpEntrySize("2147483647")).toBe(6);
    expect(lpEntrySize("9223372036854775807")).toBe(10);
    expect(lpEntrySize("-9223372036854775808")).toBe(10);
  });

  test("non-canonical numbers are strings", () => {
    expect(lpEntrySize("01")).toBe(4);
    expect(lpEntrySize("-0")).toBe(4);
    expect(lpEntrySize("+1")).toBe(4);
    expect(lpEntrySize("9223372036854775808")).toBe(21);
    expect(lpEntrySize("")).toBe(2);
  });

  test("string headers and back lengths grow with the length", () => {
    expect(lpEntrySize("x".repeat(63))).toBe(65);
    expect(lpEntrySize("x".repeat(64))).toBe(64 + 2 + 1);
    expect(lpEntrySize("x".repeat(200))).toBe(200 + 2 + 2);
    expect(lpEntrySize("x".repeat(5000))).toBe(5000 + 5 + 2);
  });

  test("fill limits", () => {
    expect(fillLimits(-1).bytes).toBe(4096);
    expect(fillLimits(-5).bytes).toBe(65536);
    expect(fillLimits(-9).bytes).toBe(65536);
    expect(exceedsFill(0, 10, 2)).toBe(true);
    expect(exceedsFill(0, 10, 1)).toBe(false);
    expect(exceedsFill(1000, 9000, 2)).toBe(true);
  });
});

describe("QuickList", () => {
  test("pushes and pops at both ends", () => {
    const q = new QuickList();
    q.compact = false;
    for (let i = 0; i < 1000; i++) {
      q.pushTail(`t${i}`);
      q.pushHead(`h${i}`);
    }
    expect(q.length).toBe(2000);
    expect(q.get(0)).toBe("h999");
    expect(q.get(1999)).toBe("t999");
    expect(q.get(1000)).toBe("t0");
    expect(q.nodeCount).toBeGreaterThan(2000 / NODE_MAX_COUNT);
    for (let i = 999; i >= 0; i--) {
      expect(q.popHead()).toBe(`h${i}`);
      expect(q.popTail()).toBe(`t${i}`);
    }
    expect(q.length).toBe(0);
    expect(q.size).toBe(0);
    expect(q.popHead()).toBeUndefined();
    expect(q.head).toBeNull();
  });

  test("inner nodes are packed and read back exactly, including binary bytes", () => {
    const q = new QuickList();
    q.compact = false;
    const items: string[] = [];
    for (let i = 0; i < 500; i++) items.push(String.fromCharCode(i % 256, 0, 255) + i);
    for (const s of items) q.pushTail(s);
    expect(q.toArray()).toEqual(items);
    let packed = 0;
    for (let n = q.head; n !== null; n = n.next) if (n.items === null) packed++;
    expect(packed).toBeGreaterThan(0);
    expect(q.size).toBe(sizeSum(items));
  });

  test("draining a packed list from both ends returns every element once", () => {
    const q = big(1000);
    const out: string[] = [];
    while (q.length > 0) out.push(q.length % 2 ? q.popHead()! : q.popTail()!);
    expect(out.length).toBe(1000);
    expect(new Set(out).size).toBe(1000);
  });

  test("set, insert, removeRange and removeMatching keep order, sizes and node bounds", () => {
    const next = rng(7);
    const q = new QuickList();
    q.compact = false;
    const model: string[] = [];
    for (let step = 0; step < 4000; step++) {
      const op = Math.floor(next() * 7);
      const v = String(Math.floor(next() * 40)) +
        (next() < 0.1 ? "x".repeat(Math.floor(next() * 3000)) : "");
      if (op === 0) {
        q.pushHead(v);
        model.unshift(v);
      } else if (op === 1) {
        q.pushTail(v);
        model.push(v);
      } else if (op === 2 && model.length > 0) {
        const i = Math.floor(next() * model.length);
        q.set(i, v);
        model[i] = v;
      } else if (op === 3) {
        const i = Math.floor(next() * (model.length + 1));
        q.insert(i, v);
        model.splice(i, 0, v);
      } else if (op === 4 && model.length > 0) {
        const i = Math.floor(next() * model.length);
        const k = Math.min(model.length - i, Math.floor(next() * 50));
        q.removeRange(i, k);
        model.splice(i, k);
      } else if (op === 5) {
        const limit = Math.floor(next() * 3);
        const fromTail = next() < 0.5;
        let removed = 0;
        if (fromTail) {
          for (let i = model.length - 1; i >= 0 && (limit === 0 || removed < limit); i--) {
            if (model[i] === v) (model.splice(i, 1), removed++);
          }
        } else {
          for (let i = 0; i < model.length && (limit === 0 || removed < limit);) {
            if (model[i] === v) (model.splice(i, 1), removed++);
            else i++;
          }
        }
        expect(q.removeMatching(v, limit, fromTail)).toBe(removed);
      } else if (model.length > 0) {
        if (next() < 0.5) expect(q.popHead()).toBe(model.shift());
        else expect(q.popTail()).toBe(model.pop());
      }
      if (step % 200 === 0) {
        expect(q.toArray()).toEqual(model);
        expect(q.size).toBe(sizeSum(model));
      }
    }
    expect(q.toArray()).toEqual(model);
    expect(q.length).toBe(model.length);
    for (let n = q.head; n !== null; n = n.next) {
      expect(n.count).toBeLessThanOrEqual(NODE_MAX_COUNT);
    }
  });

  test("removeMatching over many small nodes that merge while it walks", () => {
    const q = new QuickList();
    q.compact = false;
    const model: string[] = [];
    // Halving every node first leaves half-full nodes; the second pass then shrinks each
    // below a quarter, so it merges into the next node it has not visited yet.
    for (let i = 0; i < 4096; i++) {
      const v = i % 16 === 0 ? "k" : i % 16 < 8 ? "c" : "d";
      q.pushTail(v);
      model.push(v);
    }
    expect(q.removeMatching("d", 0, false)).toBe(2048);
    expect(q.removeMatching("c", 0, false)).toBe(1792);
    expect(q.toArray()).toEqual(model.filter((v) => v === "k"));
    expect(q.size).toBe(256 * lpEntrySize("k"));
  });

  test("findAll reports LINDEX-style indexes from either end, bounded by maxlen", () => {
    const q = big(600);
    for (let i = 0; i < 600; i += 100) q.set(i, "m");
    const fwd: number[] = [];
    q.findAll("m", { fromTail: false, maxlen: 0 }, (i) => (fwd.push(i), true));
    expect(fwd).toEqual([0, 100, 200, 300, 400, 500]);
    const back: number[] = [];
    q.findAll("m", { fromTail: true, maxlen: 250 }, (i) => (back.push(i), true));
    expect(back).toEqual([500, 400]);
  });

  test("forEach walks ranges in both directions", () => {
    const q = big(300);
    const out: string[] = [];
    q.forEach(299, 5, true, (s) => out.push(s));
    expect(out).toEqual(["299", "298", "297", "296", "295"]);
    const fwd: string[] = [];
    q.forEach(126, 4, false, (s) => fwd.push(s));
    expect(fwd).toEqual(["126", "127", "128", "129"]);
  });

  test("expand splits the compact node and shrink joins it back", () => {
    const q = big(1000, true);
    expect(q.nodeCount).toBe(1);
    q.expand();
    expect(q.compact).toBe(false);
    expect(q.nodeCount).toBeGreaterThan(5);
    expect(q.get(999)).toBe("999");
    q.shrink();
    expect(q.nodeCount).toBe(1);
    expect(q.toArray().length).toBe(1000);
    expect(q.get(500)).toBe("500");
  });
});

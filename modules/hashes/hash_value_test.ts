import { describe, expect, test } from "bun:test";
import { HashValue } from "./hash_value.ts";

const LIMITS = { maxEntries: 4, maxValue: 8 };

function pairs(h: HashValue): [string, string, number][] {
  return h.entries();
}

describe("HashValue encodings", () => {
  test("listpack keeps insertion order and converts past maxEntries", () => {
    const h = new HashValue();
    for (const f of ["a", "b", "c", "d"]) expect(h.set(f, f.toUpperCase(), LIMITS)).toBe(true);
    expect(h.set("b", "x", LIMITS)).toBe(false);
    expect(h.encoding).toBe("listpack");
    expect(pairs(h).map((p) => p[0])).toEqual(["a", "b", "c", "d"]);
    h.set("e", "E", LIMITS);
    expect(h.encoding).toBe("hashtable");
    expect(h.size).toBe(5);
    expect(h.get("b")).toBe("x");
    h.delete("e");
    expect(h.encoding).toBe("hashtable"); // never back
  });

  test("long field or value converts; reserve converts for big batches", () => {
    const h = new HashValue();
    h.set("f", "123456789", LIMITS);
    expect(h.encoding).toBe("hashtable");
    const g = new HashValue();
    g.set("123456789", "v", LIMITS);
    expect(g.encoding).toBe("hashtable");
    const r = new HashValue();
    r.reserve(5, LIMITS);
    expect(r.encoding).toBe("hashtable");
  });

  test("delete and has", () => {
    const h = new HashValue();
    h.set("a", "1", LIMITS);
    expect(h.has("a")).toBe(true);
    expect(h.delete("a")).toBe(true);
    expect(h.delete("a")).toBe(false);
    expect(h.size).toBe(0);
  });
});

describe("HashValue deadlines", () => {
  test("listpackex orders volatile pairs first by deadline, persistent ones after", () => {
    const h = new HashValue();
    for (const f of ["a", "b", "c"]) h.set(f, f, LIMITS);
    h.allowTtls();
    expect(h.encoding).toBe("listpackex");
    h.setTtl("c", 300);
    h.setTtl("b", 100);
    h.setTtl("a", 300); // equal deadline goes before the existing one
    expect(pairs(h)).toEqual([["b", "b", 100], ["a", "a", 300], ["c", "c", 300]]);
    expect(h.nextExpiry()).toBe(100);
    expect(h.persist("b")).toBe(true);
    expect(pairs(h).map((p) => p[0])).toEqual(["a", "c", "b"]);
    h.set("a", "new", LIMITS); // HSET drops the deadline and moves the field to the end
    expect(pairs(h)).toEqual([["c", "c", 300], ["b", "b", 0], ["a", "new", 0]]);
    h.set("c", "kept", LIMITS, true);
    expect(h.ttlOf("c")).toBe(300);
  });

  test("expire removes due fields earliest first, within max", () => {
    for (const limits of [LIMITS, { maxEntries: 0, maxValue: 8 }]) {
      const h = new HashValue();
      for (const f of ["a", "b", "c", "d"]) h.set(f, f, limits);
      h.allowTtls();
      h.setTtl("a", 30);
      h.setTtl("b", 10);
      h.setTtl("c", 20);
      const gone: string[] = [];
      expect(h.expire(25, 1, (f) => gone.push(f))).toBe(1);
      expect(h.expire(25, 10, (f) => gone.push(f))).toBe(1);
      expect(gone).toEqual(["b", "c"]);
      expect(h.nextExpiry()).toBe(30);
      expect(h.size).toBe(2);
      expect(h.volatile).toBe(true);
      h.persist("a");
      expect(h.volatile).toBe(false);
      expect(h.nextExpiry()).toBe(Infinity);
    }
  });

  test("conversion to hashtable keeps deadlines", () => {
    const h = new HashValue();
    h.set("a", "1", LIMITS);
    h.allowTtls();
    h.setTtl("a", 500);
    for (const f of ["b", "c", "d", "e"]) h.set(f, f, LIMITS);
    expect(h.encoding).toBe("hashtable");
    expect(h.ttlOf("a")).toBe(500);
    expect(h.nextExpiry()).toBe(500);
    h.delete("a");
    expect(h.volatile).toBe(false);
  });

  test("clone and fromEntries preserve fields, deadlines and encoding", () => {
    const h = new HashValue();
    h.reserve(10, LIMITS);
    for (let i = 0; i < 10; i++) h.set(`f${i}`, `v${i}`, LIMITS);
    h.setTtl("f3", 1234);
    const c = h.clone();
    expect(c.encoding).toBe("hashtable");
    expect(c.entries().sort()).toEqual(h.entries().sort());
    c.persist("f3");
    expect(h.ttlOf("f3")).toBe(1234);
    const r = HashValue.fromEntries([["x", "1", 0], ["y", "2", 99]], LIMITS);
    expect(r.encoding).toBe("listpackex");
    expect(r.entries()).toEqual([["y", "2", 99], ["x", "1", 0]]);
  });
});

describe("HashValue random slots", () => {
  test("fairRandomSlot is uniform over fields", () => {
    const h = new HashValue();
    h.reserve(100, LIMITS);
    for (let i = 0; i < 10; i++) h.set(`f${i}`, "v", LIMITS);
    const dict = h.table()!;
    const counts = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const f = dict.keyOf(h.fairRandomSlot());
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    let chi = 0;
    for (const n of counts.values()) chi += (n - 2000) ** 2 / 2000;
    expect(chi).toBeLessThan(40);
  });

  test("falls back when the slot range is sparse", () => {
    const h = new HashValue();
    h.reserve(1000, LIMITS);
    for (let i = 0; i < 1000; i++) h.set(`f${i}`, "v", LIMITS);
    for (let i = 1; i < 1000; i++) h.delete(`f${i}`);
    for (let i = 0; i < 50; i++) expect(h.table()!.keyOf(h.fairRandomSlot())).toBe("f0");
  });

  test("fromEntries packs a plain listpack at once, same as adding the fields one by one", () => {
    const entries: [string, string, number][] = [["b", "2", 0], ["a", "1", 0], ["\xff", "", 0]];
    const packed = HashValue.fromEntries(entries, LIMITS);
    const added = new HashValue();
    for (const [f, v] of entries) added.set(f, v, LIMITS);
    expect(packed.encoding).toBe("listpack");
    expect(packed.entries()).toEqual(added.entries());
    expect(packed.get("\xff")).toBe("");
    // Duplicates (a corrupt payload) take the field-by-field path: the last value wins.
    const dup = HashValue.fromEntries([["a", "1", 0], ["a", "2", 0]], LIMITS);
    expect(dup.entries()).toEqual([["a", "2", 0]]);
  });
});

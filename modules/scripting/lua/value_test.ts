import { describe, expect, test } from "bun:test";
import { LuaTable, typeName } from "./value.ts";

describe("LuaTable", () => {
  test("array part grows, migrates hash keys and answers #", () => {
    const t = new LuaTable();
    t.set(3, "c");
    t.set(2, "b");
    expect(t.length()).toBe(0);
    t.set(1, "a");
    expect(t.length()).toBe(3);
    expect(t.arr).toEqual(["a", "b", "c"]);
    t.set(3, undefined);
    expect(t.length()).toBe(2);
  });

  test("next visits array then hash, tolerates deletion during traversal", () => {
    const t = LuaTable.fromArray([10, 20]);
    t.set("x", 1);
    t.set("y", 2);
    t.set(1.5, 3);
    const seen: unknown[] = [];
    for (let e = t.next(undefined); e !== null; e = t.next(e[0])) {
      seen.push(e[0]);
      t.set(e[0], undefined);
    }
    expect(seen).toEqual([1, 2, "x", "y", 1.5]);
    expect(t.next(undefined)).toBeNull();
  });

  test("the hash part: small (scanned) up to 8 keys, then a Map, same answers and order", () => {
    for (const n of [3, 8, 9, 40]) {
      const t = new LuaTable();
      const keys = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? i + 0.5 : `k${i}`));
      keys.forEach((k, i) => t.set(k, i));
      expect(keys.map((k) => t.get(k))).toEqual(keys.map((_, i) => i));
      const order: unknown[] = [];
      for (let e = t.next(undefined); e !== null; e = t.next(e[0])) order.push(e[0]);
      expect(order).toEqual(keys);
      expect(() => t.next("absent")).toThrow("invalid key to 'next'");
      // Clearing every other key during a traversal, then re-adding one.
      const visited: unknown[] = [];
      let i = 0;
      for (let e = t.next(undefined); e !== null; e = t.next(e[0]), i++) {
        visited.push(e[0]);
        if (i % 2 === 0) t.set(e[0], undefined);
      }
      expect(visited).toEqual(keys);
      expect(keys.filter((k) => t.get(k) !== undefined)).toEqual(
        keys.filter((_, j) => j % 2 === 1),
      );
      t.set(keys[0], "back");
      expect(t.get(keys[0])).toBe("back");
      let live = 0;
      t.someHash(() => void live++);
      expect(live).toBe(Math.floor(n / 2) + 1);
    }
  });

  test("many keys added and removed leave only the live ones", () => {
    const t = new LuaTable();
    for (let round = 0; round < 50; round++) {
      t.set(`a${round}`, round);
      t.set(`a${round}`, undefined);
    }
    t.set("kept", 1);
    let live = 0;
    t.someHash(() => void live++);
    expect(live).toBe(1);
    expect(t.get("kept")).toBe(1);
    expect(t.get("a49")).toBeUndefined();
  });

  test("numbers are normalised: 1 and 1.0 are the same key, -0 is 0", () => {
    const t = new LuaTable();
    t.set(2 ** 53, "big");
    t.set(-0, "zero");
    expect(t.get(0)).toBe("zero");
    expect(t.get(2 ** 53)).toBe("big");
  });

  test("typeName", () => {
    expect(typeName(undefined)).toBe("nil");
    expect(typeName(new LuaTable())).toBe("table");
    expect(typeName(function* () {})).toBe("function");
  });
});

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

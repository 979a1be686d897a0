import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

describe("table library", () => {
  test("sort with and without comparator, stable results for ties are not required", () => {
    expect(runLua("local t = {5, 3, 8, 1, 9, 2, 7} table.sort(t) return table.concat(t, ' ')"))
      .toEqual(["1 2 3 5 7 8 9"]);
    expect(
      runLua(
        "local t = {'b', 'a', 'C'} table.sort(t, function(x, y) return x > y end) return table.concat(t)",
      ),
    )
      .toEqual(["baC"]);
    expect(runLua(
      "local t = {} for i = 1, 500 do t[i] = (i * 7919) % 501 end table.sort(t) " +
        "for i = 2, 500 do if t[i-1] > t[i] then return false end end return true",
    )).toEqual([true]);
  });

  test("sort errors: mixed types and inconsistent comparators", () => {
    expect(luaErrorOf("table.sort({3, 1, 'x'})")).toBe(
      "attempt to compare string with number", // raised inside sort: no position
    );
    expect(
      luaErrorOf(
        "local t = {} for i = 1, 20 do t[i] = i end table.sort(t, function() return true end)",
      ),
    )
      .toBe("user_script:1: invalid order function for sorting");
    expect(luaErrorOf("table.sort({1, 2}, 3)")).toBe(
      "user_script:1: bad argument #2 to 'sort' (function expected, got number)",
    );
  });

  test("insert, remove, concat, getn, maxn", () => {
    expect(
      runLua(
        "local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0) return table.concat(t, ',')",
      ),
    ).toEqual(["0,1,2,3,4"]);
    expect(runLua("local t = {1, 2, 3} return table.remove(t, 1), table.remove(t), #t")).toEqual([
      1,
      3,
      1,
    ]);
    expect(runLua("return select('#', table.remove({}))")).toEqual([0]);
    expect(runLua("return table.concat({1, 'a', 2.5}, '-', 2)")).toEqual(["a-2.5"]);
    expect(runLua("return table.getn({1, 2}), table.maxn({1, 2, [10] = 3, x = 1})")).toEqual([
      2,
      10,
    ]);
    expect(luaErrorOf("table.concat({1, {}})")).toBe(
      "user_script:1: invalid value (table) at index 2 in table for 'concat'",
    );
    expect(luaErrorOf("table.insert({}, 1, 2, 3)")).toBe(
      "user_script:1: wrong number of arguments to 'insert'",
    );
  });
});

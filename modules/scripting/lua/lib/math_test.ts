import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";
import { Rand48 } from "./math.ts";

describe("math library", () => {
  test("functions", () => {
    expect(
      runLua(
        "return math.floor(-3.5), math.ceil(-3.5), math.abs(-2), math.max(1, 5, 3), math.min(4, 2)",
      ),
    )
      .toEqual([-4, -3, 2, 5, 2]);
    expect(runLua("return math.fmod(-7, 3), math.modf(-3.75)")).toEqual([-1, -3, -0.75]);
    expect(runLua("return math.frexp(8)")).toEqual([0.5, 4]);
    expect(runLua("return math.ldexp(0.5, 4), math.sqrt(16), math.pow(2, 10), math.huge")).toEqual([
      8,
      4,
      1024,
      Infinity,
    ]);
    expect(luaErrorOf("math.floor('x')")).toBe(
      "user_script:1: bad argument #1 to 'floor' (number expected, got string)",
    );
  });

  test("random is Redis's rand48: the same sequence for the same seed", () => {
    const a = runLua(
      "math.randomseed(42) return math.random(1000), math.random(1000), math.random()",
    );
    const b = runLua(
      "math.randomseed(42) return math.random(1000), math.random(1000), math.random()",
    );
    expect(a).toEqual(b);
    // A fresh state starts where a fresh redis-server does (first EVAL of math.random(1000)).
    expect(runLua("return math.random(1000)")).toEqual([397]);
    expect(luaErrorOf("math.random(0)")).toBe(
      "user_script:1: bad argument #1 to 'random' (interval is empty)",
    );
  });

  test("rand48 matches the POSIX recurrence", () => {
    const r = new Rand48();
    r.seed(0);
    // srand48(0); lrand48() twice, as computed by glibc.
    expect([r.next(), r.next()]).toEqual([366850414, 1610402240]);
  });
});

import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

describe("coroutines", () => {
  test("resume/yield pass values both ways; status follows the life cycle", () => {
    expect(runLua(`
      local co = coroutine.create(function(a, b)
        local c = coroutine.yield(a + b)
        local d, e = coroutine.yield(c * 2)
        return d + e
      end)
      local r = {}
      r[#r + 1] = coroutine.status(co)
      r[#r + 1] = select(2, coroutine.resume(co, 1, 2))
      r[#r + 1] = select(2, coroutine.resume(co, 10))
      r[#r + 1] = select(2, coroutine.resume(co, 3, 4))
      r[#r + 1] = coroutine.status(co)
      r[#r + 1] = select(2, coroutine.resume(co))
      return table.concat(r, ',')`)).toEqual([
      "suspended,3,20,7,dead,cannot resume dead coroutine",
    ]);
  });

  test("wrap, running, status inside, errors", () => {
    expect(
      runLua(
        "local g = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) return g() + g() + g()",
      ),
    )
      .toEqual([6]);
    expect(
      runLua(
        "local co co = coroutine.create(function() return coroutine.status(co), coroutine.running() == co end) return coroutine.resume(co)",
      ),
    )
      .toEqual([true, "running", true]);
    expect(runLua("return coroutine.resume(coroutine.create(function() error('boom') end))"))
      .toEqual([false, "user_script:1: boom"]);
    // As in Lua 5.1, wrap adds the caller's position to string errors a second time.
    expect(luaErrorOf("coroutine.wrap(function() error('w') end)()")).toBe(
      "user_script:1: user_script:1: w",
    );
    expect(luaErrorOf("coroutine.yield(1)")).toBe(
      "user_script:1: attempt to yield across metamethod/C-call boundary",
    );
  });

  test("a coroutine may yield across pcall (more permissive than 5.1)", () => {
    expect(
      runLua(
        "local g = coroutine.wrap(function() pcall(function() coroutine.yield(1) end) return 2 end) return g(), g()",
      ),
    )
      .toEqual([1, 2]);
  });
});

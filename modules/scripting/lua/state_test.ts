import { describe, expect, test } from "bun:test";
import {
  createState,
  hostFunction,
  LuaError,
  luaError,
  LuaTable,
  type LuaValue,
  protectGlobals,
  type RunResult,
} from "./mod.ts";

function run(src: string, args: LuaValue[] = []): LuaValue[] {
  const L = createState();
  return L.call(L.load(src, "@user_script"), args);
}

function runToEnd(
  r: { resume(b: number): RunResult },
  budget: number,
): { result: RunResult; pauses: number } {
  let pauses = 0;
  for (;;) {
    const result = r.resume(budget);
    if (result.status !== "paused") return { result, pauses };
    pauses++;
  }
}

describe("pausing and resuming", () => {
  test("a loop pauses when the budget runs out and finishes with the right result", () => {
    const L = createState();
    const f = L.load("local x = 0 for i = 1, 100000 do x = x + i end return x", "@user_script");
    const { result, pauses } = runToEnd(L.start(f), 1000);
    expect(result).toEqual({ status: "done", values: [5000050000] });
    expect(pauses).toBeGreaterThan(90);
  });

  test("pauses inside pcall, sort comparators, gsub callbacks, metamethods and coroutines", () => {
    const src = `
      local function spin(n) local s = 0 for i = 1, n do s = s + 1 end return s end
      local ok, v = pcall(spin, 500)
      local t = {5, 1, 4, 2, 3}
      table.sort(t, function(a, b) spin(20) return a < b end)
      local g = string.gsub("abc", "%w", function(c) spin(50) return c:upper() end)
      local m = setmetatable({}, {__index = function(_, k) spin(100) return k end})
      local co = coroutine.wrap(function() for i = 1, 3 do spin(100) coroutine.yield(i) end end)
      return v .. table.concat(t) .. g .. m.key .. co() .. co() .. co()`;
    const L = createState();
    const { result, pauses } = runToEnd(L.start(L.load(src, "@user_script")), 50);
    expect(result).toEqual({ status: "done", values: ["50012345ABCkey123"] });
    expect(pauses).toBeGreaterThan(20);
  });

  test("a killed run never resumes", () => {
    const L = createState();
    const r = L.start(L.load("while true do end", "@user_script"));
    expect(r.resume(100).status).toBe("paused");
    r.kill();
    expect(r.finished).toBe(true);
    expect(r.resume(100).status).toBe("error");
  });

  test("the state stays usable after a paused run is abandoned", () => {
    const L = createState();
    const r = L.start(L.load("while true do end", "@user_script"));
    expect(r.resume(10).status).toBe("paused");
    expect(L.call(L.load("return 1 + 1", "@user_script"))).toEqual([2]);
  });

  test("ticks are counted", () => {
    const L = createState();
    const r = L.start(L.load("for i = 1, 10 do end", "@user_script"));
    r.resume(1000);
    expect(r.ticks).toBeGreaterThanOrEqual(11);
  });
});

describe("errors", () => {
  test("run-time errors carry chunk name and line", () => {
    const L = createState();
    const r = L.start(L.load("local x\n\nreturn x + 1", "@user_script")).resume();
    expect(r.status).toBe("error");
    expect((r as { error: LuaError }).error.message).toBe(
      "user_script:3: attempt to perform arithmetic on local 'x' (a nil value)",
    );
  });

  test("names in messages: global, field, upvalue, method", () => {
    const msg = (src: string) => {
      try {
        run(src);
        return "";
      } catch (e) {
        return (e as LuaError).message;
      }
    };
    expect(msg("foo()")).toBe("user_script:1: attempt to call global 'foo' (a nil value)");
    expect(msg("local t = {} t.x.y = 1")).toBe(
      "user_script:1: attempt to index field 'x' (a nil value)",
    );
    expect(msg("local u; (function() return u.a end)()")).toBe(
      "user_script:1: attempt to index upvalue 'u' (a nil value)",
    );
    expect(msg("local t = {} t:m()")).toBe(
      "user_script:1: attempt to call method 'm' (a nil value)",
    );
    expect(msg("return 1 < nil")).toBe("user_script:1: attempt to compare number with nil");
    expect(msg("local s = 'a' .. {}")).toBe("user_script:1: attempt to concatenate a table value");
  });

  test("LuaError.where tells where the error was raised, as Redis's 'on ...' suffix", () => {
    const where = (src: string) => {
      const L = createState();
      const r = L.start(L.load(src, "@user_script")).resume();
      return r.status === "error" ? r.error.where : "";
    };
    expect(where("local x\nreturn x + 1")).toBe("@user_script:2");
    expect(where("local function f()\n error('x')\nend\nf()")).toBe("@user_script:2");
    expect(where("string.gsub('abc', '%w', string.rep)")).toBe("=[C]:-1");
    expect(where("error({err = 'custom'})")).toBe("@user_script:1");
  });

  test("infinite recursion is a Lua error, not a host crash", () => {
    expect(() => run("local function f() return 1 + f() end return f()")).toThrow("stack overflow");
    expect(
      run(
        "local ok, e = pcall(function() local function f() return 1 + f() end return f() end) return ok, e",
      ),
    )
      .toEqual([false, expect.stringContaining("stack overflow")]);
  });

  test("proper tail calls do not grow the stack", () => {
    expect(
      run(
        "local function f(n) if n == 0 then return 'done' end return f(n - 1) end return f(200000)",
      ),
    )
      .toEqual(["done"]);
  });

  test("huge strings are refused", () => {
    expect(() => run("return string.rep('x', 2^29 + 1)")).toThrow("not enough memory");
    expect(() => run("local s = string.rep('x', 2^28) return #(s .. s .. 'x')")).toThrow(
      "not enough memory",
    );
  });

  test("syntax errors use Lua's text", () => {
    const L = createState();
    expect(() => L.load("x = = 1", "@user_script")).toThrow(
      "user_script:1: unexpected symbol near '='",
    );
    expect(() => L.load("if x then", "@user_script")).toThrow(
      "user_script:1: 'end' expected near '<eof>'",
    );
  });
});

describe("environments", () => {
  test("a chunk loaded with its own env reads and writes that table only", () => {
    const L = createState();
    const env = new LuaTable();
    env.set("x", 5);
    const f = L.load("y = x + 1 return function() return y * 2 end", "@lib", { env });
    const inner = L.call(f)[0];
    expect(env.get("y")).toBe(6);
    expect(L.getGlobal("y")).toBeUndefined();
    expect(L.call(inner)).toEqual([12]);
  });
});

describe("host functions", () => {
  test("receive Lua values and return several values", () => {
    const L = createState();
    L.register("pair", (a, b) => [b, a]);
    expect(L.call(L.load("local x, y = pair(1, 'two') return y, x", "@user_script"))).toEqual([
      1,
      "two",
    ]);
  });

  test("raise string errors with position and table errors as they are", () => {
    const L = createState();
    const redis = new LuaTable();
    L.register("fail", () => {
      throw luaError("boom");
    }, redis);
    L.register("failt", () => {
      const t = new LuaTable();
      t.set("err", "ERR bad");
      throw luaError(t);
    }, redis);
    L.setGlobal("redis", redis);
    expect(() => L.call(L.load("\nredis.fail()", "@user_script"))).toThrow("user_script:2: boom");
    const r = L.call(L.load("local ok, e = pcall(redis.failt) return e.err", "@user_script"));
    expect(r).toEqual(["ERR bad"]);
  });

  test("hostFunction returning nothing gives zero values", () => {
    const L = createState();
    L.setGlobal("nothing", hostFunction("nothing", () => {}));
    expect(L.call(L.load("return select('#', nothing())", "@user_script"))).toEqual([0]);
  });
});

describe("sandbox", () => {
  test("protected globals: missing globals and writes raise Redis's errors", () => {
    const L = createState();
    protectGlobals(L);
    const err = (src: string) => {
      try {
        L.call(L.load(src, "@user_script"));
        return "";
      } catch (e) {
        return (e as LuaError).message;
      }
    };
    expect(err("return nope")).toBe(
      "user_script:1: Script attempted to access nonexistent global variable 'nope'",
    );
    expect(err("x = 1")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(err("string.foo = 1")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(err("local t = {} t.x = 1 return t.x")).toBe("");
  });

  test("no io, os.execute, loadfile, dofile, require, debug", () => {
    expect(
      run(
        "return type(io), type(os.execute), type(loadfile), type(dofile), type(require), type(debug)",
      ),
    )
      .toEqual(["nil", "nil", "nil", "nil", "nil", "nil"]);
    expect(run("return type(os.clock())")).toEqual(["number"]);
  });
});

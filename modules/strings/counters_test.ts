import { describe, expect, test } from "bun:test";
import { stringsHarness } from "./test_util.ts";

const NOT_INTEGER = "ERR value is not an integer or out of range";
const OVERFLOW = "ERR increment or decrement would overflow";

describe("INCR family", () => {
  test("counts from a missing key, keeps the TTL, sends incrby events", async () => {
    const h = await stringsHarness();
    expect(await h.run("INCR", "n")).toBe(1);
    expect(await h.run("INCRBY", "n", "41")).toBe(42);
    expect(await h.run("DECR", "n")).toBe(41);
    expect(await h.run("DECRBY", "n", "-9")).toBe(50);
    expect(await h.run("GET", "n")).toBe("50");
    expect(await h.run("DECR", "fresh")).toBe(-1);
    await h.run("SET", "t", "1", "EX", "100");
    const at = h.db.getExpire("t");
    await h.run("INCR", "t");
    expect(h.db.getExpire("t")).toBe(at);
    expect(h.events.slice(0, 4)).toEqual(["$:incrby:n", "$:incrby:n", "$:incrby:n", "$:incrby:n"]);
    expect(h.propagated.slice(0, 2)).toEqual(["INCR n", "INCRBY n 41"]);
  });

  test("int64 range, beyond 2^53", async () => {
    const h = await stringsHarness();
    await h.run("SET", "n", "9007199254740991");
    expect(await h.run("INCR", "n")).toBe(9007199254740992n);
    expect(await h.run("INCRBY", "n", "1")).toBe(9007199254740993n);
    expect(await h.run("GET", "n")).toBe("9007199254740993");
    await h.run("SET", "n", "9223372036854775806");
    expect(await h.run("INCR", "n")).toBe(9223372036854775807n);
    expect(await h.run("INCR", "n")).toBe(OVERFLOW);
    expect(await h.run("GET", "n")).toBe("9223372036854775807");
    await h.run("SET", "m", "-9223372036854775808");
    expect(await h.run("DECR", "m")).toBe(OVERFLOW);
    expect(await h.run("INCRBY", "m", "9223372036854775807")).toBe(-1);
    expect(await h.run("INCRBY", "big", "17179869184")).toBe(17179869184);
  });

  test("DECRBY of the smallest int64 cannot be negated", async () => {
    const h = await stringsHarness();
    await h.run("SET", "x", "0");
    expect(await h.run("DECRBY", "x", "-9223372036854775808")).toBe("ERR decrement would overflow");
  });

  test("values must be canonical integers", async () => {
    const h = await stringsHarness();
    for (const v of [" 11", "11 ", "011", "+1", "1.0", "", "abc", "99999999999999999999"]) {
      await h.run("SET", "n", v);
      expect(await h.run("INCR", "n")).toBe(NOT_INTEGER);
    }
    expect(await h.run("INCRBY", "n", "1.5")).toBe(NOT_INTEGER);
    expect(await h.run("DECRBY", "n", "x")).toBe(NOT_INTEGER);
    h.addOther("l");
    expect(await h.run("INCR", "l")).toContain("WRONGTYPE");
  });
});

describe("INCRBYFLOAT", () => {
  test("long double digits like Redis", async () => {
    const h = await stringsHarness();
    expect(await h.run("INCRBYFLOAT", "f", "0.1")).toBe("0.1");
    expect(await h.run("INCRBYFLOAT", "f", "0.2")).toBe("0.3");
    await h.run("SET", "g", "100000.1");
    expect(await h.run("INCRBYFLOAT", "g", "0")).toBe("100000.10000000000000142");
    await h.run("SET", "g", "5.0e3");
    expect(await h.run("INCRBYFLOAT", "g", "2.0e2")).toBe("5200");
    expect(await h.run("INCRBYFLOAT", "g", "-5200")).toBe("0");
    await h.run("SET", "h", "17179869184");
    expect(await h.run("INCRBYFLOAT", "h", "1.5")).toBe("17179869185.5");
  });

  test("propagates as SET KEEPTTL and keeps the TTL", async () => {
    const h = await stringsHarness();
    await h.run("SET", "f", "1", "EX", "100");
    const at = h.db.getExpire("f");
    h.clear();
    expect(await h.run("INCRBYFLOAT", "f", "1.5")).toBe("2.5");
    expect(h.db.getExpire("f")).toBe(at);
    expect(h.propagated).toEqual(["SET f 2.5 KEEPTTL"]);
    expect(h.events).toEqual(["$:incrbyfloat:f"]);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    await h.run("SET", "f", " 11");
    expect(await h.run("INCRBYFLOAT", "f", "1")).toBe("ERR value is not a valid float");
    await h.run("SET", "f", "1");
    expect(await h.run("INCRBYFLOAT", "f", "abc")).toBe("ERR value is not a valid float");
    expect(await h.run("INCRBYFLOAT", "f", "nan")).toBe("ERR value is not a valid float");
    expect(await h.run("INCRBYFLOAT", "f", "1e5000")).toBe("ERR value is not a valid float");
    expect(await h.run("INCRBYFLOAT", "f", "+inf")).toBe(
      "ERR increment would produce NaN or Infinity",
    );
    await h.run("SET", "f", "1\x002");
    expect(await h.run("INCRBYFLOAT", "f", "1")).toBe("ERR value is not a valid float");
  });
});

import { describe, expect, test } from "bun:test";
import { hashHarness } from "./test_util.ts";

describe("HSET / HGET family", () => {
  test("HSET counts new fields, HMSET answers OK, odd pairs are an arity error", async () => {
    const h = await hashHarness();
    expect(await h.run("HSET", "k", "a", "1", "b", "2")).toBe(2);
    expect(await h.run("HSET", "k", "a", "x", "c", "3")).toBe(1);
    expect(await h.run("HMSET", "k", "d", "4")).toBe("OK");
    expect(await h.run("HSET", "k", "a")).toBe("ERR wrong number of arguments for 'hset' command");
    expect(await h.run("HMSET", "k", "a", "1", "b")).toBe(
      "ERR wrong number of arguments for 'hmset' command",
    );
    expect(await h.run("HGETALL", "k")).toEqual(["a", "x", "b", "2", "c", "3", "d", "4"]);
    expect(h.events).toEqual(["h:hset:k", "h:hset:k", "h:hset:k"]);
  });

  test("HGET, HMGET, HEXISTS, HSTRLEN, HLEN on present and missing keys and fields", async () => {
    const h = await hashHarness();
    await h.run("HSET", "k", "a", "hello", "n", "-12");
    expect(await h.run("HGET", "k", "a")).toBe("hello");
    expect(await h.run("HGET", "k", "zz")).toBe(null);
    expect(await h.run("HGET", "nokey", "a")).toBe(null);
    expect(await h.run("HMGET", "k", "a", "zz", "n")).toEqual(["hello", null, "-12"]);
    expect(await h.run("HMGET", "nokey", "a", "b")).toEqual([null, null]);
    expect(await h.run("HEXISTS", "k", "a")).toBe(1);
    expect(await h.run("HEXISTS", "k", "zz")).toBe(0);
    expect(await h.run("HSTRLEN", "k", "a")).toBe(5);
    expect(await h.run("HSTRLEN", "k", "n")).toBe(3);
    expect(await h.run("HSTRLEN", "nokey", "n")).toBe(0);
    expect(await h.run("HLEN", "k")).toBe(2);
    expect(await h.run("HLEN", "nokey")).toBe(0);
  });

  test("HSETNX sets only missing fields", async () => {
    const h = await hashHarness();
    expect(await h.run("HSETNX", "k", "a", "1")).toBe(1);
    expect(await h.run("HSETNX", "k", "a", "2")).toBe(0);
    expect(await h.run("HGET", "k", "a")).toBe("1");
    expect(h.events).toEqual(["h:hset:k"]);
  });

  test("HDEL deletes fields and the key with its last field", async () => {
    const h = await hashHarness();
    await h.run("HSET", "k", "a", "1", "b", "2", "c", "3");
    expect(await h.run("HDEL", "k", "a", "zz")).toBe(1);
    expect(await h.run("HDEL", "k", "zz")).toBe(0);
    h.clear();
    expect(await h.run("HDEL", "k", "b", "c", "d")).toBe(2);
    expect(h.events).toEqual(["h:hdel:k", "g:del:k"]);
    expect(await h.run("EXISTS", "k")).toBe(0);
    expect(await h.run("HDEL", "k", "a")).toBe(0);
  });

  test("HKEYS / HVALS / HGETALL, RESP3 map and empty replies", async () => {
    const h = await hashHarness();
    expect(await h.run("HGETALL", "nokey")).toEqual([]);
    expect(await h.run("HKEYS", "nokey")).toEqual([]);
    await h.run("HSET", "k", "a", "1", "b", "2");
    expect(await h.run("HKEYS", "k")).toEqual(["a", "b"]);
    expect(await h.run("HVALS", "k")).toEqual(["1", "2"]);
    await h.run("HELLO", "3");
    const all = await h.run("HGETALL", "k");
    expect(all instanceof Map ? Object.fromEntries(all) : all).toEqual({ a: "1", b: "2" });
  });

  test("WRONGTYPE on a string key", async () => {
    const h = await hashHarness();
    await h.run("SET", "s", "x");
    for (
      const cmd of [["HGET", "s", "a"], ["HSET", "s", "a", "1"], ["HLEN", "s"], ["HGETALL", "s"], [
        "HINCRBY",
        "s",
        "a",
        "1",
      ]]
    ) {
      expect(await h.run(...cmd)).toBe(
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      );
    }
  });

  test("encodings follow hash-max-listpack-entries / -value", async () => {
    const h = await hashHarness({ "hash-max-listpack-entries": 3 });
    await h.run("HSET", "k", "a", "1", "b", "2", "c", "3");
    expect(await h.run("OBJECT", "ENCODING", "k")).toBe("listpack");
    await h.run("HSET", "k", "d", "4");
    expect(await h.run("OBJECT", "ENCODING", "k")).toBe("hashtable");
    await h.run("CONFIG", "SET", "hash-max-ziplist-value", "4");
    await h.run("HSET", "v", "a", "12345");
    expect(await h.run("OBJECT", "ENCODING", "v")).toBe("hashtable");
    await h.run("HSET", "w", "a", "1234");
    expect(await h.run("OBJECT", "ENCODING", "w")).toBe("listpack");
  });
});

describe("HINCRBY / HINCRBYFLOAT", () => {
  test("HINCRBY int64 edges and errors", async () => {
    const h = await hashHarness();
    expect(await h.run("HINCRBY", "k", "n", "5")).toBe(5);
    expect(await h.run("HINCRBY", "k", "n", "-10")).toBe(-5);
    await h.run("HSET", "k", "big", "9223372036854775806");
    expect(await h.run("HINCRBY", "k", "big", "1")).toBe(9223372036854775807n);
    expect(await h.run("HINCRBY", "k", "big", "1")).toBe(
      "ERR increment or decrement would overflow",
    );
    await h.run("HSET", "k", "s", " 1");
    expect(await h.run("HINCRBY", "k", "s", "1")).toBe("ERR hash value is not an integer");
    expect(await h.run("HINCRBY", "k", "n", "1.5")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("HGET", "k", "big")).toBe("9223372036854775807");
  });

  test("HINCRBYFLOAT uses long-double digits and propagates as HSET", async () => {
    const h = await hashHarness();
    expect(await h.run("HINCRBYFLOAT", "k", "f", "0.1")).toBe("0.1");
    expect(await h.run("HINCRBYFLOAT", "k", "f", "0.2")).toBe("0.3");
    expect(h.propagated).toEqual(["HSET k f 0.1", "HSET k f 0.3"]);
    expect(await h.run("HINCRBYFLOAT", "k", "f", "inf")).toBe("ERR value is NaN or Infinity");
    expect(await h.run("HINCRBYFLOAT", "k", "f", "abc")).toBe("ERR value is not a valid float");
    await h.run("HSET", "k", "s", "1 ");
    expect(await h.run("HINCRBYFLOAT", "k", "s", "1")).toBe("ERR hash value is not a float");
    await h.run("HSET", "k", "m", "1e308");
    expect(await h.run("HINCRBYFLOAT", "k", "m", "1e308")).not.toMatch(/ERR/);
    expect(h.events.filter((e) => e.includes("incr"))).toEqual([
      "h:hincrbyfloat:k",
      "h:hincrbyfloat:k",
      "h:hincrbyfloat:k",
    ]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type SetsHarness, setsHarness } from "./test_util.ts";

let h: SetsHarness;
beforeAll(async () => {
  h = await setsHarness();
});
afterAll(() => h.m.close());
beforeEach(async () => {
  await h.run("FLUSHALL");
  h.clear();
});

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

describe("SADD", () => {
  test("counts new members, fires sadd only on change, propagates only on change", async () => {
    expect(await h.run("SADD", "s", "a", "b", "a")).toBe(2);
    expect(await h.run("SADD", "s", "a")).toBe(0);
    expect(await h.run("SADD", "s", "A", "a", "b", "c")).toBe(2);
    expect(h.events).toEqual(["s:sadd:s", "s:sadd:s"]);
    expect(h.propagated).toEqual(["SADD s a b a", "SADD s A a b c"]);
    expect(await h.members("s")).toEqual(["A", "a", "b", "c"]);
  });

  test("WRONGTYPE and arity", async () => {
    await h.run("SET", "str", "x");
    expect(await h.run("SADD", "str", "a")).toBe(WRONGTYPE);
    expect(await h.run("SADD", "s")).toBe("ERR wrong number of arguments for 'sadd' command");
  });

  test("encodings follow Redis: intset, listpack, hashtable", async () => {
    await h.run("SADD", "i", "1", "2", "3");
    expect(await h.run("OBJECT", "ENCODING", "i")).toBe("intset");
    await h.run("SADD", "i", "a");
    expect(await h.run("OBJECT", "ENCODING", "i")).toBe("listpack");
    await h.run("SADD", "big", "213244124402402314402033402");
    expect(await h.run("OBJECT", "ENCODING", "big")).toBe("listpack");
    expect(await h.run("SISMEMBER", "big", "213244124402402314402033402")).toBe(1);
    const ints = Array.from({ length: 512 }, (_, i) => String(i));
    await h.run("SADD", "many", ...ints);
    expect(await h.run("OBJECT", "ENCODING", "many")).toBe("intset");
    await h.run("SADD", "many", "512");
    expect(await h.run("OBJECT", "ENCODING", "many")).toBe("hashtable");
    await h.run("SADD", "lp", "a", ...ints.slice(0, 127));
    expect(await h.run("OBJECT", "ENCODING", "lp")).toBe("listpack");
    await h.run("SADD", "lp", "b");
    expect(await h.run("OBJECT", "ENCODING", "lp")).toBe("hashtable");
  });

  test("the encoding directives are effective and validated", async () => {
    const cfg = h.m.server.config;
    cfg.set("set-max-intset-entries", "2", "config-set");
    cfg.set("set-max-listpack-value", "3", "config-set");
    try {
      await h.run("SADD", "i", "1", "2");
      expect(await h.run("OBJECT", "ENCODING", "i")).toBe("intset");
      await h.run("SADD", "i", "3");
      expect(await h.run("OBJECT", "ENCODING", "i")).toBe("hashtable");
      await h.run("SADD", "l", "abcd");
      expect(await h.run("OBJECT", "ENCODING", "l")).toBe("hashtable");
      expect(() => cfg.set("set-max-listpack-entries", "-1", "config-set")).toThrow();
    } finally {
      cfg.set("set-max-intset-entries", "512", "config-set");
      cfg.set("set-max-listpack-value", "64", "config-set");
    }
  });
});

describe("SREM", () => {
  test("removes, deletes the key with the last member, events srem then del", async () => {
    await h.run("SADD", "s", "a", "b", "c", "d");
    h.clear();
    expect(await h.run("SREM", "s", "k", "k")).toBe(0);
    expect(h.events).toEqual([]);
    expect(h.propagated).toEqual([]);
    expect(await h.run("SREM", "s", "b", "d", "x")).toBe(2);
    expect(await h.run("SREM", "s", "a", "c", "a")).toBe(2);
    expect(h.events).toEqual(["s:srem:s", "s:srem:s", "g:del:s"]);
    expect(await h.run("EXISTS", "s")).toBe(0);
  });

  test("intset members and non-canonical integers", async () => {
    await h.run("SADD", "s", "3", "4", "5");
    expect(await h.run("SREM", "s", "04", "6", "-0")).toBe(0);
    expect(await h.run("SREM", "s", "4")).toBe(1);
    expect(await h.members("s")).toEqual(["3", "5"]);
    expect(await h.run("SREM", "missing", "a")).toBe(0);
    await h.run("SET", "str", "x");
    expect(await h.run("SREM", "str", "a")).toBe(WRONGTYPE);
  });
});

describe("SCARD / SISMEMBER / SMISMEMBER / SMEMBERS", () => {
  test("on sets of every encoding", async () => {
    await h.run("SADD", "i", "17", "16");
    await h.run("SADD", "l", "foo", "bar");
    await h.run("SADD", "h", ...Array.from({ length: 200 }, (_, i) => `m${i}`));
    expect(await h.run("SMEMBERS", "i")).toEqual(["16", "17"]);
    expect(await h.run("SMEMBERS", "l")).toEqual(["foo", "bar"]);
    for (const [key, yes, n] of [["i", "16", 2], ["l", "bar", 2], ["h", "m199", 200]] as const) {
      expect(await h.run("SCARD", key)).toBe(n);
      expect(await h.run("SISMEMBER", key, yes)).toBe(1);
      expect(await h.run("SISMEMBER", key, "nope")).toBe(0);
      expect(await h.run("SMISMEMBER", key, "nope", yes)).toEqual([0, 1]);
    }
    expect((await h.run("SMEMBERS", "h") as string[]).length).toBe(200);
  });

  test("missing keys read as empty sets; other types are WRONGTYPE", async () => {
    expect(await h.run("SCARD", "none")).toBe(0);
    expect(await h.run("SISMEMBER", "none", "a")).toBe(0);
    expect(await h.run("SMISMEMBER", "none", "a", "b")).toEqual([0, 0]);
    expect(await h.run("SMEMBERS", "none")).toEqual([]);
    await h.run("SET", "str", "x");
    for (
      const cmd of [["SCARD", "str"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"], [
        "SMEMBERS",
        "str",
      ]]
    ) {
      expect(await h.run(...cmd)).toBe(WRONGTYPE);
    }
    expect(await h.run("SMISMEMBER", "str")).toBe(
      "ERR wrong number of arguments for 'smismember' command",
    );
  });
});

describe("SMOVE", () => {
  test("moves between encodings and converts the destination", async () => {
    await h.run("SADD", "src", "1", "a", "b");
    await h.run("SADD", "dst", "2", "3", "4");
    expect(await h.run("SMOVE", "src", "dst", "a")).toBe(1);
    expect(await h.run("OBJECT", "ENCODING", "dst")).toBe("listpack");
    expect(await h.members("dst")).toEqual(["2", "3", "4", "a"]);
    expect(await h.run("SMOVE", "dst", "new", "2")).toBe(1);
    expect(await h.run("OBJECT", "ENCODING", "new")).toBe("intset");
    expect(await h.run("SMOVE", "src", "new2", "b")).toBe(1);
    expect(await h.run("OBJECT", "ENCODING", "new2")).toBe("listpack");
  });

  test("events: srem, del when emptied, sadd only when added", async () => {
    await h.run("SADD", "src", "a");
    await h.run("SADD", "dst", "a");
    h.clear();
    expect(await h.run("SMOVE", "src", "dst", "a")).toBe(1);
    expect(h.events).toEqual(["s:srem:src", "g:del:src"]);
    expect(await h.run("EXISTS", "src")).toBe(0);
    expect(h.propagated).toEqual(["SMOVE src dst a"]);
  });

  test("Redis's order of checks", async () => {
    await h.run("SET", "str", "x");
    await h.run("SADD", "s", "a", "b");
    expect(await h.run("SMOVE", "missing", "str", "a")).toBe(0);
    expect(await h.run("SMOVE", "str", "s", "a")).toBe(WRONGTYPE);
    expect(await h.run("SMOVE", "s", "str", "a")).toBe(WRONGTYPE);
    expect(await h.run("SMOVE", "s", "s", "a")).toBe(1);
    expect(await h.run("SMOVE", "s", "s", "zz")).toBe(0);
    expect(await h.run("SMOVE", "s", "t", "zz")).toBe(0);
    expect(await h.members("s")).toEqual(["a", "b"]);
  });
});

import { describe, expect, test } from "bun:test";
import { serverModule } from "../server/mod.ts";
import { zsetHarness } from "./test_util.ts";

const harness = () => zsetHarness([serverModule]);

describe("ZADD / ZINCRBY", () => {
  test("options, replies and errors", async () => {
    const h = await harness();
    expect(await h.run("ZADD", "z", 1, "a", 2, "b")).toBe(2);
    expect(await h.run("ZADD", "z", "NX", 5, "a", 3, "c")).toBe(1);
    expect(await h.run("ZSCORE", "z", "a")).toBe(1);
    expect(await h.run("ZADD", "z", "XX", "CH", 5, "a", 9, "new")).toBe(1);
    expect(await h.run("ZSCORE", "z", "new")).toBe(null);
    expect(await h.run("ZADD", "z", "GT", "CH", 4, "a", 6, "b")).toBe(1);
    expect(await h.run("ZADD", "z", "LT", "CH", 1, "a", 7, "b")).toBe(1);
    expect(await h.run("ZRANGE", "z", 0, -1, "WITHSCORES")).toEqual(["a", 1, "c", 3, "b", 6]);
    expect(await h.run("ZADD", "z", "INCR", 2, "a")).toBe(3);
    expect(await h.run("ZADD", "z", "INCR", "NX", 2, "a")).toBe(null);
    expect(await h.run("ZADD", "z", "INCR", "GT", -1, "a")).toBe(null);
    expect(await h.run("ZADD", "nokey", "XX", 1, "a")).toBe(0);
    expect(await h.run("EXISTS", "nokey")).toBe(0);
    expect(await h.run("ZADD", "z", "NX", "XX", 1, "a")).toBe(
      "ERR XX and NX options at the same time are not compatible",
    );
    expect(await h.run("ZADD", "z", "GT", "LT", 1, "a")).toBe(
      "ERR GT, LT, and/or NX options at the same time are not compatible",
    );
    expect(await h.run("ZADD", "z", "NX", "GT", 1, "a")).toBe(
      "ERR GT, LT, and/or NX options at the same time are not compatible",
    );
    expect(await h.run("ZADD", "z", "INCR", 1, "a", 2, "b")).toBe(
      "ERR INCR option supports a single increment-element pair",
    );
    expect(await h.run("ZADD", "z", 1, "a", 2)).toBe("ERR syntax error");
    expect(await h.run("ZADD", "z", 1, "a", "x", "b")).toBe("ERR value is not a valid float");
    expect(await h.run("ZADD", "z", "nan", "a")).toBe("ERR value is not a valid float");
    expect(await h.run("ZADD", "z", "1e400", "a")).toBe("ERR value is not a valid float");
    expect(await h.run("ZADD", "z", " 1", "a")).toBe("ERR value is not a valid float");
    expect(await h.run("ZRANGE", "z", 0, -1)).toEqual(["a", "c", "b"]);
  });

  test("infinities, NaN sums and events", async () => {
    const h = await harness();
    await h.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
    h.clear();
    expect(await h.run("ZADD", "z", "+inf", "a", "-inf", "b")).toBe(2);
    expect(await h.run("ZINCRBY", "z", "-inf", "a")).toBe(
      "ERR resulting score is not a number (NaN)",
    );
    expect(await h.run("ZINCRBY", "z", "1.5", "c")).toBe(1.5);
    expect(await h.run("ZINCRBY", "z", "nx", "c")).toBe("ERR syntax error");
    expect(await h.run("ZADD", "z", 1.5, "c")).toBe(0); // same score: nothing changed, no event
    expect(h.events.filter((e) => !e.startsWith("m:"))).toEqual(["z:zadd:z", "z:zincr:z"]);
    expect(await h.run("ZRANGE", "z", 0, -1, "WITHSCORES")).toEqual([
      "b",
      -Infinity,
      "c",
      1.5,
      "a",
      Infinity,
    ]);
  });

  test("WRONGTYPE", async () => {
    const h = await harness();
    await h.run("SET", "s", "x");
    const wrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
    for (
      const cmd of [["ZADD", "s", 1, "a"], ["ZSCORE", "s", "a"], ["ZRANGE", "s", 0, 1], [
        "ZPOPMIN",
        "s",
      ], ["ZCARD", "s"]]
    ) {
      expect(await h.run(...cmd)).toBe(wrong);
    }
    expect(await h.run("ZCOUNT", "s", "x", 1)).toBe("ERR min or max is not a float");
  });
});

describe("removal", () => {
  test("ZREM and ZREMRANGEBY* delete the emptied key with del", async () => {
    const h = await harness();
    await h.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d");
    h.clear();
    expect(await h.run("ZREM", "z", "a", "zz")).toBe(1);
    expect(await h.run("ZREMRANGEBYRANK", "z", -1, -1)).toBe(1);
    expect(await h.run("ZREMRANGEBYSCORE", "z", "(2", "+inf")).toBe(1);
    expect(await h.run("ZREMRANGEBYLEX", "z", "-", "+")).toBe(1);
    expect(await h.run("EXISTS", "z")).toBe(0);
    expect(h.events.filter((e) => !e.startsWith("m:"))).toEqual([
      "z:zrem:z",
      "z:zremrangebyrank:z",
      "z:zremrangebyscore:z",
      "z:zremrangebylex:z",
      "g:del:z",
    ]);
    expect(await h.run("ZREMRANGEBYLEX", "z", "a", "+")).toBe(
      "ERR min or max not valid string range item",
    );
    expect(await h.run("ZREMRANGEBYRANK", "z", "x", 1)).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("ZREM", "z", "a")).toBe(0);
  });
});

describe("ranges", () => {
  const load = async () => {
    const h = await harness();
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e");
    await h.run("ZADD", "lex", 0, "alpha", 0, "bar", 0, "cool", 0, "down", 0, "elephant");
    return h;
  };

  test("ZRANGE by rank, score, lex, with REV and LIMIT", async () => {
    const h = await load();
    expect(await h.run("ZRANGE", "z", 1, -2)).toEqual(["b", "c", "d"]);
    expect(await h.run("ZRANGE", "z", -100, 100, "REV")).toEqual(["e", "d", "c", "b", "a"]);
    expect(await h.run("ZRANGE", "z", 3, 1)).toEqual([]);
    expect(await h.run("ZRANGE", "z", "(1", 4, "BYSCORE")).toEqual(["b", "c", "d"]);
    expect(await h.run("ZRANGE", "z", "+inf", "(3", "BYSCORE", "REV", "WITHSCORES")).toEqual([
      "e",
      5,
      "d",
      4,
    ]);
    expect(await h.run("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, 2)).toEqual([
      "b",
      "c",
    ]);
    expect(await h.run("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, -1)).toEqual([
      "b",
      "c",
      "d",
      "e",
    ]);
    expect(await h.run("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", -1, 2)).toEqual([]);
    expect(await h.run("ZRANGEBYSCORE", "z", "(2", "(5", "WITHSCORES")).toEqual(["c", 3, "d", 4]);
    expect(await h.run("ZREVRANGEBYSCORE", "z", 4, 2, "LIMIT", 1, 1)).toEqual(["c"]);
    expect(await h.run("ZRANGEBYSCORE", "z", "", "(2")).toEqual(["a"]); // "" parses as 0, like strtod
    expect(await h.run("ZREVRANGE", "z", 0, 1, "WITHSCORES")).toEqual(["e", 5, "d", 4]);
    expect(await h.run("ZRANGE", "lex", "[bar", "(down", "BYLEX")).toEqual(["bar", "cool"]);
    expect(await h.run("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", 2, 2)).toEqual(["cool", "down"]);
    expect(await h.run("ZREVRANGEBYLEX", "lex", "+", "(cool")).toEqual(["elephant", "down"]);
    expect(await h.run("ZLEXCOUNT", "lex", "(alpha", "[down")).toBe(3);
    expect(await h.run("ZCOUNT", "z", "(1", "3")).toBe(2);
    expect(await h.run("ZCOUNT", "z", "3", "(3")).toBe(0);
    expect(await h.run("ZCOUNT", "nokey", "0", "1")).toBe(0);
  });

  test("range errors", async () => {
    const h = await load();
    expect(await h.run("ZRANGE", "z", 0, 1, "LIMIT", 0, 1)).toBe(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
    expect(await h.run("ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES")).toBe(
      "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
    );
    expect(await h.run("ZRANGE", "z", 0, 1, "BYSCORE", "BYLEX")).toBe("ERR syntax error");
    expect(await h.run("ZRANGEBYSCORE", "z", "nan", 1)).toBe("ERR min or max is not a float");
    expect(await h.run("ZRANGEBYSCORE", "z", "1 ", 2)).toBe("ERR min or max is not a float");
    expect(await h.run("ZRANGEBYLEX", "z", "a", "+")).toBe(
      "ERR min or max not valid string range item",
    );
    expect(await h.run("ZRANGEBYLEX", "z", "--", "+")).toBe(
      "ERR min or max not valid string range item",
    );
    expect(await h.run("ZRANGESTORE", "d", "z", 0, 1, "WITHSCORES")).toBe("ERR syntax error");
  });

  test("ZRANGESTORE stores, replaces and deletes", async () => {
    const h = await load();
    await h.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await h.run("SET", "dst", "string");
    await h.run("EXPIRE", "dst", 100);
    h.clear();
    expect(await h.run("ZRANGESTORE", "dst", "z", 4, 2, "BYSCORE", "REV")).toBe(3);
    expect(await h.run("TTL", "dst")).toBe(-1);
    expect(await h.run("ZRANGE", "dst", 0, -1, "WITHSCORES")).toEqual(["b", 2, "c", 3, "d", 4]);
    expect(await h.run("ZRANGESTORE", "dst", "z", 10, 20)).toBe(0);
    expect(await h.run("EXISTS", "dst")).toBe(0);
    expect(await h.run("ZRANGESTORE", "dst", "nokey", 0, -1)).toBe(0);
    expect(h.events.filter((e) => !e.startsWith("m:"))).toEqual(["z:zrangestore:dst", "g:del:dst"]);
  });

  test("ZRANK / ZREVRANK with WITHSCORE", async () => {
    const h = await load();
    expect(await h.run("ZRANK", "z", "c")).toBe(2);
    expect(await h.run("ZREVRANK", "z", "c", "WITHSCORE")).toEqual([2, 3]);
    expect(await h.run("ZRANK", "z", "nope", "WITHSCORE")).toBe(null);
    expect(await h.run("ZRANK", "z", "c", "bogus")).toBe("ERR syntax error");
    expect(await h.run("ZRANK", "z", "c", "WITHSCORE", "x")).toBe(
      "ERR wrong number of arguments for 'zrank' command",
    );
  });
});

describe("pops", () => {
  test("ZPOPMIN / ZPOPMAX / ZMPOP replies, events and propagation", async () => {
    const h = await harness();
    await h.run("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c");
    h.clear();
    expect(await h.run("ZPOPMIN", "z")).toEqual(["a", 1]);
    expect(await h.run("ZPOPMAX", "z", 0)).toEqual([]);
    expect(await h.run("ZPOPMAX", "z", -1)).toBe("ERR value is out of range, must be positive");
    expect(await h.run("ZMPOP", 2, "nokey", "z", "MAX", "COUNT", 10)).toEqual(["z", [["c", 3], [
      "b",
      2,
    ]]]);
    expect(await h.run("ZMPOP", 1, "z", "MIN")).toBe(null);
    expect(await h.run("EXISTS", "z")).toBe(0);
    expect(h.events.filter((e) => !e.startsWith("m:"))).toEqual([
      "z:zpopmin:z",
      "z:zpopmax:z",
      "g:del:z",
    ]);
    expect(h.propagated).toEqual(["ZPOPMIN z", "ZPOPMAX z 2"]);
    expect(await h.run("ZMPOP", 0, "z", "MIN")).toBe("ERR numkeys should be greater than 0");
    expect(await h.run("ZMPOP", 1, "z", "MIN", "COUNT", 0)).toBe(
      "ERR count should be greater than 0",
    );
    expect(await h.run("ZMPOP", 1, "z", "MID")).toBe("ERR syntax error");
    expect(await h.run("ZMPOP", 2, "z", "MIN")).toBe("ERR syntax error");
  });

  test("RESP3 shapes", async () => {
    const h = await harness();
    await h.run("HELLO", 3);
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c");
    expect(await h.run("ZPOPMIN", "z")).toEqual(["a", 1]);
    expect(await h.run("ZPOPMIN", "z", 1)).toEqual([["b", 2]]);
    expect(await h.run("ZRANGE", "z", 0, -1, "WITHSCORES")).toEqual([["c", 3]]);
    expect(await h.run("ZRANDMEMBER", "z", 1, "WITHSCORES")).toEqual([["c", 3]]);
  });

  test("blocking pops answer at once when blocking is not allowed", async () => {
    const h = await harness();
    expect(await h.run("BZPOPMIN", "z", 0)).toBe(null);
    await h.run("ZADD", "z", 1, "a");
    expect(await h.run("BZPOPMAX", "x", "z", 0)).toEqual(["z", "a", 1]);
    expect(h.propagated.at(-1)).toBe("ZPOPMAX z");
    expect(await h.run("BZPOPMIN", "z", -1)).toBe("ERR timeout is negative");
    expect(await h.run("BZMPOP", "x", 1, "z", "MIN")).toBe(
      "ERR timeout is not a float or out of range",
    );
  });
});

describe("set algebra", () => {
  test("ZUNION / ZINTER / ZDIFF with weights and aggregates", async () => {
    const h = await harness();
    await h.run("ZADD", "a", 1, "x", 2, "y", 3, "z");
    await h.run("ZADD", "b", 10, "y", 20, "z", 30, "w");
    expect(await h.run("ZUNION", 2, "a", "b", "WITHSCORES")).toEqual([
      "x",
      1,
      "y",
      12,
      "z",
      23,
      "w",
      30,
    ]);
    expect(await h.run("ZUNION", 2, "a", "b", "WEIGHTS", 2, 0.5, "AGGREGATE", "MAX", "WITHSCORES"))
      .toEqual(["x", 2, "y", 5, "z", 10, "w", 15]);
    expect(await h.run("ZINTER", 2, "a", "b", "AGGREGATE", "MIN", "WITHSCORES")).toEqual([
      "y",
      2,
      "z",
      3,
    ]);
    expect(await h.run("ZDIFF", 2, "a", "b", "WITHSCORES")).toEqual(["x", 1]);
    expect(await h.run("ZINTERCARD", 2, "a", "b", "LIMIT", 1)).toBe(1);
    expect(await h.run("ZINTERCARD", 2, "a", "b", "LIMIT", -1)).toBe("ERR LIMIT can't be negative");
    expect(await h.run("ZUNIONSTORE", "d", 2, "a", "b")).toBe(4);
    expect(await h.run("ZINTERSTORE", "d", 2, "a", "nokey")).toBe(0);
    expect(await h.run("EXISTS", "d")).toBe(0);
    expect(await h.run("ZUNION", 0, "a")).toBe(
      "ERR at least 1 input key is needed for 'zunion' command",
    );
    expect(await h.run("ZUNIONSTORE", "d", 3, "a", "b")).toBe("ERR syntax error");
    expect(await h.run("ZUNION", 2, "a", "b", "WEIGHTS", 1, "x")).toBe(
      "ERR weight value is not a float",
    );
    expect(await h.run("ZDIFF", 2, "a", "b", "WEIGHTS", 1, 1)).toBe("ERR syntax error");
    expect(await h.run("ZUNIONSTORE", "d", 1, "a", "WITHSCORES")).toBe("ERR syntax error");
  });

  test("NaN products after the first input: MIN/MAX drop them, as Redis does", async () => {
    const h = await harness();
    await h.run("ZADD", "a", 5, "x");
    await h.run("ZADD", "b", "inf", "x", 1, "y", 2, "z");
    expect(await h.run("ZINTER", 2, "a", "b", "WEIGHTS", 1, 0, "AGGREGATE", "MIN", "WITHSCORES"))
      .toEqual(["x", 5]);
    expect(await h.run("ZINTER", 2, "a", "b", "WEIGHTS", 1, 0, "WITHSCORES")).toEqual(["x", 0]);
  });

  test("-0 reads back as 0 from a small set (listpack integers), stays -0 in a big one", async () => {
    const h = await harness();
    await h.run("ZADD", "small", "-0", "a");
    expect(Object.is(await h.run("ZSCORE", "small", "a"), 0)).toBe(true);
    await h.run("CONFIG", "SET", "zset-max-listpack-entries", 0);
    await h.run("ZADD", "big", "-0", "a");
    expect(Object.is(await h.run("ZSCORE", "big", "a"), -0)).toBe(true);
  });

  test("inf * 0 weights and inf - inf sums become 0", async () => {
    const h = await harness();
    await h.run("ZADD", "a", "inf", "x");
    await h.run("ZADD", "b", "-inf", "x");
    expect(await h.run("ZUNION", 2, "a", "b", "WITHSCORES")).toEqual(["x", 0]);
    expect(await h.run("ZUNION", 1, "a", "WEIGHTS", 0, "WITHSCORES")).toEqual(["x", 0]);
  });
});

describe("encodings", () => {
  test("listpack until a threshold, then skiplist for good; results sized on their own", async () => {
    const h = await harness();
    await h.run("CONFIG", "SET", "zset-max-listpack-entries", 4);
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d");
    expect(await h.run("OBJECT", "ENCODING", "z")).toBe("listpack");
    await h.run("ZADD", "z", 5, "e");
    expect(await h.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
    await h.run("ZREM", "z", "a", "b", "c");
    expect(await h.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
    await h.run("ZADD", "long", 1, "x".repeat(65));
    expect(await h.run("OBJECT", "ENCODING", "long")).toBe("skiplist");
    await h.run("ZUNIONSTORE", "u", 1, "z");
    expect(await h.run("OBJECT", "ENCODING", "u")).toBe("listpack");
    await h.run("COPY", "z", "z2");
    expect(await h.run("ZRANGE", "z2", 0, -1, "WITHSCORES")).toEqual(["d", 4, "e", 5]);
  });

  test("both encodings answer the same", async () => {
    const small = await harness();
    const big = await harness();
    await big.run("CONFIG", "SET", "zset-max-listpack-entries", 0);
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 300; i++) cmds.push(["ZADD", "z", i % 17, "m" + ((i * 7919) % 257)]);
    cmds.push(
      ["ZRANGE", "z", 10, 40, "WITHSCORES"],
      ["ZRANGE", "z", "(3", 9, "BYSCORE", "LIMIT", 5, 20],
      ["ZRANGE", "z", 9, "(3", "BYSCORE", "REV", "LIMIT", 5, 20],
      ["ZCOUNT", "z", 2, "(11"],
      ["ZRANK", "z", "m100"],
      ["ZREVRANK", "z", "m100", "WITHSCORE"],
      ["ZREMRANGEBYSCORE", "z", 4, 6],
      ["ZREMRANGEBYRANK", "z", 5, 30],
      ["ZPOPMAX", "z", 3],
      ["ZRANGE", "z", 0, -1, "WITHSCORES"],
      ["ZCARD", "z"],
    );
    for (const c of cmds) expect(await big.run(...c)).toEqual(await small.run(...c));
    expect(await big.run("OBJECT", "ENCODING", "z")).toBe("skiplist");
  });
});

describe("ZSCAN and ZRANDMEMBER", () => {
  test("ZSCAN returns everything: at once when small, through cursors when big", async () => {
    const h = await harness();
    await h.run("ZADD", "small", 1.1, "a", 2, "b");
    expect(await h.run("ZSCAN", "small", 0)).toEqual(["0", ["a", "1.1", "b", "2"]]);
    expect(await h.run("ZSCAN", "small", 0, "MATCH", "b*")).toEqual(["0", ["b", "2"]]);
    expect(await h.run("ZSCAN", "nokey", 0)).toEqual(["0", []]);
    expect(await h.run("ZSCAN", "small", 0, "NOVALUES")).toBe(
      "ERR NOVALUES option can only be used in HSCAN",
    );
    expect(await h.run("ZSCAN", "small", 0, "COUNT", 0)).toBe("ERR syntax error");
    const args: (string | number)[] = [];
    for (let i = 0; i < 500; i++) args.push(i + 0.1, "m" + i);
    await h.run("ZADD", "big", ...args);
    const seen = new Map<string, string>();
    let cursor = "0";
    do {
      const [next, items] = (await h.run("ZSCAN", "big", cursor, "COUNT", 50)) as [
        string,
        string[],
      ];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      cursor = next;
    } while (cursor !== "0");
    expect(seen.size).toBe(500);
    expect(seen.get("m1")).toBe("1.1000000000000001"); // %.17g, like Redis's skiplist ZSCAN
  });

  test("ZRANDMEMBER counts and errors", async () => {
    const h = await harness();
    await h.run("ZADD", "z", 1, "a", 2, "b", 3, "c");
    expect(((await h.run("ZRANDMEMBER", "z", 2)) as string[]).length).toBe(2);
    expect(new Set((await h.run("ZRANDMEMBER", "z", 2)) as string[]).size).toBe(2);
    expect(await h.run("ZRANDMEMBER", "z", 10)).toEqual(["a", "b", "c"]);
    expect(((await h.run("ZRANDMEMBER", "z", -7, "WITHSCORES")) as unknown[]).length).toBe(14);
    expect(await h.run("ZRANDMEMBER", "z", 0)).toEqual([]);
    expect(await h.run("ZRANDMEMBER", "nokey")).toBe(null);
    expect(await h.run("ZRANDMEMBER", "nokey", 5)).toEqual([]);
    expect(await h.run("ZRANDMEMBER", "z", "-9223372036854775808")).toBe(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    expect(await h.run("ZRANDMEMBER", "z", "-9223372036854770000", "WITHSCORES")).toBe(
      "ERR value is out of range",
    );
    expect(await h.run("ZRANDMEMBER", "z", 1, "bogus")).toBe("ERR syntax error");
  });
});

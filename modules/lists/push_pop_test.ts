import { describe, expect, test } from "bun:test";
import { listsHarness } from "./test_util.ts";

describe("push", () => {
  test("LPUSH/RPUSH return the length and keep order; X variants need the key", async () => {
    const h = await listsHarness();
    expect(await h.run("RPUSH", "k", "a", "b")).toBe(2);
    expect(await h.run("LPUSH", "k", "x", "y")).toBe(4);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["y", "x", "a", "b"]);
    expect(await h.run("LPUSHX", "none", "a")).toBe(0);
    expect(await h.run("RPUSHX", "none", "a", "b")).toBe(0);
    expect(await h.run("EXISTS", "none")).toBe(0);
    expect(await h.run("RPUSHX", "k", "z")).toBe(5);
    expect(await h.run("LPUSHX", "k", "w", "v")).toBe(7);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["v", "w", "y", "x", "a", "b", "z"]);
  });

  test("events, WRONGTYPE and propagation", async () => {
    const h = await listsHarness();
    await h.run("SET", "s", "v");
    h.clear();
    expect(await h.run("LPUSH", "s", "a")).toContain("WRONGTYPE");
    await h.run("RPUSH", "k", "a", "b");
    await h.run("LPUSHX", "k", "c");
    expect(h.events).toEqual(["l:rpush:k", "l:lpush:k"]);
    expect(h.propagated).toEqual(["RPUSH k a b", "LPUSHX k c"]);
  });

  test("binary elements round-trip", async () => {
    const h = await listsHarness();
    await h.m.callRaw("RPUSH", "b", new Uint8Array([0, 255, 13, 10, 128]));
    expect(await h.m.callRaw("LPOP", "b")).toBe("\u0000\u00ff\r\n\u0080");
  });
});

describe("pop", () => {
  test("LPOP/RPOP without and with count, deleting the emptied key", async () => {
    const h = await listsHarness();
    await h.run("RPUSH", "k", "a", "b", "c", "d", "e");
    h.clear();
    expect(await h.run("LPOP", "k")).toBe("a");
    expect(await h.run("RPOP", "k")).toBe("e");
    expect(await h.run("LPOP", "k", 0)).toEqual([]);
    expect(await h.run("RPOP", "k", 2)).toEqual(["d", "c"]);
    expect(await h.run("LPOP", "k", 10)).toEqual(["b"]);
    expect(await h.run("EXISTS", "k")).toBe(0);
    expect(h.events).toEqual(["l:lpop:k", "l:rpop:k", "l:rpop:k", "l:lpop:k", "g:del:k"]);
  });

  test("null forms on a missing key in RESP2 and RESP3", async () => {
    const h = await listsHarness();
    const c2 = h.client(2);
    expect(c2.send("LPOP", "none")).toBe("$-1\r\n");
    expect(c2.send("LPOP", "none", 2)).toBe("*-1\r\n");
    expect(c2.send("LPOP", "none", 0)).toBe("*-1\r\n");
    expect(c2.send("LMPOP", 1, "none", "LEFT")).toBe("*-1\r\n");
    expect(c2.send("LMOVE", "none", "d", "LEFT", "LEFT")).toBe("$-1\r\n");
    const c3 = h.client(3);
    expect(c3.send("RPOP", "none")).toBe("_\r\n");
    expect(c3.send("RPOP", "none", 1)).toBe("_\r\n");
    c3.send("RPUSH", "k", "a");
    expect(c3.send("RPOP", "k", 0)).toBe("*0\r\n");
  });

  test("count errors", async () => {
    const h = await listsHarness();
    expect(await h.run("LPOP", "k", -1)).toBe("ERR value is out of range, must be positive");
    expect(await h.run("LPOP", "k", "x")).toBe("ERR value is out of range, must be positive");
    expect(await h.run("LPOP", "k", 1, 2)).toBe("ERR wrong number of arguments for 'lpop' command");
  });

  test("LMPOP pops from the first non-empty list and propagates as a pop with count", async () => {
    const h = await listsHarness();
    await h.run("RPUSH", "b", "1", "2", "3");
    h.clear();
    expect(await h.run("LMPOP", 3, "a", "b", "c", "RIGHT", "COUNT", 2)).toEqual(["b", ["3", "2"]]);
    expect(await h.run("LMPOP", 2, "a", "b", "LEFT", "COUNT", 5)).toEqual(["b", ["1"]]);
    expect(h.propagated).toEqual(["RPOP b 2", "LPOP b 1"]);
    expect(h.events).toEqual(["l:rpop:b", "l:lpop:b", "g:del:b"]);
  });

  test("LMPOP argument errors", async () => {
    const h = await listsHarness();
    expect(await h.run("LMPOP", 0, "a", "LEFT")).toBe("ERR numkeys should be greater than 0");
    expect(await h.run("LMPOP", "x", "a", "LEFT")).toBe("ERR numkeys should be greater than 0");
    expect(await h.run("LMPOP", 2, "a", "LEFT")).toBe("ERR syntax error");
    expect(await h.run("LMPOP", 1, "a", "UP")).toBe("ERR syntax error");
    expect(await h.run("LMPOP", 1, "a", "LEFT", "COUNT", 0)).toBe(
      "ERR count should be greater than 0",
    );
    expect(await h.run("LMPOP", 1, "a", "LEFT", "COUNT", 1, "COUNT", 1)).toBe("ERR syntax error");
    expect(await h.run("LMPOP", 1, "a", "LEFT", "COUNT")).toBe("ERR syntax error");
  });
});

describe("move", () => {
  test("LMOVE between lists and onto itself; events in Redis's order", async () => {
    const h = await listsHarness();
    await h.run("RPUSH", "src", "a", "b");
    h.clear();
    expect(await h.run("LMOVE", "src", "dst", "RIGHT", "LEFT")).toBe("b");
    expect(await h.run("RPOPLPUSH", "src", "dst")).toBe("a");
    expect(await h.run("LRANGE", "dst", 0, -1)).toEqual(["a", "b"]);
    expect(await h.run("EXISTS", "src")).toBe(0);
    expect(h.events).toEqual([
      "l:lpush:dst",
      "l:rpop:src",
      "l:lpush:dst",
      "l:rpop:src",
      "g:del:src",
    ]);
    expect(await h.run("LMOVE", "dst", "dst", "LEFT", "RIGHT")).toBe("a");
    expect(await h.run("LRANGE", "dst", 0, -1)).toEqual(["b", "a"]);
  });

  test("LMOVE errors: side words, destination type", async () => {
    const h = await listsHarness();
    await h.run("RPUSH", "src", "a");
    await h.run("SET", "str", "x");
    expect(await h.run("LMOVE", "src", "d", "UP", "LEFT")).toBe("ERR syntax error");
    expect(await h.run("LMOVE", "src", "str", "LEFT", "LEFT")).toContain("WRONGTYPE");
    expect(await h.run("LRANGE", "src", 0, -1)).toEqual(["a"]);
  });

  test("dirty counts elements as Redis does", async () => {
    const h = await listsHarness();
    const s = h.m.server;
    const d0 = s.dirty;
    await h.run("RPUSH", "k", "a", "b", "c");
    expect(s.dirty - d0).toBe(3);
    await h.run("LMOVE", "k", "j", "LEFT", "LEFT");
    expect(s.dirty - d0).toBe(4);
    await h.run("LPOP", "k", 2);
    expect(s.dirty - d0).toBe(6);
  });
});

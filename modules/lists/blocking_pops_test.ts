import { describe, expect, test } from "bun:test";
import { listsHarness, tick } from "./test_util.ts";

const bulkArray = (...items: string[]) =>
  `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join("");

describe("blocking pops", () => {
  test("an element present is served at once and propagates as LPOP/RPOP", async () => {
    const h = await listsHarness();
    const c = h.client();
    c.send("RPUSH", "b", "x", "y");
    h.clear();
    expect(c.send("BLPOP", "a", "b", 0)).toBe(bulkArray("b", "x"));
    expect(c.send("BRPOP", "a", "b", 0)).toBe(bulkArray("b", "y"));
    expect(h.propagated).toEqual(["LPOP b", "RPOP b"]);
    expect(h.events).toEqual(["l:lpop:b", "l:rpop:b", "g:del:b"]);
  });

  test("waiters are served in order; one LPUSH of several elements serves several", async () => {
    const h = await listsHarness();
    const [a, b, c, p] = [h.client(), h.client(), h.client(), h.client()];
    expect(a.send("BLPOP", "k", 0)).toBe("");
    expect(b.send("BRPOP", "k", 0)).toBe("");
    expect(c.send("BLMPOP", 0, 1, "k", "LEFT", "COUNT", 2)).toBe("");
    expect(h.m.server.blocking.blockedCount).toBe(3);
    h.clear();
    expect(p.send("RPUSH", "k", "1", "2", "3", "4", "5")).toBe(":5\r\n");
    await tick();
    expect(a.take()).toBe(bulkArray("k", "1"));
    expect(b.take()).toBe(bulkArray("k", "5"));
    expect(c.take()).toBe("*2\r\n$1\r\nk\r\n" + bulkArray("2", "3"));
    expect(h.propagated).toEqual(["RPUSH k 1 2 3 4 5", "LPOP k", "RPOP k", "LPOP k 2"]);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["4"]);
    expect(h.m.server.blocking.blockedCount).toBe(0);
  });

  test("BLMOVE chains serve the next waiter before anything else runs", async () => {
    const h = await listsHarness();
    const [a, b, p] = [h.client(), h.client(), h.client()];
    a.send("BLMOVE", "src", "mid", "LEFT", "RIGHT", 0);
    b.send("BRPOPLPUSH", "mid", "dst", 0);
    h.clear();
    p.send("LPUSH", "src", "v");
    await tick();
    expect(a.take()).toBe("$1\r\nv\r\n");
    expect(b.take()).toBe("$1\r\nv\r\n");
    expect(h.propagated).toEqual(["LPUSH src v", "LMOVE src mid LEFT RIGHT", "RPOPLPUSH mid dst"]);
    expect(await h.run("LRANGE", "dst", 0, -1)).toEqual(["v"]);
    expect(await h.run("EXISTS", "src", "mid")).toBe(0);
  });

  test("timeouts are float seconds and answer each command's null form", async () => {
    const h = await listsHarness();
    const [a, b, c] = [h.client(2), h.client(3), h.client(2)];
    a.send("BLPOP", "k", "0.02");
    b.send("BLMPOP", "0.02", 1, "k", "RIGHT");
    c.send("BLMOVE", "k", "d", "LEFT", "LEFT", ".02");
    await tick(80);
    expect(a.take()).toBe("*-1\r\n");
    expect(b.take()).toBe("_\r\n");
    expect(c.take()).toBe("*-1\r\n"); // Redis's timeout reply for every list command
    expect(h.m.server.blocking.blockedCount).toBe(0);
  });

  test("clients that may not block (MULTI, scripts) answer at once", async () => {
    const h = await listsHarness();
    const c = h.client();
    c.state.denyBlocking = true;
    expect(c.send("BLPOP", "k", 0)).toBe("*-1\r\n");
    expect(c.send("BLMPOP", 0, 1, "k", "LEFT")).toBe("*-1\r\n");
    expect(c.send("BRPOPLPUSH", "k", "d", 0)).toBe("$-1\r\n");
    expect(h.m.server.blocking.blockedCount).toBe(0);
  });

  test("a key of another type does not wake a waiter; WRONGTYPE when it is there first", async () => {
    const h = await listsHarness();
    const [a, p] = [h.client(), h.client()];
    a.send("BLPOP", "k", 0);
    p.send("SET", "k", "str");
    await tick();
    expect(a.take()).toBe("");
    expect(p.send("BLPOP", "k", 0)).toStartWith("-WRONGTYPE");
    p.send("DEL", "k");
    p.send("RPUSH", "k", "z");
    await tick();
    expect(a.take()).toBe(bulkArray("k", "z"));
  });

  test("argument errors in Redis's order", async () => {
    const h = await listsHarness();
    const c = h.client();
    expect(c.send("BLPOP", "k", "-1")).toBe("-ERR timeout is negative\r\n");
    expect(c.send("BLPOP", "k", "abc")).toBe("-ERR timeout is not a float or out of range\r\n");
    expect(c.send("BLMOVE", "k", "d", "UP", "LEFT", "abc")).toBe("-ERR syntax error\r\n");
    expect(c.send("BLMPOP", "abc", 0, "k", "LEFT")).toBe(
      "-ERR numkeys should be greater than 0\r\n",
    );
    expect(c.send("BLMPOP", "abc", 1, "k", "LEFT")).toBe(
      "-ERR timeout is not a float or out of range\r\n",
    );
    expect(h.m.server.blocking.blockedCount).toBe(0);
  });
});

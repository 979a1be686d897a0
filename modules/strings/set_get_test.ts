import { describe, expect, test } from "bun:test";
import { stringsHarness } from "./test_util.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

describe("SET", () => {
  test("plain SET and GET, binary safe", async () => {
    const h = await stringsHarness();
    expect(await h.run("SET", "k", "v")).toBe("OK");
    expect(await h.run("GET", "k")).toBe("v");
    expect(await h.raw("SET", "b", Uint8Array.of(0, 255, 13, 10))).toBe("OK");
    expect(await h.raw("GET", "b")).toBe("\x00\xff\r\n");
    expect(await h.run("GET", "missing")).toBe(null);
    expect(h.events).toEqual(["$:set:k", "$:set:b", "m:keymiss:missing"]);
    expect(h.propagated).toEqual(["SET k v", "SET b \x00\xff\r\n"]);
  });

  test("NX and XX", async () => {
    const h = await stringsHarness();
    expect(await h.run("SET", "k", "1", "XX")).toBe(null);
    expect(await h.run("SET", "k", "1", "nx")).toBe("OK");
    expect(await h.run("SET", "k", "2", "NX")).toBe(null);
    expect(await h.run("SET", "k", "3", "xx")).toBe("OK");
    expect(await h.run("GET", "k")).toBe("3");
    // Only the two successful SETs propagate.
    expect(h.propagated).toEqual(["SET k 1 nx", "SET k 3 xx"]);
  });

  test("GET option returns the old value, also when NX/XX aborts", async () => {
    const h = await stringsHarness();
    expect(await h.run("SET", "k", "a", "GET")).toBe(null);
    expect(await h.run("SET", "k", "b", "GET", "NX")).toBe("a");
    expect(await h.run("GET", "k")).toBe("a");
    expect(await h.run("SET", "k", "c", "XX", "GET")).toBe("a");
    expect(await h.run("SET", "j", "c", "XX", "GET")).toBe(null);
    expect(h.db.exists("j")).toBe(false);
    // GET is dropped from the propagated command.
    expect(h.propagated).toEqual(["SET k a", "SET k c XX"]);
  });

  test("GET option on another type is WRONGTYPE and changes nothing", async () => {
    const h = await stringsHarness();
    h.addOther("l");
    expect(await h.run("SET", "l", "x", "GET")).toBe(WRONGTYPE);
    expect(await h.run("GET", "l")).toBe(WRONGTYPE);
    expect(await h.run("SET", "l", "x")).toBe("OK");
    expect(await h.run("GET", "l")).toBe("x");
  });

  test("relative expiries become absolute PXAT in propagation", async () => {
    const h = await stringsHarness();
    const before = Date.now();
    expect(await h.run("SET", "k", "v", "EX", "10")).toBe("OK");
    const at = h.db.getExpire("k");
    // Core's command clock may differ from Date.now() by a few ms.
    expect(Math.abs(at - (before + 10000))).toBeLessThan(50);
    expect(h.propagated).toEqual([`SET k v PXAT ${at}`]);
    expect(h.events).toEqual(["$:set:k", "g:expire:k"]);
    h.clear();
    await h.run("SET", "k", "v", "px", "5000", "GET");
    expect(h.propagated).toEqual([`SET k v PXAT ${h.db.getExpire("k")}`]);
    h.clear();
    const exat = Math.floor(Date.now() / 1000) + 100;
    await h.run("SET", "k", "v", "EXAT", exat);
    expect(h.db.getExpire("k")).toBe(exat * 1000);
    expect(h.propagated).toEqual([`SET k v PXAT ${exat * 1000}`]);
    h.clear();
    const pxat = Date.now() + 100000;
    await h.run("SET", "k", "v", "PXAT", pxat);
    expect(h.db.getExpire("k")).toBe(pxat);
    expect(h.propagated).toEqual([`SET k v PXAT ${pxat}`]);
  });

  test("KEEPTTL keeps the TTL; a plain SET clears it", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v", "EX", "100");
    const at = h.db.getExpire("k");
    await h.run("SET", "k", "w", "KEEPTTL");
    expect(h.db.getExpire("k")).toBe(at);
    await h.run("SET", "k", "x");
    expect(h.db.getExpire("k")).toBe(-1);
  });

  test("syntax errors", async () => {
    const h = await stringsHarness();
    const bad = [
      ["NX", "XX"],
      ["XX", "NX"],
      ["EX", "10", "PX", "100"],
      ["EX", "10", "KEEPTTL"],
      ["KEEPTTL", "PXAT", "1"],
      ["EX"],
      ["PERSIST"],
      ["foo"],
    ];
    for (const opts of bad) expect(await h.run("SET", "k", "v", ...opts)).toBe("ERR syntax error");
    // The same option twice is fine, the last value wins.
    expect(await h.run("SET", "k", "v", "EX", "10", "EX", "20", "NX", "NX")).toBe("OK");
    expect(h.db.exists("k")).toBe(true);
  });

  test("invalid expire times", async () => {
    const h = await stringsHarness();
    for (const t of ["0", "-1"]) {
      expect(await h.run("SET", "k", "v", "EX", t)).toBe(
        "ERR invalid expire time in 'set' command",
      );
    }
    expect(await h.run("SET", "k", "v", "EX", "9223372036854775")).toBe(
      "ERR invalid expire time in 'set' command",
    );
    expect(await h.run("SET", "k", "v", "PX", "9223372036854775807")).toBe(
      "ERR invalid expire time in 'set' command",
    );
    expect(await h.run("SET", "k", "v", "EX", "1.5")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("SETEX", "k", "0", "v")).toBe("ERR invalid expire time in 'setex' command");
    expect(await h.run("PSETEX", "k", "-5", "v")).toBe(
      "ERR invalid expire time in 'psetex' command",
    );
    expect(await h.run("GET", "k")).toBe(null);
    // The expire check comes before the GET's type check.
    h.addOther("l");
    expect(await h.run("SET", "l", "v", "GET", "EX", "0")).toBe(
      "ERR invalid expire time in 'set' command",
    );
  });
});

describe("SET variants", () => {
  test("SETNX replies 1/0", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETNX", "k", "a")).toBe(1);
    expect(await h.run("SETNX", "k", "b")).toBe(0);
    expect(await h.run("GET", "k")).toBe("a");
    expect(h.propagated).toEqual(["SETNX k a"]);
  });

  test("SETEX and PSETEX set a TTL and propagate as SET PXAT", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETEX", "k", "100", "v")).toBe("OK");
    const at = h.db.getExpire("k");
    expect(at - Date.now()).toBeGreaterThan(99000);
    expect(await h.run("PSETEX", "p", "1500", "w")).toBe("OK");
    const pat = h.db.getExpire("p");
    expect(h.propagated).toEqual([`SET k v PXAT ${at}`, `SET p w PXAT ${pat}`]);
    expect(h.events).toEqual(["$:set:k", "g:expire:k", "$:set:p", "g:expire:p"]);
  });

  test("GETSET returns the old value, clears the TTL, propagates as SET", async () => {
    const h = await stringsHarness();
    expect(await h.run("GETSET", "k", "a")).toBe(null);
    await h.run("SET", "k", "b", "EX", "100");
    h.clear();
    expect(await h.run("GETSET", "k", "c")).toBe("b");
    expect(h.db.getExpire("k")).toBe(-1);
    expect(h.propagated).toEqual(["SET k c"]);
    expect(h.events).toEqual(["$:set:k"]);
    h.addOther("l");
    expect(await h.run("GETSET", "l", "x")).toBe(WRONGTYPE);
  });
});

describe("GETEX", () => {
  test("no option: like GET, propagates nothing", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v", "EX", "100");
    h.clear();
    expect(await h.run("GETEX", "k")).toBe("v");
    expect(await h.run("GETEX", "nokey", "EX", "0")).toBe(null);
    expect(h.propagated).toEqual([]);
    expect(h.events).toEqual(["m:keymiss:nokey"]);
  });

  test("EX/PX/EXAT/PXAT propagate as PEXPIREAT", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v");
    h.clear();
    expect(await h.run("GETEX", "k", "EX", "100")).toBe("v");
    const at = h.db.getExpire("k");
    expect(at - Date.now()).toBeGreaterThan(99000);
    expect(h.propagated).toEqual([`PEXPIREAT k ${at}`]);
    expect(h.events).toEqual(["g:expire:k"]);
    const pxat = Date.now() + 50000;
    await h.run("GETEX", "k", "pxat", pxat);
    expect(h.db.getExpire("k")).toBe(pxat);
  });

  test("PERSIST removes the TTL once", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v", "EX", "100");
    h.clear();
    expect(await h.run("GETEX", "k", "PERSIST")).toBe("v");
    expect(h.db.getExpire("k")).toBe(-1);
    expect(await h.run("GETEX", "k", "PERSIST")).toBe("v");
    expect(h.propagated).toEqual(["PERSIST k"]);
    expect(h.events).toEqual(["g:persist:k"]);
  });

  test("an absolute time in the past deletes the key", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v");
    h.clear();
    expect(await h.run("GETEX", "k", "PXAT", "1")).toBe("v");
    expect(h.db.exists("k")).toBe(false);
    expect(h.propagated).toEqual(["DEL k"]);
    expect(h.events).toEqual(["g:del:k"]);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v");
    expect(await h.run("GETEX", "k", "EX", "10", "PERSIST")).toBe("ERR syntax error");
    expect(await h.run("GETEX", "k", "NX")).toBe("ERR syntax error");
    expect(await h.run("GETEX", "k", "KEEPTTL")).toBe("ERR syntax error");
    expect(await h.run("GETEX", "k", "EX", "-1")).toBe(
      "ERR invalid expire time in 'getex' command",
    );
    expect(await h.run("GETEX", "k", "EX", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("GETEX")).toBe("ERR wrong number of arguments for 'getex' command");
  });
});

describe("GETDEL, MGET, MSET, MSETNX", () => {
  test("GETDEL", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "v");
    h.clear();
    expect(await h.run("GETDEL", "k")).toBe("v");
    expect(await h.run("GETDEL", "k")).toBe(null);
    expect(h.propagated).toEqual(["DEL k"]);
    expect(h.events).toEqual(["g:del:k", "m:keymiss:k"]);
  });

  test("MGET answers nil for missing and non-string keys", async () => {
    const h = await stringsHarness();
    await h.run("MSET", "a", "1", "b", "2");
    h.addOther("l");
    expect(await h.run("MGET", "a", "nokey", "l", "b")).toEqual(["1", null, null, "2"]);
  });

  test("MSET sets all pairs, last one wins", async () => {
    const h = await stringsHarness();
    expect(await h.run("MSET", "a", "1", "a", "2", "b", "3")).toBe("OK");
    expect(await h.run("MGET", "a", "b")).toEqual(["2", "3"]);
    expect(h.events).toEqual(["$:set:a", "$:set:a", "$:set:b"]);
    expect(await h.run("MSET", "a", "1", "b")).toBe(
      "ERR wrong number of arguments for 'mset' command",
    );
  });

  test("MSETNX is all or nothing", async () => {
    const h = await stringsHarness();
    expect(await h.run("MSETNX", "a", "1", "b", "2")).toBe(1);
    expect(await h.run("MSETNX", "c", "1", "a", "2")).toBe(0);
    expect(h.db.exists("c")).toBe(false);
    expect(await h.run("MSETNX", "d", "1", "d", "2")).toBe(1);
    expect(await h.run("GET", "d")).toBe("2");
    expect(await h.run("MSETNX", "a", "1", "b")).toBe(
      "ERR wrong number of arguments for 'msetnx' command",
    );
  });

  test("RESP3 nulls", async () => {
    const h = await stringsHarness();
    await h.run("HELLO", "3");
    expect(await h.run("GET", "nokey")).toBe(null);
    expect(await h.run("MGET", "nokey")).toEqual([null]);
  });
});

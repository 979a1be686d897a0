import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture } from "./testing.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

describe("DEL / UNLINK", () => {
  test("delete existing keys, count only those, one del event each", async () => {
    fx.put("a", "1");
    fx.put("b", ["x", "y"]);
    expect(await fx.modis.call("DEL", "a", "missing", "b", "a")).toBe(2);
    expect(fx.events).toEqual(["del:a@0", "del:b@0"]);
    expect(await fx.modis.call("DBSIZE")).toBe(0);
    expect(fx.propagated).toEqual(["0: DEL a missing b a"]);
  });

  test("UNLINK behaves like DEL, big values included", async () => {
    fx.put("big", Array.from({ length: 100000 }, (_, i) => String(i)));
    fx.put("s", "v");
    expect(await fx.modis.call("UNLINK", "big", "s", "nope")).toBe(2);
    expect(fx.events).toEqual(["del:big@0", "del:s@0"]);
  });

  test("an expired key is not counted and is reported as expired", async () => {
    fx.put("gone", "v", { ttlMs: -1 });
    expect(await fx.modis.call("DEL", "gone")).toBe(0);
    expect(fx.events).toEqual(["expired:gone@0"]);
    expect(fx.propagated).toEqual(["0: DEL gone"]);
  });

  test("on a replica, the master's DEL removes a key kept past its deadline", async () => {
    fx.modis.server.isReplica = true;
    fx.put("stale", "v", { ttlMs: -1 });
    expect(await fx.modis.call("EXISTS", "stale")).toBe(0);
    expect(await fx.modis.call("DEL", "stale")).toBe(1);
    expect(fx.modis.server.db(0).size).toBe(0);
  });

  test("nothing deleted, nothing propagated", async () => {
    expect(await fx.modis.call("DEL", "x")).toBe(0);
    expect(fx.propagated).toEqual([]);
  });
});

describe("EXISTS / TOUCH / TYPE", () => {
  test("EXISTS counts duplicates and misses count in stats", async () => {
    fx.put("k", "v");
    expect(await fx.modis.call("EXISTS", "k", "k", "nope", "k")).toBe(3);
    expect(fx.modis.server.stats.keyspaceHits).toBe(3);
    expect(fx.modis.server.stats.keyspaceMisses).toBe(1);
    expect(fx.events).toEqual(["keymiss:nope@0"]);
  });

  test("EXISTS and TYPE do not refresh the access time; TOUCH does", async () => {
    fx.put("k", "v");
    const db = fx.modis.server.db(0);
    db.setIdleSeconds("k", 100);
    await fx.modis.call("EXISTS", "k");
    await fx.modis.call("TYPE", "k");
    await fx.modis.call("TTL", "k");
    expect(db.idleSeconds("k")).toBeGreaterThanOrEqual(100);
    expect(await fx.modis.call("TOUCH", "k", "nope", "k")).toBe(2);
    expect(db.idleSeconds("k")).toBeLessThan(2);
  });

  test("TOUCH refreshes even for a CLIENT NO-TOUCH client", async () => {
    fx.put("k", "v");
    const db = fx.modis.server.db(0);
    db.setIdleSeconds("k", 100);
    await fx.modis.call("KEYSTEST.NOTOUCH");
    expect(await fx.modis.call("TOUCH", "k")).toBe(1);
    expect(db.idleSeconds("k")).toBeLessThan(2);
  });

  test("TYPE names the value's type, none when absent or expired", async () => {
    fx.put("s", "v");
    fx.put("l", ["a"]);
    fx.put("old", "v", { ttlMs: -5 });
    expect(await fx.modis.call("TYPE", "s")).toBe("string");
    expect(await fx.modis.call("TYPE", "l")).toBe("list");
    expect(await fx.modis.call("TYPE", "old")).toBe("none");
    expect(await fx.modis.call("TYPE", "nope")).toBe("none");
  });

  test("arity errors come from core with Redis's text", async () => {
    await expect(fx.modis.call("DEL")).rejects.toThrow(
      "ERR wrong number of arguments for 'del' command",
    );
    await expect(fx.modis.call("TYPE", "a", "b")).rejects.toThrow(
      "ERR wrong number of arguments for 'type' command",
    );
  });
});

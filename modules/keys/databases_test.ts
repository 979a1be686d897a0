import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture } from "./testing.ts";
import type { ModuleSpec } from "../../core/spec.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

const call = (...args: (string | number)[]) => fx.modis.call(...args);
const db = (i = 0) => fx.modis.server.db(i);

describe("DBSIZE / FLUSHDB / FLUSHALL", () => {
  test("FLUSHDB empties the selected db only, counts dirty, always propagates", async () => {
    fx.put("a", "1");
    fx.put("b", "2", { ttlMs: 10_000 });
    fx.put("c", "3", { db: 1 });
    expect(await call("DBSIZE")).toBe(2);
    const dirty = fx.modis.server.dirty;
    expect(await call("FLUSHDB")).toBe("OK");
    expect(fx.modis.server.dirty - dirty).toBe(2);
    expect(await call("DBSIZE")).toBe(0);
    expect(db(0).volatileCount).toBe(0);
    expect(db(1).size).toBe(1);
    expect(await call("FLUSHDB", "ASYNC")).toBe("OK");
    expect(fx.propagated).toEqual(["0: FLUSHDB", "0: FLUSHDB ASYNC"]);
  });

  test("FLUSHALL empties every db and tells listeners (-1)", async () => {
    const flushed: number[] = [];
    const listener: ModuleSpec = {
      name: "flush-listener",
      hooks: { flushed: (i) => flushed.push(i) },
    };
    await fx.modis.server.loadModule(listener);
    fx.put("a", "1");
    fx.put("b", "2", { db: 5 });
    expect(await call("FLUSHALL", "sync")).toBe("OK");
    expect(db(0).size + db(5).size).toBe(0);
    expect(await call("FLUSHDB")).toBe("OK");
    expect(flushed).toEqual([-1, 0]);
  });

  test("bad flush arguments are syntax errors", async () => {
    await expect(call("FLUSHALL", "LAZY")).rejects.toThrow("ERR syntax error");
    await expect(call("FLUSHDB", "SYNC", "ASYNC")).rejects.toThrow("ERR syntax error");
  });
});

describe("SWAPDB", () => {
  test("exchanges contents and TTLs; clients stay on their index", async () => {
    fx.put("a", "db0", { ttlMs: 10_000 });
    fx.put("b", "db1", { db: 1 });
    expect(await call("SWAPDB", 0, 1)).toBe("OK");
    expect(await call("EXISTS", "a")).toBe(0);
    expect(await call("EXISTS", "b")).toBe(1);
    expect(db(1).getExpire("a")).toBeGreaterThan(Date.now());
    expect(await call("SWAPDB", 1, 1)).toBe("OK");
    expect(fx.propagated).toEqual(["0: SWAPDB 0 1", "0: SWAPDB 1 1"]);
  });

  test("errors", async () => {
    await expect(call("SWAPDB", "x", 1)).rejects.toThrow("ERR invalid first DB index");
    await expect(call("SWAPDB", 0, "y")).rejects.toThrow("ERR invalid second DB index");
    await expect(call("SWAPDB", 0, 99)).rejects.toThrow("ERR DB index is out of range");
    await expect(call("SWAPDB", -1, 0)).rejects.toThrow("ERR DB index is out of range");
  });
});

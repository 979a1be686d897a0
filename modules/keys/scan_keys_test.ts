import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture } from "./testing.ts";
import { parseScanCursor } from "./scan_keys.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

const call = (...args: (string | number)[]) => fx.modis.call(...args);

/** Run a whole SCAN, optionally doing something between calls; returns every key seen. */
async function scanAll(
  extra: string[] = [],
  between?: (iteration: number) => void,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor = "0";
  let iteration = 0;
  do {
    const [next, keys] = (await call("SCAN", cursor, ...extra)) as [string, string[]];
    seen.push(...keys);
    cursor = next;
    between?.(iteration++);
  } while (cursor !== "0");
  return seen;
}

describe("KEYS", () => {
  test("glob patterns, expired keys hidden but not deleted", async () => {
    for (const k of ["foo_a", "foo_b", "foo_c", "key_x", "key_y", "key_z"]) fx.put(k, "v");
    fx.put("foo_old", "v", { ttlMs: -1 });
    expect(((await call("KEYS", "foo*")) as string[]).sort()).toEqual(["foo_a", "foo_b", "foo_c"]);
    expect(((await call("KEYS", "*_[xy]")) as string[]).sort()).toEqual(["key_x", "key_y"]);
    expect(((await call("KEYS", "*")) as string[]).length).toBe(6);
    expect(await call("DBSIZE")).toBe(7);
  });

  test("a hostile pattern stays fast", async () => {
    fx.put("a".repeat(5000), "v");
    const t0 = performance.now();
    expect(await call("KEYS", "a*".repeat(500) + "b")).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("SCAN", () => {
  test("returns every key, with COUNT and MATCH", async () => {
    for (let i = 0; i < 1000; i++) fx.put(`key:${i}`, "v");
    fx.put("other", "v");
    expect(new Set(await scanAll()).size).toBe(1001);
    expect(new Set(await scanAll(["COUNT", "100"])).size).toBe(1001);
    const matched = await scanAll(["MATCH", "key:1*", "COUNT", "50"]);
    expect(new Set(matched).size).toBe(111);
    expect(matched.every((k) => k.startsWith("key:1"))).toBe(true);
  });

  test("TYPE filters by type name, unknown types match nothing", async () => {
    for (let i = 0; i < 50; i++) fx.put(`s${i}`, "v");
    fx.put("l1", ["a"]);
    fx.put("l2", ["b"]);
    expect((await scanAll(["TYPE", "list"])).sort()).toEqual(["l1", "l2"]);
    expect((await scanAll(["type", "STRING", "match", "s*", "count", "7"])).length).toBe(50);
    expect(await scanAll(["TYPE", "string1"])).toEqual([]);
  });

  test("expired keys are left out and deleted", async () => {
    for (let i = 0; i < 100; i++) fx.put(`k${i}`, "v");
    fx.put("gone1", "v", { ttlMs: -1 });
    fx.put("gone2", ["x"], { ttlMs: -1 });
    expect(new Set(await scanAll(["COUNT", "10"])).size).toBe(100);
    expect(await call("DBSIZE")).toBe(100);
    expect(fx.events.filter((e) => e.startsWith("expired:")).sort()).toEqual([
      "expired:gone1@0",
      "expired:gone2@0",
    ]);
  });

  test("cursor and option errors", async () => {
    for (const bad of ["-1", "abc", "1.5", "", "18446744073709551616"]) {
      await expect(call("SCAN", bad)).rejects.toThrow("ERR invalid cursor");
    }
    await expect(call("SCAN", 0, "COUNT", 0)).rejects.toThrow("ERR syntax error");
    await expect(call("SCAN", 0, "COUNT", "x")).rejects.toThrow(
      "ERR value is not an integer or out of range",
    );
    await expect(call("SCAN", 0, "COUNT")).rejects.toThrow("ERR syntax error");
    await expect(call("SCAN", 0, "FOO", "bar")).rejects.toThrow("ERR syntax error");
    await expect(call("SCAN", 0, "NOVALUES")).rejects.toThrow(
      "ERR NOVALUES option can only be used in HSCAN",
    );
  });

  test("cursor parsing follows string2ull", () => {
    expect(parseScanCursor("0")).toBe(0);
    expect(parseScanCursor("12345")).toBe(12345);
    expect(parseScanCursor("007")).toBe(7);
    expect(parseScanCursor(" +5")).toBe(5);
    expect(parseScanCursor("18446744073709551615")).toBe(0xffffffff);
    expect(parseScanCursor("4294967296")).toBe(0);
  });

  test("guarantee: keys present for the whole scan are returned while others come, go, and the table resizes", async () => {
    const db = fx.modis.server.db(0);
    for (let round = 0; round < 5; round++) {
      await call("FLUSHDB");
      const stable = Array.from({ length: 300 }, (_, i) => `stable:${round}:${i}`);
      for (const k of stable) fx.put(k, "v");
      let churn = 0;
      const buckets = new Set<number>();
      const seen = new Set(
        await scanAll(["COUNT", "5"], (it) => {
          // Grow far past the stable set, then shrink back: forces several rehashes mid-scan.
          if (it < 40) { for (let j = 0; j < 100; j++) fx.put(`churn:${churn++}`, "v"); }
          else for (let j = 0; j < 200 && churn > 0; j++) db.remove(`churn:${--churn}`);
          buckets.add(db.main.bucketCount);
        }),
      );
      expect(buckets.size).toBeGreaterThan(2);
      for (const k of stable) expect(seen.has(k)).toBe(true);
    }
  });
});

describe("RANDOMKEY", () => {
  test("null on an empty db, a live key otherwise", async () => {
    expect(await call("RANDOMKEY")).toBeNull();
    fx.put("a", "1");
    fx.put("b", "2");
    const got = new Set<unknown>();
    for (let i = 0; i < 50; i++) got.add(await call("RANDOMKEY"));
    expect([...got].sort()).toEqual(["a", "b"]);
  });

  test("skips and deletes expired keys", async () => {
    fx.put("live", "v");
    for (let i = 0; i < 20; i++) fx.put(`dead${i}`, "v", { ttlMs: -1 });
    for (let i = 0; i < 10; i++) expect(await call("RANDOMKEY")).toBe("live");
  });
});

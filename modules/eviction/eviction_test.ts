import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { evictionStateOf } from "./state.ts";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/** A server whose events and propagated writes are recorded, with a fake heap figure. */
async function setup(heap = 100_000_000) {
  const events: string[] = [];
  const propagated: string[] = [];
  const recorder: ModuleSpec = {
    name: "recorder",
    hooks: {
      keyspaceEvent: (cls, event, key) => void (cls === "e" && events.push(`${event}:${key}`)),
      propagated: (_db, argv) => void propagated.push(argv.join(" ")),
    },
  };
  const m = createServer({ log: false, modules: [recorder] });
  await m.call("PING");
  const fake = { heap };
  // deno-lint-ignore no-explicit-any
  (m.server.host as any).heapUsed = () => fake.heap;
  const meter = evictionStateOf(m.server).meter;
  meter.sample();
  meter.base = heap; // as if a collection had just left exactly this much
  return { m, events, propagated, fake };
}

/**
 * Wait until eviction stops: it runs in time slices, and a loaded machine may need more than
 * the first slice (run by the command itself) to reach the target.
 */
async function evictionSettled(m: Awaited<ReturnType<typeof setup>>["m"]): Promise<void> {
  for (let i = 0; i < 400 && evictionStateOf(m.server).continuing !== null; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function keys(m: Awaited<ReturnType<typeof setup>>["m"]): Promise<string[]> {
  return ((await m.call("KEYS", "*")) as string[]).sort();
}

describe("maxmemory 1 under each policy", () => {
  for (const policy of ["allkeys-lru", "allkeys-lfu", "allkeys-random"]) {
    test(`${policy}: every key is evicted, with events, DELs and stats; then writes are refused`, async () => {
      const { m, events, propagated } = await setup();
      await m.call("MSET", "a", "1", "b", "2");
      await m.call("SET", "c", "3", "EX", "100");
      await m.call("CONFIG", "SET", "maxmemory-policy", policy);
      await m.call("CONFIG", "SET", "maxmemory", "1");
      expect(await m.call("DBSIZE")).toBe(0);
      expect(events.sort()).toEqual(["evicted:a", "evicted:b", "evicted:c"]);
      expect(propagated.filter((p) => p.startsWith("DEL")).sort()).toEqual([
        "DEL a",
        "DEL b",
        "DEL c",
      ]);
      expect(await m.call("INFO", "stats")).toContain("evicted_keys:3");
      await expect(m.call("SET", "x", "1")).rejects.toThrow(OOM);
      expect(await m.call("GET", "x")).toBeNull();
      await m.call("CONFIG", "SET", "maxmemory", "0");
      expect(await m.call("SET", "x", "1")).toBe("OK");
      await m.close();
    });
  }

  for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
    test(`${policy}: only keys with a TTL are evicted`, async () => {
      const { m, events } = await setup();
      for (let i = 0; i < 20; i++) await m.call("SET", `p${i}`, "x");
      for (let i = 0; i < 20; i++) await m.call("SET", `v${i}`, "x", "PX", String(100000 + i));
      await m.call("CONFIG", "SET", "maxmemory-policy", policy);
      await m.call("CONFIG", "SET", "maxmemory", "1");
      expect(await m.call("DBSIZE")).toBe(20);
      expect((await keys(m)).every((k) => k.startsWith("p"))).toBe(true);
      expect(events.length).toBe(20);
      await expect(m.call("SET", "p0", "y")).rejects.toThrow(OOM);
      await m.close();
    });
  }

  test("noeviction: writes refused, reads and DEL allowed, nothing evicted", async () => {
    const { m, events } = await setup();
    await m.call("SET", "a", "1");
    await m.call("CONFIG", "SET", "maxmemory", "1");
    await expect(m.call("SET", "b", "1")).rejects.toThrow(OOM);
    await expect(m.call("LPUSH", "l", "1")).rejects.toThrow(OOM);
    expect(await m.call("GET", "a")).toBe("1");
    expect(await m.call("DEL", "a")).toBe(1);
    expect(events).toEqual([]);
    expect(await m.call("INFO", "memory")).toContain("maxmemory:1\r\n");
    await m.close();
  });
});

describe("OOM and transactions / scripts", () => {
  test("a command refused in MULTI aborts EXEC; DISCARD still works", async () => {
    const { m } = await setup();
    await m.call("CONFIG", "SET", "maxmemory", "1");
    await m.call("MULTI");
    await expect(m.call("SET", "x", "1")).rejects.toThrow(OOM);
    await expect(m.call("GET", "x")).rejects.toThrow(OOM); // queueing itself is refused in MULTI
    await expect(m.call("EXEC")).rejects.toThrow(/^EXECABORT .*/);
    await m.call("MULTI");
    expect(await m.call("DISCARD")).toBe("OK");
    await m.close();
  });

  test("EXEC is refused when its queue holds a denyoom command, not when it only reads", async () => {
    const { m } = await setup();
    await m.call("MULTI");
    await m.call("SET", "x", "1");
    m.server.config.set("maxmemory", "1", "config-set");
    await expect(m.call("EXEC")).rejects.toThrow(
      `EXECABORT Transaction discarded because of: ${OOM}`,
    );
    m.server.config.set("maxmemory", "0", "config-set");
    await m.call("SET", "x", "v");
    await m.call("MULTI");
    await m.call("GET", "x");
    await m.call("PING");
    m.server.config.set("maxmemory", "1", "config-set");
    expect(await m.call("EXEC")).toEqual(["v", "PONG"]);
    await m.close();
  });

  test("scripts: shebang without allow-oom is refused, allow-oom / no-writes / no shebang run", async () => {
    const { m } = await setup();
    await m.call("CONFIG", "SET", "maxmemory", "1");
    await expect(m.call("EVAL", "#!lua\nreturn 1", "0")).rejects.toThrow(OOM);
    expect(await m.call("EVAL", "#!lua flags=allow-oom\nreturn 1", "0")).toBe(1);
    expect(await m.call("EVAL", "#!lua flags=no-writes\nreturn 2", "0")).toBe(2);
    expect(await m.call("EVAL", "return 3", "0")).toBe(3);
    await m.close();
  });
});

describe("approximated LRU / LFU with a partial target", () => {
  test("LRU evicts the idle half first", async () => {
    const { m, events } = await setup();
    for (let i = 0; i < 100; i++) await m.call("SET", `k${i}`, "x");
    const db = m.server.db(0);
    for (let i = 0; i < 50; i++) db.setIdleSeconds(`k${i}`, 1000 + i);
    await m.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
    await m.call("CONFIG", "SET", "maxmemory-samples", "10");
    await m.call("CONFIG", "SET", "maxmemory", String(100_000_000 - 30 * 70));
    await evictionSettled(m);
    expect(events.length).toBeGreaterThan(20);
    expect(events.length).toBeLessThan(50);
    for (const e of events) expect(Number(e.slice("evicted:k".length))).toBeLessThan(50);
    await m.close();
  });

  test("LFU keeps the keys read often; OBJECT FREQ shows the counter", async () => {
    const { m, events } = await setup();
    await m.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
    for (let i = 0; i < 60; i++) await m.call("SET", `k${i}`, "x");
    for (let r = 0; r < 100; r++) for (let i = 0; i < 30; i++) await m.call("GET", `k${i}`);
    expect(await m.call("OBJECT", "FREQ", "k0")).toBeGreaterThan(5);
    expect(await m.call("OBJECT", "FREQ", "k59")).toBe(5);
    await m.call("CONFIG", "SET", "maxmemory-samples", "10");
    await m.call("CONFIG", "SET", "maxmemory", String(100_000_000 - 20 * 70));
    await evictionSettled(m);
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(Number(e.slice("evicted:k".length))).toBeGreaterThanOrEqual(30);
    await m.close();
  });

  test("a large batch is evicted in slices, never in one long stall", async () => {
    const { m } = await setup();
    const db = m.server.db(0);
    for (let i = 0; i < 200_000; i++) db.add(`key:${i}`, "value");
    await m.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
    const t0 = performance.now();
    await m.call("CONFIG", "SET", "maxmemory", "1");
    expect(performance.now() - t0).toBeLessThan(50);
    expect(db.size).toBeGreaterThan(0);
    while (db.size > 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20)); // the last slice finds nothing left and stops
    expect(evictionStateOf(m.server).continuing).toBeNull();
    await m.close();
  });
});

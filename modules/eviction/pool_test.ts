import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { EvictionPool, parsePolicy, randomVictim, sampleInto, stillEligible } from "./pool.ts";
import { evictionTimeLimitMs } from "./evict.ts";

describe("EvictionPool", () => {
  test("keeps the 16 best candidates sorted, best taken first", () => {
    const pool = new EvictionPool();
    for (let i = 0; i < 40; i++) pool.offer({ score: (i * 7) % 40, key: `k${i}`, db: 0 });
    expect(pool.size).toBe(16);
    const scores: number[] = [];
    for (let c = pool.takeBest(); c !== undefined; c = pool.takeBest()) scores.push(c.score);
    expect(scores).toEqual(Array.from({ length: 16 }, (_, i) => 39 - i));
  });

  test("a full pool ignores worse candidates; a pooled key is re-scored, not duplicated", () => {
    const pool = new EvictionPool();
    for (let i = 0; i < 16; i++) pool.offer({ score: 100 + i, key: `k${i}`, db: 0 });
    pool.offer({ score: 1, key: "worse", db: 0 });
    pool.offer({ score: 500, key: "k3", db: 0 });
    pool.offer({ score: 500, key: "k3", db: 1 });
    expect(pool.size).toBe(16);
    expect(pool.takeBest()).toEqual({ score: 500, key: "k3", db: 1 });
    expect(pool.takeBest()).toEqual({ score: 500, key: "k3", db: 0 });
    pool.clear();
    expect(pool.takeBest()).toBeUndefined();
  });

  test("policies parse into scope and method", () => {
    expect(parsePolicy("allkeys-lfu")).toEqual({ volatileOnly: false, how: "lfu" });
    expect(parsePolicy("volatile-ttl")).toEqual({ volatileOnly: true, how: "ttl" });
    expect(parsePolicy("noeviction")).toEqual({ volatileOnly: false, how: "none" });
  });

  test("tenacity maps to Redis's time limits, capped to keep the loop responsive", () => {
    expect(evictionTimeLimitMs(0)).toBe(0);
    expect(evictionTimeLimitMs(10)).toBe(0.5);
    expect(evictionTimeLimitMs(20)).toBeCloseTo(2.02, 2);
    expect(evictionTimeLimitMs(100)).toBe(5);
  });
});

describe("sampling", () => {
  test("LRU: idle keys score higher; volatile sampling never offers persistent keys", async () => {
    const m = createServer({ log: false });
    await m.call("PING");
    const db = m.server.db(0);
    for (let i = 0; i < 50; i++) await m.call("SET", `p${i}`, "x");
    for (let i = 0; i < 50; i++) await m.call("SET", `v${i}`, "x", "EX", "1000");
    for (let i = 0; i < 50; i++) db.setIdleSeconds(`v${i}`, 100 + i);
    const pool = new EvictionPool();
    const opts = {
      policy: parsePolicy("volatile-lru"),
      samples: 10,
      nowMs: Date.now(),
      decayMinutes: 1,
    };
    for (let round = 0; round < 20; round++) sampleInto(pool, db, opts);
    const best = pool.takeBest()!;
    expect(best.key.startsWith("v")).toBe(true);
    expect(best.score).toBeGreaterThanOrEqual(140); // the pool converges to the idlest keys
    for (let c = pool.takeBest(); c !== undefined; c = pool.takeBest()) {
      expect(c.key.startsWith("v")).toBe(true);
    }
    expect(stillEligible(db, "v1", opts.policy)).toBe(true);
    expect(stillEligible(db, "p1", opts.policy)).toBe(false);
    await m.close();
  });

  test("TTL: the soonest expiry scores highest; random victims walk the dbs", async () => {
    const m = createServer({ log: false });
    await m.call("PING");
    const db = m.server.db(0);
    await m.call("SET", "late", "x", "EX", "5000");
    await m.call("SET", "soon", "x", "EX", "50");
    const pool = new EvictionPool();
    for (let i = 0; i < 10; i++) {
      sampleInto(pool, db, {
        policy: parsePolicy("volatile-ttl"),
        samples: 5,
        nowMs: Date.now(),
        decayMinutes: 1,
      });
    }
    expect(pool.takeBest()!.key).toBe("soon");
    await m.call("SELECT", "3");
    await m.call("SET", "other", "x");
    expect(randomVictim(m.server.dbs, false, 1)).toEqual({ db: 3, key: "other" });
    expect(randomVictim(m.server.dbs, true, 1)?.db).toBe(0);
    await m.close();
  });
});

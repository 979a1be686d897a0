import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture } from "./testing.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

const call = (...args: (string | number)[]) => fx.modis.call(...args);
const db = () => fx.modis.server.db(0);

describe("EXPIRE family", () => {
  test("relative forms propagate as absolute PEXPIREAT, options kept", async () => {
    fx.put("k", "v");
    const before = Date.now();
    expect(await call("EXPIRE", "k", 100)).toBe(1);
    expect(await call("PEXPIRE", "k", 5000, "LT")).toBe(1);
    expect(await call("EXPIREAT", "k", Math.floor(before / 1000) + 1000)).toBe(1);
    expect(await call("PEXPIREAT", "k", before + 2_000_000)).toBe(1);
    const after = Date.now();
    const [p1, p2, p3, p4] = fx.propagated.map((line) => line.split(" "));
    expect(p1.slice(0, 3)).toEqual(["0:", "PEXPIREAT", "k"]);
    // The command clock is monotonic-derived and may differ from Date.now() by a few ms.
    expect(Math.abs(Number(p1[3]) - (before + 100_000))).toBeLessThanOrEqual(after - before + 5);
    expect(p2[4]).toBe("LT");
    expect(Math.abs(Number(p2[3]) - (before + 5000))).toBeLessThanOrEqual(after - before + 5);
    expect(p3).toEqual(["0:", "PEXPIREAT", "k", String((Math.floor(before / 1000) + 1000) * 1000)]);
    expect(p4).toEqual(["0:", "PEXPIREAT", "k", String(before + 2_000_000)]);
    expect(fx.events).toEqual(["expire:k@0", "expire:k@0", "expire:k@0", "expire:k@0"]);
  });

  test("a past or zero expiry deletes the key: event del, propagated as DEL", async () => {
    fx.put("a", "v");
    fx.put("b", "v");
    fx.put("c", "v");
    expect(await call("EXPIRE", "a", 0)).toBe(1);
    expect(await call("PEXPIRE", "b", -100)).toBe(1);
    expect(await call("EXPIREAT", "c", 1)).toBe(1);
    expect(await call("DBSIZE")).toBe(0);
    expect(fx.events).toEqual(["del:a@0", "del:b@0", "del:c@0"]);
    expect(fx.propagated).toEqual(["0: DEL a", "0: DEL b", "0: DEL c"]);
  });

  test("lazyfree-lazy-expire propagates the deletion as UNLINK", async () => {
    await fx.close();
    fx = await keysFixture({ "lazyfree-lazy-expire": "yes" });
    fx.put("a", "v");
    await call("EXPIRE", "a", -1);
    expect(fx.propagated).toEqual(["0: UNLINK a"]);
  });

  test("a replica stores a past deadline instead of deleting", async () => {
    fx.modis.server.isReplica = true;
    fx.put("k", "v");
    expect(await call("PEXPIREAT", "k", 1)).toBe(1);
    expect(db().size).toBe(1);
    expect(db().getExpire("k")).toBe(1);
  });

  test("missing key answers 0 whatever the options", async () => {
    for (const opt of [[], ["NX"], ["XX"], ["GT"], ["LT"]]) {
      expect(await call("EXPIRE", "none", 100, ...opt)).toBe(0);
    }
    expect(fx.propagated).toEqual([]);
  });

  test("NX / XX / GT / LT", async () => {
    fx.put("t", "v", { ttlMs: 100_000 });
    fx.put("p", "v");
    expect(await call("EXPIRE", "t", 200, "NX")).toBe(0);
    expect(await call("EXPIRE", "p", 200, "XX")).toBe(0);
    expect(await call("EXPIRE", "p", 200, "GT")).toBe(0);
    expect(await call("EXPIRE", "t", 50, "GT")).toBe(0);
    expect(await call("EXPIRE", "t", 500, "GT")).toBe(1);
    expect(await call("EXPIRE", "t", 1000, "LT")).toBe(0);
    expect(await call("EXPIRE", "t", 300, "lt", "xx")).toBe(1);
    expect(await call("TTL", "t")).toBe(300);
    expect(await call("EXPIRE", "p", 200, "LT")).toBe(1);
    expect(await call("PERSIST", "p")).toBe(1);
    expect(await call("EXPIRE", "p", 200, "NX")).toBe(1);
    expect(await call("EXPIRE", "t", -10, "LT")).toBe(1);
    expect(await call("TTL", "t")).toBe(-2);
  });

  test("option errors", async () => {
    fx.put("k", "v");
    const incompatible = "ERR NX and XX, GT or LT options at the same time are not compatible";
    await expect(call("EXPIRE", "k", 10, "NX", "XX")).rejects.toThrow(incompatible);
    await expect(call("EXPIRE", "k", 10, "NX", "GT")).rejects.toThrow(incompatible);
    await expect(call("EXPIRE", "k", 10, "NX", "LT")).rejects.toThrow(incompatible);
    await expect(call("EXPIRE", "k", 10, "GT", "LT")).rejects.toThrow(
      "ERR GT and LT options at the same time are not compatible",
    );
    await expect(call("EXPIRE", "k", 10, "AB")).rejects.toThrow("ERR Unsupported option AB");
    await expect(call("EXPIRE", "k", "")).rejects.toThrow(
      "ERR value is not an integer or out of range",
    );
    await expect(call("EXPIRE", "k", "1.5")).rejects.toThrow(
      "ERR value is not an integer or out of range",
    );
  });

  test("overflow checks, as Redis does them", async () => {
    fx.put("k", "v");
    for (
      const v of ["9223370399119966", "9223372036854776", "10000000000000000", "-9223372036854776"]
    ) {
      await expect(call("EXPIRE", "k", v)).rejects.toThrow(
        "ERR invalid expire time in 'expire' command",
      );
    }
    await expect(call("PEXPIRE", "k", "9223372036854770000")).rejects.toThrow(
      "ERR invalid expire time in 'pexpire' command",
    );
    await expect(call("expireat", "k", "9223372036854776")).rejects.toThrow(
      "ERR invalid expire time in 'expireat' command",
    );
    expect(await call("TTL", "k")).toBe(-1);
    expect(await call("PEXPIREAT", "k", "9223372036854770000")).toBe(1);
    expect(await call("PEXPIREAT", "k", "-9223372036854770000")).toBe(1);
    expect(await call("TTL", "k")).toBe(-2);
  });
});

describe("TTL family and PERSIST", () => {
  test("-2 for missing, -1 without TTL", async () => {
    fx.put("k", "v");
    for (const cmd of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) {
      expect(await call(cmd, "none")).toBe(-2);
      expect(await call(cmd, "k")).toBe(-1);
    }
  });

  test("relative and absolute readings, TTL rounded to the nearest second", async () => {
    fx.put("k", "v");
    const at = Date.now() + 10_400;
    db().setExpire("k", at);
    expect(await call("PEXPIRETIME", "k")).toBe(at);
    expect(await call("EXPIRETIME", "k")).toBe(Math.floor((at + 500) / 1000));
    const pttl = (await call("PTTL", "k")) as number;
    expect(pttl).toBeGreaterThan(10_000);
    expect(pttl).toBeLessThanOrEqual(10_400);
    expect(await call("TTL", "k")).toBe(10);
  });

  test("PERSIST removes the TTL once, with an event", async () => {
    fx.put("k", "v", { ttlMs: 10_000 });
    expect(await call("PERSIST", "k")).toBe(1);
    expect(await call("PERSIST", "k")).toBe(0);
    expect(await call("PERSIST", "none")).toBe(0);
    expect(await call("TTL", "k")).toBe(-1);
    expect(fx.events).toEqual(["persist:k@0"]);
    expect(fx.propagated).toEqual(["0: PERSIST k"]);
  });

  test("a key past its deadline reads as absent", async () => {
    fx.put("k", "v", { ttlMs: -1 });
    expect(await call("TTL", "k")).toBe(-2);
    expect(fx.events).toEqual(["expired:k@0", "keymiss:k@0"]);
  });
});

import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { NOREPLICAS } from "./min_replicas.ts";

describe("min-replicas-to-write", () => {
  test("with no replicas, writes are refused with NOREPLICAS; reads and no-writes scripts run", async () => {
    const m = createServer({ log: false });
    await m.call("SET", "x", "some value");
    await m.call("CONFIG", "SET", "min-slaves-to-write", "1");
    expect(await m.call("CONFIG", "GET", "min-replicas-to-write")).toEqual([
      "min-replicas-to-write",
      "1",
    ]);
    await expect(m.call("SET", "y", "1")).rejects.toThrow(NOREPLICAS);
    expect(await m.call("GET", "x")).toBe("some value");
    expect(await m.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'x')", 1, "x"))
      .toBe("some value");
    expect(await m.call("EVAL", "return redis.call('get', 'x')", 1, "x")).toBe("some value");
    await expect(m.call("EVAL", "#!lua\nreturn redis.call('get', 'x')", 1, "x")).rejects.toThrow(
      NOREPLICAS,
    );
    await expect(m.call("EVAL", "return redis.call('set', 'x', 1)", 1, "x")).rejects.toThrow(
      NOREPLICAS + " script: ",
    );
    // min-replicas-max-lag 0 turns the check off, as in Redis.
    await m.call("CONFIG", "SET", "min-replicas-max-lag", "0");
    expect(await m.call("SET", "y", "1")).toBe("OK");
    await m.call("CONFIG", "SET", "min-replicas-max-lag", "10");
    await expect(m.call("SET", "y", "2")).rejects.toThrow(NOREPLICAS);
    await m.call("CONFIG", "SET", "min-replicas-to-write", "0");
    expect(await m.call("SET", "y", "3")).toBe("OK");
    await m.close();
  });
});

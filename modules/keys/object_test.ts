import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture } from "./testing.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

const call = (...args: (string | number)[]) => fx.modis.call(...args);

describe("OBJECT", () => {
  test("ENCODING asks the type; null for a missing key", async () => {
    fx.put("n", "12345");
    fx.put("s", "hello");
    fx.put("r", "x".repeat(100));
    fx.put("l", ["a"]);
    expect(await call("OBJECT", "ENCODING", "n")).toBe("int");
    expect(await call("OBJECT", "encoding", "s")).toBe("embstr");
    expect(await call("OBJECT", "ENCODING", "r")).toBe("raw");
    expect(await call("OBJECT", "ENCODING", "l")).toBe("listpack");
    expect(await call("OBJECT", "ENCODING", "none")).toBeNull();
    expect(fx.events).toEqual([]);
  });

  test("IDLETIME reads without touching; refused under LFU", async () => {
    fx.put("k", "v");
    fx.modis.server.db(0).setIdleSeconds("k", 42);
    expect(await call("OBJECT", "IDLETIME", "k")).toBe(42);
    expect(await call("OBJECT", "IDLETIME", "k")).toBe(42);
    fx.modis.server.config.set("maxmemory-policy", "allkeys-lfu", "config-set");
    await expect(call("OBJECT", "IDLETIME", "k")).rejects.toThrow(
      "ERR An LFU maxmemory policy is selected",
    );
  });

  test("FREQ needs an LFU policy; a fresh key reads 5", async () => {
    fx.put("k", "v");
    await expect(call("OBJECT", "FREQ", "k")).rejects.toThrow(
      "ERR An LFU maxmemory policy is not selected",
    );
    fx.modis.server.config.set("maxmemory-policy", "volatile-lfu", "config-set");
    expect(await call("OBJECT", "FREQ", "k")).toBe(5);
    fx.modis.server.db(0).setIdleSeconds("k", 3 * 60);
    expect(await call("OBJECT", "FREQ", "k")).toBe(2);
  });

  test("REFCOUNT: shared small integers like Redis, 1 otherwise", async () => {
    fx.put("small", "42");
    fx.put("big", "123456");
    expect(await call("OBJECT", "REFCOUNT", "small")).toBe(2147483647);
    expect(await call("OBJECT", "REFCOUNT", "big")).toBe(1);
  });

  test("HELP, unknown subcommand, arity", async () => {
    const help = (await call("OBJECT", "HELP")) as string[];
    expect(help[0]).toStartWith("OBJECT <subcommand>");
    expect(help.some((l) => l.startsWith("ENCODING"))).toBe(true);
    await expect(call("OBJECT", "FOO", "k")).rejects.toThrow(
      "ERR unknown subcommand 'FOO'. Try OBJECT HELP.",
    );
    await expect(call("OBJECT", "ENCODING")).rejects.toThrow(
      "ERR wrong number of arguments for 'object|encoding' command",
    );
  });
});

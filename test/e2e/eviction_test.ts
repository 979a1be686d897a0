/**
 * maxmemory over TCP, against Modis under Bun and Deno and the reference redis-server (the
 * expectations are plain Redis behaviour): evicted keyspace events reach a subscriber,
 * volatile policies keep persistent keys, and an OOM refusal inside MULTI aborts EXEC.
 */

import { describe, expect, test } from "bun:test";
import { error, kindsWithRedis, simple, useServer } from "../helpers/mod.ts";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

for (const kind of kindsWithRedis()) {
  describe(`eviction [${kind}]`, () => {
    const server = useServer(kind);

    test("evicted events (class e) under allkeys-lru", async () => {
      const c = await server().client();
      const sub = await server().client();
      await c.send("FLUSHALL");
      await c.send("CONFIG", "SET", "notify-keyspace-events", "Ee");
      await c.send("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
      await sub.send("PSUBSCRIBE", "*");
      await c.send("SET", "foo", "bar");
      expect(await c.send("CONFIG", "SET", "maxmemory", "1")).toEqual(simple("OK"));
      expect(await sub.read()).toEqual(["pmessage", "*", "__keyevent@0__:evicted", "foo"]);
      await c.send("CONFIG", "SET", "maxmemory", "0");
      await c.send("CONFIG", "SET", "maxmemory-policy", "noeviction");
      await c.send("CONFIG", "SET", "notify-keyspace-events", "");
      sub.close();
      c.close();
    });

    test("volatile-random never evicts persistent keys; writes are then refused", async () => {
      const c = await server().client();
      await c.send("FLUSHALL");
      await c.send("SET", "keep", "1");
      await c.send("SET", "go", "1", "EX", "1000");
      await c.send("CONFIG", "SET", "maxmemory-policy", "volatile-random");
      await c.send("CONFIG", "SET", "maxmemory", "1");
      expect(await c.send("SET", "new", "1")).toEqual(error(OOM));
      expect(await c.send("KEYS", "*")).toEqual(["keep"]);
      await c.send("CONFIG", "SET", "maxmemory", "0");
      await c.send("CONFIG", "SET", "maxmemory-policy", "noeviction");
      c.close();
    });

    test("noeviction: OOM inside MULTI makes EXEC answer EXECABORT", async () => {
      const c = await server().client();
      const admin = await server().client();
      await c.send("FLUSHALL");
      await c.send("MULTI");
      await c.send("SET", "a", "1");
      await admin.send("CONFIG", "SET", "maxmemory", "1");
      expect(await c.send("LPUSH", "l", "x")).toEqual(error(OOM));
      await admin.send("CONFIG", "SET", "maxmemory", "0");
      const r = await c.send("EXEC");
      expect(String((r as { error: string }).error)).toMatch(/^EXECABORT/);
      expect(await c.send("EXISTS", "a")).toBe(0);
      admin.close();
      c.close();
    });
  });
}

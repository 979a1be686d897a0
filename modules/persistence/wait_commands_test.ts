/**
 * WAIT and WAITAOF over TCP (they block): Modis answers as a Redis 7.4 master without
 * replicas.
 */

import { describe, expect, test } from "bun:test";
import { useModis } from "../../test/helpers/mod.ts";

describe("WAIT / WAITAOF", () => {
  const server = useModis({ runtime: "bun", persistence: true, args: ["--save", ""] });

  test("WAIT: no replica ever acknowledges; asking for one waits for the timeout", async () => {
    const c = await server().client();
    expect(await c.send("WAIT", "0", "0")).toBe(0);
    const t0 = performance.now();
    expect(await c.send("WAIT", "1", "60")).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(await c.send("WAIT", "x", "0")).toEqual({
      error: "ERR value is not an integer or out of range",
    });
    expect(await c.send("WAIT", "1", "-1")).toEqual({ error: "ERR timeout is negative" });
  });

  test("WAITAOF follows appendfsync: always at once, everysec within a second, no never", async () => {
    const c = await server().client();
    await c.send("CONFIG", "SET", "appendonly", "no");
    expect(await c.send("WAITAOF", "1", "0", "0")).toEqual({
      error: "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
    });
    expect(await c.send("WAITAOF", "0", "0", "0")).toEqual([0, 0]);
    await c.send("CONFIG", "SET", "appendonly", "yes");
    for (
      let i = 0;
      i < 100 && String(await c.send("INFO", "persistence")).includes("aof_rewrite_in_progress:1");
      i++
    ) {
      await Bun.sleep(10);
    }
    await c.send("CONFIG", "SET", "appendfsync", "always");
    await c.send("SET", "k", "1");
    expect(await c.send("WAITAOF", "1", "0", "0")).toEqual([1, 0]);

    await c.send("CONFIG", "SET", "appendfsync", "everysec");
    await c.send("SET", "k", "2");
    const t0 = performance.now();
    expect(await c.send("WAITAOF", "1", "0", "0")).toEqual([1, 0]);
    expect(performance.now() - t0).toBeLessThan(1500);

    await c.send("CONFIG", "SET", "appendfsync", "no");
    await c.send("SET", "k", "3");
    expect(await c.send("WAITAOF", "1", "0", "80")).toEqual([0, 0]);
    // A replica is asked for: wait for the timeout, then the local answer.
    await c.send("CONFIG", "SET", "appendfsync", "always");
    await c.send("SET", "k", "4");
    expect(await c.send("WAITAOF", "1", "1", "50")).toEqual([1, 0]);
  });

  test("a waiting client is a blocked client: INFO counts it, CLIENT UNBLOCK answers it", async () => {
    const c = await server().client();
    const admin = await server().client();
    const id = await c.send("CLIENT", "ID");
    c.write("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n");
    for (
      let i = 0;
      i < 100 && !String(await admin.send("INFO", "clients")).includes("blocked_clients:1");
      i++
    ) {
      await Bun.sleep(5);
    }
    expect(await admin.send("CLIENT", "UNBLOCK", String(id))).toBe(1);
    expect(await c.read()).toBe(0);
  });

  test("inside MULTI the answer comes at once", async () => {
    const c = await server().client();
    await c.send("MULTI");
    await c.send("WAIT", "1", "0");
    expect(await c.send("EXEC")).toEqual([0]);
  });
});

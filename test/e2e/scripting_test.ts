/**
 * Scripting over TCP: EVAL / EVALSHA / FCALL replies and errors as a client sees them, and
 * the long-script protocol — other clients wait, then get -BUSY past busy-reply-threshold,
 * SCRIPT KILL stops a read-only script, a script that wrote is UNKILLABLE and its writes
 * stay atomic. Runs on Modis (Bun and Deno) and on the reference redis-server.
 */

import { describe, expect, test } from "bun:test";
import { error, isError, kindsWithRedis, type Reply, simple, useServer } from "../helpers/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of kindsWithRedis()) {
  describe(`scripting [${kind}]`, () => {
    const server = useServer(kind);

    test("EVAL runs commands and converts replies both ways", async () => {
      const c = await server().client();
      await c.send("FLUSHALL");
      expect(await c.send("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k", "v"))
        .toEqual(simple("OK"));
      expect(await c.send("EVAL", "return {1, 'two', {3.7}, false, 'after'}", "0")).toEqual([
        1,
        "two",
        [3],
        null,
        "after",
      ]);
      expect(await c.send("EVAL", "return {1, 2, nil, 4}", "0")).toEqual([1, 2]);
      expect(await c.send("EVAL", "return redis.call('GET', 'nokey')", "0")).toBe(null);
      expect(await c.send("EVAL", "return {err='MYERR custom'}", "0")).toEqual(
        error("MYERR custom"),
      );
      expect(await c.send("EVAL", "return redis.status_reply('FINE')", "0")).toEqual(
        simple("FINE"),
      );
      expect(await c.send("EVAL", "return redis.pcall('INCR', KEYS[1])", "1", "k")).toEqual(
        error("ERR value is not an integer or out of range"),
      );
    });

    test("errors name the script and the line", async () => {
      const c = await server().client();
      await c.send("SET", "str", "abc");
      const r = await c.send("EVAL", "local x = 1\nreturn redis.call('INCR', 'str')", "0");
      expect(isError(r) && r.error).toMatch(
        /^ERR value is not an integer or out of range script: [0-9a-f]{40}, on @user_script:2\.$/,
      );
      const r2 = await c.send("EVAL", "return nosuch", "0");
      expect(isError(r2) && r2.error).toMatch(
        /^ERR user_script:1: Script attempted to access nonexistent global variable 'nosuch' script: /,
      );
      expect(await c.send("EVALSHA", "f".repeat(40), "0")).toEqual(
        error("NOSCRIPT No matching script. Please use EVAL."),
      );
      expect(await c.send("EVAL", "return 1", "2", "a")).toEqual(
        error("ERR Number of keys can't be greater than number of args"),
      );
    });

    test("SCRIPT LOAD / EXISTS / EVALSHA, and functions", async () => {
      const c = await server().client();
      const sha = (await c.send("SCRIPT", "LOAD", "return 'cached'")) as string;
      expect(await c.send("SCRIPT", "EXISTS", sha, "0".repeat(40))).toEqual([1, 0]);
      expect(await c.send("EVALSHA", sha, "0")).toBe("cached");
      await c.send("FUNCTION", "FLUSH");
      const lib =
        "#!lua name=e2elib\nredis.register_function('e2e_echo', function(keys, args) return {keys[1], args[1]} end)";
      expect(await c.send("FUNCTION", "LOAD", lib)).toBe("e2elib");
      expect(await c.send("FCALL", "e2e_echo", "1", "k", "a")).toEqual(["k", "a"]);
      const dump = await c.send("FUNCTION", "DUMP");
      expect(await c.send("FUNCTION", "FLUSH")).toEqual(simple("OK"));
      expect(await c.send("FUNCTION", "RESTORE", dump as string)).toEqual(simple("OK"));
      expect(await c.send("FCALL", "e2e_echo", "1", "k2", "x")).toEqual(["k2", "x"]);
    });

    test("a long read-only script: others wait, then get BUSY, SCRIPT KILL stops it", async () => {
      const c = await server().client();
      const other = await server().client();
      await c.send("CONFIG", "SET", "busy-reply-threshold", "100");
      const pending = c.send("EVAL", "local i = 0 while true do i = i + 1 end", "0");
      await sleep(30);
      const t0 = performance.now();
      const busy = (await other.send("PING")) as Reply;
      expect(busy).toEqual(
        error(
          "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        ),
      );
      expect(performance.now() - t0).toBeGreaterThan(20); // waited for the threshold first
      expect(await other.send("SCRIPT", "KILL")).toEqual(simple("OK"));
      const killed = await pending;
      expect(isError(killed) && killed.error).toMatch(/Script killed by user with SCRIPT KILL/);
      expect(await other.send("PING")).toEqual(simple("PONG"));
      await c.send("CONFIG", "SET", "busy-reply-threshold", "5000");
    });

    test("a long script that wrote is unkillable and its writes stay atomic", async () => {
      const c = await server().client();
      const other = await server().client();
      await c.send("DEL", "atomic");
      await c.send("CONFIG", "SET", "busy-reply-threshold", "50");
      const pending = c.send(
        "EVAL",
        "redis.call('SET', 'atomic', 'half') local t = 0 for i = 1, 30000000 do t = t + i end redis.call('SET', 'atomic', 'done') return 'ok'",
        "0",
      );
      await sleep(120);
      const kill = (await other.send("SCRIPT", "KILL")) as Reply;
      const r = await pending;
      // A fast machine may finish the loop before the kill arrives.
      if (r === "ok" && isError(kill) && kill.error.startsWith("NOTBUSY")) return;
      expect(isError(kill) && kill.error).toMatch(
        /^UNKILLABLE Sorry the script already executed write commands/,
      );
      expect(r).toBe("ok");
      expect(await other.send("GET", "atomic")).toBe("done");
      await c.send("CONFIG", "SET", "busy-reply-threshold", "5000");
    });
  });
}

/**
 * MULTI / EXEC / DISCARD / WATCH over TCP with several clients, in RESP2 and RESP3, against
 * Modis under Bun and Deno and against the reference redis-server (the expectations are
 * plain Redis behaviour, so running them there checks the expectations themselves).
 */

import { describe, expect, test } from "bun:test";
import { error, kindsWithRedis, modisHas, NULL_ARRAY, simple, useServer } from "../helpers/mod.ts";

const OK = simple("OK");
const QUEUED = simple("QUEUED");

for (const kind of kindsWithRedis()) {
  describe(`transactions [${kind}]`, () => {
    const server = useServer(kind);

    test("queued commands run at EXEC, errors inside don't stop the others", async () => {
      const c = await server().client();
      await c.send("DEL", "tx:a", "tx:l");
      expect(
        await c.pipeline([
          ["MULTI"],
          ["SET", "tx:a", "1"],
          ["LPUSH", "tx:a", "x"],
          ["INCR", "tx:a"],
          ["EXEC"],
        ]),
      ).toEqual([
        OK,
        QUEUED,
        QUEUED,
        QUEUED,
        [OK, error("WRONGTYPE Operation against a key holding the wrong kind of value"), 2],
      ]);
    });

    test("a command refused while queueing aborts EXEC", async () => {
      const c = await server().client();
      await c.send("SET", "tx:b", "0");
      const r = await c.pipeline([["MULTI"], ["INCR", "tx:b"], ["NOSUCHCMD"], ["GET"], ["EXEC"], [
        "GET",
        "tx:b",
      ]]);
      expect(r[2]).toHaveProperty("error");
      expect(r[3]).toEqual(error("ERR wrong number of arguments for 'get' command"));
      expect(r[4]).toEqual(error("EXECABORT Transaction discarded because of previous errors."));
      expect(r[5]).toBe("0");
    });

    test("nesting, WATCH inside MULTI, EXEC/DISCARD without MULTI", async () => {
      const c = await server().client();
      expect(await c.send("EXEC")).toEqual(error("ERR EXEC without MULTI"));
      expect(await c.send("DISCARD")).toEqual(error("ERR DISCARD without MULTI"));
      expect(await c.pipeline([["MULTI"], ["MULTI"], ["WATCH", "x"], ["PING"], ["EXEC"]])).toEqual([
        OK,
        error("ERR MULTI calls can not be nested"),
        error("ERR WATCH inside MULTI is not allowed"),
        QUEUED,
        [simple("PONG")],
      ]);
    });

    test("WATCH: a write from another client makes EXEC answer null (RESP2 and RESP3)", async () => {
      for (const proto of [2, 3]) {
        const c = await server().client();
        const other = await server().client();
        await c.send("HELLO", proto);
        await c.send("SET", "tx:w", "1");
        expect(await c.send("WATCH", "tx:w")).toEqual(OK);
        await other.send("SET", "tx:w", "2");
        expect(await c.pipeline([["MULTI"], ["SET", "tx:w", "3"], ["EXEC"]])).toEqual([
          OK,
          QUEUED,
          proto === 2 ? NULL_ARRAY : null,
        ]);
        expect(await c.send("GET", "tx:w")).toBe("2");
      }
    });

    test("WATCH: untouched keys, UNWATCH and DISCARD let EXEC run", async () => {
      const c = await server().client();
      const other = await server().client();
      await c.send("WATCH", "tx:u1", "tx:u2");
      await other.send("SET", "tx:unrelated", "1");
      expect(await c.pipeline([["MULTI"], ["PING"], ["EXEC"]])).toEqual([OK, QUEUED, [
        simple("PONG"),
      ]]);
      await c.send("WATCH", "tx:u1");
      await c.send("UNWATCH");
      await other.send("SET", "tx:u1", "x");
      expect(await c.pipeline([["MULTI"], ["PING"], ["EXEC"]])).toEqual([OK, QUEUED, [
        simple("PONG"),
      ]]);
      await c.send("WATCH", "tx:u1");
      await c.pipeline([["MULTI"], ["PING"], ["DISCARD"]]);
      await other.send("SET", "tx:u1", "y");
      expect(await c.pipeline([["MULTI"], ["PING"], ["EXEC"]])).toEqual([OK, QUEUED, [
        simple("PONG"),
      ]]);
    });

    test("WATCH is invalidated by expiry, FLUSHALL, SWAPDB, RENAME and MOVE", async () => {
      const c = await server().client();
      const other = await server().client();
      const dirty = async (prepare: () => Promise<unknown>, key: string) => {
        await c.send("WATCH", key);
        await prepare();
        const r = await c.pipeline([["MULTI"], ["PING"], ["EXEC"]]);
        return r[2];
      };
      await c.send("SET", "tx:e", "1", "PX", "30");
      expect(await dirty(() => Bun.sleep(60), "tx:e")).toEqual(NULL_ARRAY);
      await c.send("SET", "tx:f", "1");
      expect(await dirty(() => other.send("FLUSHALL"), "tx:f")).toEqual(NULL_ARRAY);
      await c.send("SET", "tx:s", "1");
      expect(await dirty(() => other.send("SWAPDB", "0", "1"), "tx:s")).toEqual(NULL_ARRAY);
      await other.send("SWAPDB", "0", "1");
      await c.send("SET", "tx:r", "1");
      expect(await dirty(() => other.send("RENAME", "tx:r", "tx:r2"), "tx:r")).toEqual(NULL_ARRAY);
      await c.send("SET", "tx:m", "1");
      expect(await dirty(() => other.send("MOVE", "tx:m", "2"), "tx:m")).toEqual(NULL_ARRAY);
      // FLUSHALL does not touch a watched key that did not exist.
      expect(await dirty(() => other.send("FLUSHALL"), "tx:absent")).toEqual([simple("PONG")]);
    });

    test("blocking commands don't block inside EXEC", async () => {
      const c = await server().client();
      await c.send("DEL", "tx:empty");
      expect(await c.pipeline([["MULTI"], ["BLPOP", "tx:empty", "0"], ["EXEC"]])).toEqual([
        OK,
        QUEUED,
        [NULL_ARRAY],
      ]);
    });

    test("CLIENT LIST shows flag x and the queue length", async () => {
      const c = await server().client();
      await c.send("CLIENT", "SETNAME", "txlist");
      await c.pipeline([["MULTI"], ["PING"], ["PING"]]);
      const other = await server().client();
      const line = ((await other.send("CLIENT", "LIST")) as string).split("\n").find((l) =>
        l.includes("name=txlist")
      )!;
      expect(line).toMatch(/ flags=x /);
      expect(line).toMatch(/ multi=2 /);
      await c.send("DISCARD");
    });

    test.skipIf(kind !== "redis" && !modisHas("save"))(
      "no_multi commands (SAVE) are refused inside MULTI and fail the transaction",
      async () => {
        const c = await server().client();
        expect(await c.pipeline([["MULTI"], ["SAVE"], ["EXEC"]])).toEqual([
          OK,
          error("ERR Command not allowed inside a transaction"),
          error("EXECABORT Transaction discarded because of previous errors."),
        ]);
      },
    );
  });
}

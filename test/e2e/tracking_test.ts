/**
 * Client-side caching (CLIENT TRACKING) over TCP with several clients: RESP3 pushes on the
 * tracking connection, RESP2 redirection to a `__redis__:invalidate` subscriber, BCAST
 * prefixes, OPTIN / OPTOUT, NOLOOP, flush invalidations and the introspection subcommands.
 * Against Modis under Bun and Deno and the reference redis-server.
 */

import { describe, expect, test } from "bun:test";
import {
  error,
  isPush,
  kindsWithRedis,
  mapGet,
  type Reply,
  simple,
  useServer,
} from "../helpers/mod.ts";

function frame(r: Reply): Reply[] {
  return isPush(r) ? r.push : (r as Reply[]);
}

for (const kind of kindsWithRedis()) {
  describe(`client tracking [${kind}]`, () => {
    const server = useServer(kind);

    test("RESP3: a read key is invalidated once when another client writes it", async () => {
      const c = await server().client();
      const w = await server().client();
      await c.send("HELLO", "3");
      expect(await c.send("CLIENT", "TRACKING", "on")).toEqual(simple("OK"));
      await w.send("SET", "tr:a", "1");
      expect(await c.send("GET", "tr:a")).toBe("1");
      await w.send("SET", "tr:a", "2");
      expect(frame(await c.read())).toEqual(["invalidate", ["tr:a"]]);
      // Forgotten after the invalidation until read again.
      await w.send("SET", "tr:a", "3");
      expect(await c.send("PING")).toEqual(simple("PONG"));
    });

    test("RESP2 redirection to a __redis__:invalidate subscriber; GETREDIR", async () => {
      const c = await server().client();
      const redir = await server().client();
      const w = await server().client();
      const id = (await redir.send("CLIENT", "ID")) as number;
      await redir.send("SUBSCRIBE", "__redis__:invalidate");
      await c.send("CLIENT", "TRACKING", "on", "REDIRECT", id);
      expect(await c.send("CLIENT", "GETREDIR")).toBe(id);
      await c.send("MGET", "tr:r1", "tr:r2");
      await w.send("DEL", "tr:r2");
      await w.send("SET", "tr:r2", "x");
      expect(await redir.read()).toEqual(["message", "__redis__:invalidate", ["tr:r2"]]);
    });

    test("BCAST with prefixes and NOLOOP", async () => {
      const c = await server().client();
      const w = await server().client();
      await c.send("HELLO", "3");
      await c.send("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bc:", "NOLOOP");
      await w.send("SET", "other", "1");
      await w.send("SET", "bc:1", "1");
      expect(frame(await c.read())).toEqual(["invalidate", ["bc:1"]]);
      await c.send("SET", "bc:mine", "1"); // NOLOOP: own writes are not reported
      await w.send("SET", "bc:2", "1");
      expect(frame(await c.read())).toEqual(["invalidate", ["bc:2"]]);
    });

    test("OPTIN: only keys read after CLIENT CACHING yes are tracked", async () => {
      const c = await server().client();
      const w = await server().client();
      await c.send("HELLO", "3");
      await c.send("CLIENT", "TRACKING", "on", "OPTIN");
      await c.send("GET", "oi:a");
      await c.send("CLIENT", "CACHING", "yes");
      await c.send("GET", "oi:b");
      await w.send("SET", "oi:a", "1");
      await w.send("SET", "oi:b", "1");
      expect(frame(await c.read())).toEqual(["invalidate", ["oi:b"]]);
    });

    test("FLUSHALL invalidates everything with a null key list", async () => {
      const c = await server().client();
      const w = await server().client();
      await c.send("HELLO", "3");
      await c.send("CLIENT", "TRACKING", "on");
      await c.send("GET", "fl:a");
      await w.send("FLUSHALL");
      expect(frame(await c.read())).toEqual(["invalidate", null]);
    });

    test("option errors and TRACKINGINFO", async () => {
      const c = await server().client();
      expect(await c.send("CLIENT", "TRACKING", "on", "PREFIX", "x")).toEqual(
        error("ERR PREFIX option requires BCAST mode to be enabled"),
      );
      expect(await c.send("CLIENT", "TRACKING", "on", "BCAST", "OPTIN")).toEqual(
        error("ERR OPTIN and OPTOUT are not compatible with BCAST"),
      );
      expect(await c.send("CLIENT", "TRACKING", "on", "REDIRECT", "999999")).toEqual(
        error("ERR The client ID you want redirect to does not exist"),
      );
      expect(await c.send("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"))
        .toEqual(
          error(
            "ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.",
          ),
        );
      expect(await c.send("CLIENT", "CACHING", "yes")).toHaveProperty("error");
      await c.send("CLIENT", "TRACKING", "on", "OPTOUT", "NOLOOP");
      const info = await c.send("CLIENT", "TRACKINGINFO");
      expect(mapGet(info, "flags")).toEqual(["on", "optout", "noloop"]);
      expect(mapGet(info, "redirect")).toBe(0);
      expect(mapGet(info, "prefixes")).toEqual([]);
      await c.send("CLIENT", "TRACKING", "off");
      expect(await c.send("CLIENT", "GETREDIR")).toBe(-1);
    });
  });
}

/**
 * Pub/Sub and keyspace notifications over TCP with several clients, RESP2 and RESP3, against
 * Modis under Bun and Deno and the reference redis-server. Also: a subscriber that never
 * reads is disconnected by client-output-buffer-limit's pubsub class while a publisher
 * sends megabytes, and a RESP3 client publishing to itself gets the message after its
 * reply (Redis 7.2+ behaviour, so Modis only: the reference here is 7.0).
 */

import { describe, expect, test } from "bun:test";
import {
  error,
  isPush,
  kindsWithRedis,
  type Reply,
  type RespClient,
  RUNTIMES,
  simple,
  useModis,
  useServer,
} from "../helpers/mod.ts";

/** Push frames (RESP3) and arrays (RESP2) compared alike. */
function frame(r: Reply): Reply[] {
  return isPush(r) ? r.push : (r as Reply[]);
}

for (const kind of kindsWithRedis()) {
  describe(`pub/sub [${kind}]`, () => {
    const server = useServer(kind);

    test("SUBSCRIBE / PSUBSCRIBE / PUBLISH between clients, RESP2 and RESP3", async () => {
      for (const proto of [2, 3]) {
        const sub = await server().client();
        const pub = await server().client();
        await sub.send("HELLO", proto);
        expect(frame(await sub.send("SUBSCRIBE", "news.a"))).toEqual(["subscribe", "news.a", 1]);
        expect(frame(await sub.send("PSUBSCRIBE", "news.*"))).toEqual(["psubscribe", "news.*", 2]);
        expect(await pub.send("PUBLISH", "news.a", "hello")).toBe(2);
        const got = [frame(await sub.read()), frame(await sub.read())];
        expect(got).toContainEqual(["message", "news.a", "hello"]);
        expect(got).toContainEqual(["pmessage", "news.*", "news.a", "hello"]);
        await pub.send("PUBLISH", "news.b", "x");
        const m = await sub.read();
        expect(isPush(m)).toBe(proto === 3);
        expect(frame(m)).toEqual(["pmessage", "news.*", "news.b", "x"]);
        sub.close();
        pub.close();
      }
    });

    test("RESP2 subscribed mode allows only the (un)subscribe family, PING, QUIT, RESET", async () => {
      const c = await server().client();
      await c.send("SUBSCRIBE", "ch");
      expect(await c.send("GET", "k")).toEqual(
        error(
          "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
        ),
      );
      expect(await c.send("PING")).toEqual(["pong", ""]);
      expect(frame(await c.send("UNSUBSCRIBE"))).toEqual(["unsubscribe", "ch", 0]);
      expect(await c.send("GET", "k")).toBeNull();
    });

    test("RESP3 subscribed clients may run any command", async () => {
      const c = await server().client();
      await c.send("HELLO", "3");
      await c.send("SUBSCRIBE", "ch");
      expect(await c.send("PING")).toEqual(simple("PONG"));
      expect(await c.send("ECHO", "x")).toBe("x");
    });

    test("UNSUBSCRIBE without subscriptions, PUBSUB introspection", async () => {
      const a = await server().client();
      const b = await server().client();
      expect(frame(await a.send("PUNSUBSCRIBE"))).toEqual(["punsubscribe", null, 0]);
      await a.send("SUBSCRIBE", "intro.1", "intro.2");
      await a.read();
      await b.send("SUBSCRIBE", "intro.1");
      await b.send("PSUBSCRIBE", "intro.*");
      await b.send("SSUBSCRIBE", "intro.shard");
      const c = await server().client();
      expect(((await c.send("PUBSUB", "CHANNELS", "intro.*")) as string[]).sort()).toEqual([
        "intro.1",
        "intro.2",
      ]);
      expect(await c.send("PUBSUB", "NUMSUB", "intro.1", "intro.2", "intro.3")).toEqual([
        "intro.1",
        2,
        "intro.2",
        1,
        "intro.3",
        0,
      ]);
      expect(await c.send("PUBSUB", "NUMPAT")).toBe(1);
      expect(await c.send("PUBSUB", "SHARDCHANNELS")).toEqual(["intro.shard"]);
      expect(await c.send("PUBSUB", "SHARDNUMSUB", "intro.shard")).toEqual(["intro.shard", 1]);
      expect(await c.send("SPUBLISH", "intro.shard", "m")).toBe(1);
      expect(frame(await b.read())).toEqual(["smessage", "intro.shard", "m"]);
    });

    test("keyspace notifications: K and E channels, class filtering", async () => {
      const admin = await server().client();
      const sub = await server().client();
      await admin.send("CONFIG", "SET", "notify-keyspace-events", "KEg$");
      expect(await admin.send("CONFIG", "GET", "notify-keyspace-events")).toEqual([
        "notify-keyspace-events",
        "g$KE",
      ]);
      await sub.send("PSUBSCRIBE", "__key*@0__:*");
      await admin.send("SET", "ks:a", "1");
      await admin.send("LPUSH", "ks:l", "x"); // class l is off: no event
      await admin.send("DEL", "ks:a", "ks:l");
      const events: Reply[][] = [];
      for (let i = 0; i < 6; i++) events.push(frame(await sub.read()));
      expect(events.map((e) => `${e[2]} ${e[3]}`)).toEqual([
        "__keyspace@0__:ks:a set",
        "__keyevent@0__:set ks:a",
        "__keyspace@0__:ks:a del",
        "__keyevent@0__:del ks:a",
        "__keyspace@0__:ks:l del",
        "__keyevent@0__:del ks:l",
      ]);
      expect(await admin.send("CONFIG", "SET", "notify-keyspace-events", "KQ")).toHaveProperty(
        "error",
      );
      await admin.send("CONFIG", "SET", "notify-keyspace-events", "");
    });

    test("new-key events (n), expired events (x)", async () => {
      const admin = await server().client();
      const sub = await server().client();
      await admin.send("CONFIG", "SET", "notify-keyspace-events", "Enx");
      await sub.send("PSUBSCRIBE", "__keyevent@0__:*");
      await admin.send("SET", "nk:a", "1", "PX", "20");
      await admin.send("SET", "nk:a", "2", "PX", "20");
      expect(frame(await sub.read()).slice(2)).toEqual(["__keyevent@0__:new", "nk:a"]);
      expect(frame(await sub.read()).slice(2)).toEqual(["__keyevent@0__:expired", "nk:a"]);
      await admin.send("CONFIG", "SET", "notify-keyspace-events", "");
    });
  });
}

for (const runtime of RUNTIMES) {
  describe(`pub/sub output limits and ordering [${runtime}]`, () => {
    const server = useModis({
      runtime,
      args: ["--client-output-buffer-limit", "pubsub 1mb 256kb 1"],
    });

    test("a subscriber that never reads is disconnected while a publisher sends MBs", async () => {
      // A raw socket that subscribes, then stops reading (pause): the kernel buffers fill and
      // the server's pending output grows past the pubsub class's hard limit.
      const slow = await Bun.connect({
        hostname: "127.0.0.1",
        port: server().port,
        socket: { data() {} },
      });
      slow.write("*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nflood\r\n");
      const pub = await server().client();
      while ((await pub.send("PUBSUB", "NUMSUB", "flood") as Reply[])[1] !== 1) await Bun.sleep(5);
      slow.pause();
      const payload = "x".repeat(64 * 1024);
      const subscribers = async () => ((await pub.send("PUBSUB", "NUMSUB", "flood")) as Reply[])[1];
      for (let i = 0; i < 800 && (await subscribers()) === 1; i++) {
        await pub.send("PUBLISH", "flood", payload);
      }
      // 50 MB would have been sent by now; the server dropped the subscriber well before.
      expect(await subscribers()).toBe(0);
      await server().waitForLog(/overcoming of output buffer limits/);
      slow.end();
    });

    test("RESP3: a message to the publisher itself comes after its reply, also after EXEC's", async () => {
      const c: RespClient = await server().client();
      await c.send("HELLO", "3");
      await c.send("SUBSCRIBE", "self");
      expect(await c.send("PUBLISH", "self", "a")).toBe(1);
      expect(frame(await c.read())).toEqual(["message", "self", "a"]);
      const r = await c.pipeline([["MULTI"], ["PUBLISH", "self", "b"], ["PING", "x"], ["EXEC"]]);
      expect(r[3]).toEqual([1, "x"]);
      expect(frame(await c.read())).toEqual(["message", "self", "b"]);
      // ... and after the reply of a script that published (the script's client is not the
      // subscriber; the caller is).
      const script =
        "redis.call('publish', 'self', 'c') redis.call('publish', 'self', 'd') return 'done'";
      expect(await c.send("EVAL", script, "0")).toBe("done");
      expect(frame(await c.read())).toEqual(["message", "self", "c"]);
      expect(frame(await c.read())).toEqual(["message", "self", "d"]);
    });
  });
}

/**
 * The server module over real connections: MONITOR, CLIENT, CONFIG REWRITE, DEBUG,
 * SLOWLOG, RESP3 shapes and SHUTDOWN, against `bun run mod.ts` subprocesses.
 */

import { beforeAll, describe, expect, test } from "bun:test";
import { makeTempDir, modisHas, startServer, useModis } from "../../test/helpers/mod.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

describe("server module over TCP", () => {
  const dir = makeTempDir("modis-server-conf");
  const conf = `${dir}/modis.conf`;
  beforeAll(async () => {
    await Bun.write(conf, "# my settings\nhz 10\n\n");
  });
  const server = useModis({
    runtime: "bun",
    configFile: conf,
    args: ["--enable-debug-command", "yes"],
  });

  test("MONITOR streams executed commands, hides admin commands and passwords", async () => {
    const mon = await server().client();
    const c = await server().client();
    expect(await mon.send("MONITOR")).toEqual({ simple: "OK" });
    await c.send("CONFIG", "GET", "hz");
    await c.send("ECHO", 'a "quoted"\nvalue');
    await c.send("AUTH", "secret");
    await c.send("SELECT", "3");
    await c.send("PING");
    const echo = (await mon.read()) as { simple: string };
    expect(echo.simple).toMatch(
      /^\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "ECHO" "a \\"quoted\\"\\nvalue"$/,
    );
    expect(((await mon.read()) as { simple: string }).simple).toMatch(/\] "AUTH" "\(redacted\)"$/);
    // Like Redis, the line shows the db after the command ran.
    expect(((await mon.read()) as { simple: string }).simple).toMatch(/\[3 [^\]]+\] "SELECT" "3"$/);
    expect(((await mon.read()) as { simple: string }).simple).toMatch(/\[3 [^\]]+\] "PING"$/);
    const list = (await c.send("CLIENT", "LIST")) as string;
    expect(list).toMatch(/ flags=O /);
    mon.close();
  });

  test("CLIENT LIST / INFO line, filters and KILL", async () => {
    const a = await server().client();
    const b = await server().client();
    await b.send("CLIENT", "SETNAME", "victim");
    await a.send("CLIENT", "SETINFO", "LIB-NAME", "tester");
    await a.send("CLIENT", "NO-EVICT", "on");
    const info = (await a.send("CLIENT", "INFO")) as string;
    expect(info).toMatch(
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-1 name= age=\d+ idle=\d+ flags=e db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=26 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|info user=default redir=-1 resp=2 lib-name=tester lib-ver=\n$/,
    );
    const bid = await b.send("CLIENT", "ID");
    expect(await a.send("CLIENT", "LIST", "ID", String(bid))).toMatch(
      new RegExp(`^id=${bid} .* name=victim .*cmd=client\\|id `),
    );
    expect(await a.send("CLIENT", "LIST", "TYPE", "bogus")).toEqual({
      error: "ERR Unknown client type 'bogus'",
    });
    expect(await a.send("CLIENT", "KILL", "ID", "0")).toEqual({
      error: "ERR client-id should be greater than 0",
    });
    expect(await a.send("CLIENT", "KILL", "1.2.3.4:5")).toEqual({ error: "ERR No such client" });
    expect(await a.send("CLIENT", "KILL", "ID", String(bid))).toBe(1);
    await b.waitClosed();
    expect(await a.send("CLIENT", "SETINFO", "lib-ver", "1 2")).toEqual({
      error: "ERR lib-ver cannot contain spaces, newlines or special characters.",
    });
    expect(await a.send("CLIENT", "SETINFO", "badger", "x")).toEqual({
      error: "ERR Unrecognized option 'badger'",
    });
  });

  test("CLIENT REPLY OFF / SKIP / ON", async () => {
    const c = await server().client();
    c.write("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n");
    c.write("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n");
    c.write("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n");
    expect(await c.read()).toEqual({ simple: "OK" });
    expect(await c.read()).toBe("b");
    c.write("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\n");
    expect(await c.send("ECHO", "d")).toBe("d");
  });

  test.skipIf(!modisHas("blpop"))("CLIENT UNBLOCK ends a blocking command", async () => {
    const a = await server().client();
    const b = await server().client();
    const id = await b.send("CLIENT", "ID");
    b.write("*3\r\n$5\r\nBLPOP\r\n$7\r\nnolist1\r\n$1\r\n0\r\n");
    for (
      let i = 0;
      i < 50 && !String(await a.send("CLIENT", "LIST", "ID", String(id))).includes("flags=b");
      i++
    ) {
      await Bun.sleep(10);
    }
    expect(await a.send("CLIENT", "UNBLOCK", String(id), "ERROR")).toBe(1);
    expect(await b.read()).toEqual({ error: "UNBLOCKED client unblocked via CLIENT UNBLOCK" });
    expect(await a.send("CLIENT", "UNBLOCK", String(id))).toBe(0);
  });

  test("CLIENT PAUSE holds commands until the timeout; WRITE mode only writes; UNPAUSE", async () => {
    const a = await server().client();
    const b = await server().client();
    expect(await a.send("CLIENT", "PAUSE", "abc")).toEqual({
      error: "ERR timeout is not an integer or out of range",
    });
    expect(await a.send("CLIENT", "PAUSE", "-1")).toEqual({ error: "ERR timeout is negative" });
    expect(await a.send("CLIENT", "PAUSE", "10", "SOME")).toEqual({
      error: "ERR CLIENT PAUSE mode must be WRITE or ALL",
    });
    expect(await a.send("CLIENT", "PAUSE", "150")).toEqual({ simple: "OK" });
    const t0 = performance.now();
    expect(await b.pipeline([["ECHO", "1"], ["ECHO", "2"]])).toEqual(["1", "2"]);
    expect(performance.now() - t0).toBeGreaterThan(100);
    if (!modisHas("set")) return;
    expect(await a.send("CLIENT", "PAUSE", "10000", "WRITE")).toEqual({ simple: "OK" });
    const held = b.send("SET", "paused-key", "v");
    expect(await b.pipeline([])).toEqual([]);
    expect(await a.send("ECHO", "reads go on")).toBe("reads go on");
    expect(await a.send("CLIENT", "UNPAUSE")).toEqual({ simple: "OK" });
    expect(await held).toEqual({ simple: "OK" });
  });

  test("CLIENT PAUSE WRITE judges scripts and EXEC by what they may write; expiry waits", async () => {
    const a = await server().client();
    const b = await server().client();
    const c = await server().client();
    await a.send("SET", "short", "v", "PX", "20");
    // Queued before the pause (a write sent in MULTI during the pause waits, as in Redis).
    await c.send("MULTI");
    await c.send("SET", "in-multi", "1");
    expect(await a.send("CLIENT", "PAUSE", "10000", "WRITE")).toEqual({ simple: "OK" });
    // Declared no-writes: runs. No shebang (may write): held. EXEC of a write: held.
    expect(await b.send("EVAL", "#!lua flags=no-writes\nreturn 1", "0")).toBe(1);
    const held = [b.send("EVAL", "return 2", "0"), c.send("EXEC")];
    await Bun.sleep(50);
    // The key is past its TTL: it reads as missing, but nothing deletes it during the pause.
    const before = String(await a.send("INFO", "stats")).match(/expired_keys:(\d+)/)![1];
    expect(await a.send("GET", "short")).toBeNull();
    expect(String(await a.send("INFO", "stats"))).toContain(`expired_keys:${before}\r\n`);
    expect(String(await a.send("INFO", "clients"))).toContain("blocked_clients:2\r\n");
    expect(await a.send("CLIENT", "UNPAUSE")).toEqual({ simple: "OK" });
    expect(await Promise.all(held)).toEqual([2, [{ simple: "OK" }]]);
    await a.send("GET", "short");
    expect(String(await a.send("INFO", "stats"))).toContain(
      `expired_keys:${Number(before) + 1}\r\n`,
    );
  });

  test("CONFIG REWRITE keeps the user's file and records changes", async () => {
    const c = await server().client();
    const info = (await c.send("INFO", "server")) as string;
    expect(info).toContain(`config_file:${conf}`);
    expect(await c.send("CONFIG", "SET", "hz", "20", "maxmemory", "64mb")).toEqual({
      simple: "OK",
    });
    expect(await c.send("CONFIG", "REWRITE")).toEqual({ simple: "OK" });
    const text = await Bun.file(conf).text();
    expect(text.startsWith("# my settings\nhz 20\n")).toBe(true);
    expect(text).toContain("# Generated by CONFIG REWRITE\n");
    expect(text).toContain("maxmemory 64mb\n");
    expect(text).toContain("enable-debug-command yes\n");
  });

  test("DEBUG subcommands", async () => {
    const c = await server().client();
    await c.send("SELECT", "5");
    if (modisHas("flushall")) {
      await c.send("FLUSHALL");
      expect(await c.send("DEBUG", "DIGEST")).toEqual({ simple: "0".repeat(40) });
    }
    expect(await c.send("DEBUG", "POPULATE", "3", "dbg", "8")).toEqual({ simple: "OK" });
    const info = (await c.send("INFO", "keyspace")) as string;
    expect(info).toContain("db5:keys=3,expires=0");
    const digest = ((await c.send("DEBUG", "DIGEST")) as { simple: string }).simple;
    expect(digest).toMatch(/^[0-9a-f]{40}$/);
    expect(digest).not.toBe("0".repeat(40));
    const [v0, missing] = (await c.send("DEBUG", "DIGEST-VALUE", "dbg:0", "nope")) as {
      simple: string;
    }[];
    expect(v0.simple).toMatch(/^[0-9a-f]{40}$/);
    expect(missing.simple).toBe("0".repeat(40));
    expect(((await c.send("DEBUG", "OBJECT", "dbg:1")) as { simple: string }).simple).toMatch(
      /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+$/,
    );
    expect(await c.send("DEBUG", "OBJECT", "nope")).toEqual({ error: "ERR no such key" });
    expect(await c.send("DEBUG", "SLEEP", "0")).toEqual({ simple: "OK" });
    expect(await c.send("DEBUG", "NOPE")).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.",
    });
    expect(await c.send("DEBUG", "ERROR", "BOOM custom")).toEqual({ error: "BOOM custom" });
    await c.send("HELLO", "3");
    expect(await c.send("DEBUG", "PROTOCOL", "map")).toEqual({
      map: [[0, false], [1, true], [2, false]],
    });
    expect(await c.send("DEBUG", "PROTOCOL", "set")).toEqual({ set: [0, 1, 2] });
    expect(await c.send("DEBUG", "PROTOCOL", "double")).toEqual({ double: "3.141" });
    expect(await c.send("DEBUG", "PROTOCOL", "verbatim")).toEqual({
      verbatim: "This is a verbatim\nstring",
      format: "txt",
    });
    expect(await c.send("DEBUG", "PROTOCOL", "push")).toEqual({ push: ["server-cpu-usage", 42] });
    expect(await c.read()).toBe("Some real reply following the push reply");
    const i3 = (await c.send("INFO", "cluster")) as { verbatim: string };
    expect(i3).toEqual({ verbatim: "# Cluster\r\ncluster_enabled:0\r\n", format: "txt" });
  });

  test("SLOWLOG records, trims and resets", async () => {
    const c = await server().client();
    expect(await c.send("CONFIG", "SET", "slowlog-log-slower-than", "0")).toEqual({ simple: "OK" });
    await c.send("SLOWLOG", "RESET");
    await c.send("CLIENT", "SETNAME", "slowpoke");
    await c.send("ECHO", "x".repeat(200));
    const [entry] = (await c.send("SLOWLOG", "GET", "1")) as unknown[][];
    expect(entry[0]).toEqual(expect.any(Number));
    expect(entry[3]).toEqual(["ECHO", "x".repeat(128) + "... (72 more bytes)"]);
    expect(entry[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(entry[5]).toBe("slowpoke");
    expect(await c.send("SLOWLOG", "LEN")).toBeGreaterThanOrEqual(2);
    expect(await c.send("SLOWLOG", "GET", "-2")).toEqual({
      error: "ERR count should be greater than or equal to -1",
    });
    await c.send("CONFIG", "SET", "slowlog-log-slower-than", "10000");
    expect(await c.send("SLOWLOG", "RESET")).toEqual({ simple: "OK" });
    expect(await c.send("SLOWLOG", "LEN")).toBe(0);
  });
});

describe("INFO stats from the cron", () => {
  const server = useModis({ runtime: "bun", args: ["--enable-debug-command", "yes"] });

  test("instantaneous kbps follow the traffic; expired_stale_perc follows the active cycle", async () => {
    const c = await server().client();
    // 2,000 keys that expire at once: the active cycle finds nearly every sample stale.
    await c.send("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    for (let i = 0; i < 20; i++) {
      const args = Array.from({ length: 100 }, (_, j) => `k${i * 100 + j}`);
      await c.send(
        "EVAL",
        "for _, k in ipairs(KEYS) do redis.call('SET', k, 'v', 'PX', 1) end",
        100,
        ...args,
      );
    }
    await Bun.sleep(10);
    await c.send("DEBUG", "SET-ACTIVE-EXPIRE", "1");
    const stat = async (name: string) => {
      const line = String(await c.send("INFO", "stats")).split("\r\n").find((l) =>
        l.startsWith(name + ":")
      );
      return Number(line!.split(":")[1]);
    };
    const big = "x".repeat(64 * 1024);
    for (let i = 0; i < 30 && (await stat("instantaneous_input_kbps")) === 0; i++) {
      await c.send("SET", "big", big);
      await Bun.sleep(100);
    }
    expect(await stat("instantaneous_input_kbps")).toBeGreaterThan(0);
    expect(await stat("instantaneous_output_kbps")).toBeGreaterThan(0);
    expect(await stat("expired_stale_perc")).toBeGreaterThan(0);
  });
});

describe("SHUTDOWN", () => {
  test("ends the process; ABORT with nothing in progress is an error", async () => {
    const s = await startServer({ runtime: "bun" });
    const c = await s.client();
    expect(await c.send("SHUTDOWN", "ABORT")).toEqual({ error: "ERR No shutdown in progress." });
    expect(await c.send("SHUTDOWN", "SAVE", "NOSAVE")).toEqual({ error: "ERR syntax error" });
    c.write("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
    expect(await s.exited).toBe(0);
  });
});

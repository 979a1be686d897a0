/**
 * In-process tests of the persistence module: point-in-time BGSAVE under concurrent writes,
 * DEBUG RELOAD, plugin types through RDB, AOF rewrites and DUMP/RESTORE, RESTORE's errors,
 * save points and INFO, function libraries, and MIGRATE to a redis-server.
 */

import { afterAll, describe, expect, test } from "bun:test";
import { createServer, type ModisServer } from "../../mod.ts";
import { moduleSpec as counterPlugin } from "../../plugins/counter_type/mod.ts";
import { persistenceOf } from "./state.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) Bun.spawnSync(["rm", "-rf", d]);
});

function tempDir(): string {
  const r = Bun.spawnSync(["mktemp", "-d", "/tmp/modis-persist-XXXXXX"]);
  const dir = new TextDecoder().decode(r.stdout).trim();
  dirs.push(dir);
  return dir;
}

function open(dir: string, extra: Record<string, string> = {}, plugins = true): ModisServer {
  return createServer({
    log: false,
    config: { dir, save: "", ...extra },
    modules: plugins ? [counterPlugin] : [],
  });
}

/** A binary string (callRaw's replies) as bytes, so call() passes it through unchanged. */
function bin(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

async function until(f: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await f()); i++) await Bun.sleep(5);
}

describe("BGSAVE is a point-in-time snapshot", () => {
  test("writes made while it runs are not in the file; everything from before is", async () => {
    const dir = tempDir();
    const m = open(dir);
    await m.ready;
    const n = 30000;
    for (let i = 0; i < n; i += 1000) {
      await m.call(
        "MSET",
        ...Array.from({ length: 1000 }, (_, j) => [`k${i + j}`, `v${i + j}`]).flat(),
      );
    }
    await m.call("RPUSH", "list", "a", "b");
    expect(await m.call("BGSAVE")).toBe("Background saving started");
    // Concurrent writes: overwrite, delete, create, mutate a collection in place, flush db 1.
    const p = persistenceOf(m.server);
    let round = 0;
    while (p.bgsave) {
      const i = (round * 997) % n;
      await m.call("SET", `k${i}`, "changed");
      await m.call("DEL", `k${(i + 1) % n}`);
      await m.call("SET", `new${round}`, "x");
      await m.call("RPUSH", "list", "c");
      round++;
      await Bun.sleep(0);
    }
    expect(round).toBeGreaterThan(0);
    expect(p.lastBgsaveStatus).toBe("ok");
    await m.close();
    const m2 = open(dir);
    expect(await m2.call("DBSIZE")).toBe(n + 1);
    expect(await m2.call("GET", "k0")).toBe("v0");
    expect(await m2.call("GET", "k1")).toBe("v1");
    expect(await m2.call("EXISTS", "new0")).toBe(0);
    expect(await m2.call("LRANGE", "list", 0, -1)).toEqual(["a", "b"]);
    await m2.close();
  });

  test("changes during a BGSAVE still count as unsaved afterwards", async () => {
    const m = open(tempDir());
    await m.call("SET", "a", "1");
    await m.call("BGSAVE");
    await m.call("SET", "b", "2");
    await until(() => persistenceOf(m.server).bgsave === null);
    expect(String(await m.call("INFO", "persistence"))).toContain("rdb_changes_since_last_save:1");
    await m.close();
  });
});

describe("BGSAVE's final fsync runs off the event loop", () => {
  /** Make the server's next background fsync wait for the test: returns its controls. */
  function holdFsync(m: ModisServer) {
    const host = m.server.host!;
    const openFile = host.openFile;
    const held = { called: false, release: () => {}, fail: (_e: Error) => {} };
    host.openFile = (path, mode) => {
      const f = openFile(path, mode);
      return {
        ...f,
        syncAsync: () => {
          held.called = true;
          return new Promise<void>((resolve, reject) => {
            held.release = () => f.syncAsync().then(resolve, reject);
            held.fail = reject;
          });
        },
      };
    };
    return held;
  }

  async function savedValue(dir: string): Promise<unknown> {
    const m = open(dir);
    const v = await m.call("GET", "a");
    await m.close();
    return v;
  }

  const tempFiles = (dir: string) => [...new Bun.Glob("temp-*").scanSync(dir)];

  test("the rename waits for it; an abort or a failed fsync keeps the previous file", async () => {
    const dir = tempDir();
    const m = open(dir);
    const p = persistenceOf(m.server);
    await m.call("SET", "a", "1");
    expect(await m.call("SAVE")).toBe("OK");
    const held = holdFsync(m);
    for (const outcome of ["abort", "fail", "ok"] as const) {
      await m.call("SET", "a", outcome);
      await m.call("BGSAVE");
      await until(() => held.called);
      held.called = false;
      // Walk done, fsync pending: still in progress, clients served, old file in place.
      expect(String(await m.call("INFO", "persistence"))).toContain("rdb_bgsave_in_progress:1");
      expect(await m.call("PING")).toBe("PONG");
      expect(tempFiles(dir).length).toBe(1);
      if (outcome === "abort") {
        p.killBgsave();
        held.release();
      } else if (outcome === "fail") held.fail(new Error("EIO: i/o error, fsync"));
      else held.release();
      await until(() => p.bgsave === null);
      await Bun.sleep(20);
      expect(p.lastBgsaveStatus).toBe(outcome === "ok" ? "ok" : "err");
      expect(tempFiles(dir)).toEqual([]);
      expect(await savedValue(dir)).toBe(outcome === "ok" ? "ok" : "1");
    }
    await m.close();
  });
});

describe("RDB version", () => {
  const header = async (dir: string) => (await Bun.file(`${dir}/dump.rdb`).slice(0, 9).text());

  test("10 unless a hash has field TTLs; a save that meets one starts over at 12", async () => {
    const dir = tempDir();
    const m = open(dir);
    await m.call("MSET", ...Array.from({ length: 2000 }, (_, i) => [`k${i}`, "v"]).flat());
    await m.call("HSET", "h", "f", "1", "g", "2");
    expect(await m.call("SAVE")).toBe("OK");
    expect(await header(dir)).toBe("REDIS0010");
    // The next save guesses 10 (what the last one needed), meets the TTL and restarts;
    // a write to the hash while it runs is either a pre-image or in the restarted snapshot.
    await m.call("HPEXPIRE", "h", 100000, "FIELDS", 1, "f");
    await m.call("BGSAVE");
    await m.call("HSET", "h", "x", "3");
    await until(() => persistenceOf(m.server).bgsave === null);
    expect(persistenceOf(m.server).lastBgsaveStatus).toBe("ok");
    expect(await header(dir)).toBe("REDIS0012");
    await m.close();
    const m2 = open(dir);
    expect(await m2.call("DBSIZE")).toBe(2001);
    expect(await m2.call("HPTTL", "h", "FIELDS", 1, "f")).toEqual([expect.any(Number)]);
    expect(await m2.call("HGET", "h", "g")).toBe("2");
    // Once the TTLs are gone, saves go back to 10.
    await m2.call("HPERSIST", "h", "FIELDS", 1, "f");
    expect(await m2.call("SAVE")).toBe("OK");
    expect(await m2.call("SAVE")).toBe("OK");
    expect(await header(dir)).toBe("REDIS0010");
    await m2.close();
  });
});

describe("hash field TTLs from files and RESTORE expire actively", () => {
  // Nothing reads the hashes below: only the active expiry cycle can delete their fields.
  const gone = async (m: ModisServer, key: string) => {
    await until(async () => (await m.call("EXISTS", key)) === 0);
    return await m.call("EXISTS", key);
  };

  test("after a restart from RDB or AOF, DEBUG RELOAD, and RESTORE into a fresh server", async () => {
    for (const extra of [{}, { appendonly: "yes" }]) {
      const dir = tempDir();
      const m = open(dir, extra);
      await m.ready;
      await m.call("HSET", "h", "f", "1", "g", "2");
      await m.call("HSET", "big", ...Array.from({ length: 300 }, (_, i) => [`f${i}`, "v"]).flat());
      await m.call("HPEXPIRE", "h", 300, "FIELDS", 2, "f", "g");
      await m.call(
        "HPEXPIRE",
        "big",
        300,
        "FIELDS",
        300,
        ...Array.from({ length: 300 }, (_, i) => `f${i}`),
      );
      // With AOF, the hashes must be in the base (its RDB preamble), not replayed commands.
      const aof = persistenceOf(m.server).aof;
      await until(() => aof.rewriting === null);
      if (!("appendonly" in extra)) await m.call("SAVE");
      else await m.call("BGREWRITEAOF");
      await until(() => aof.rewriting === null);
      const dump = await m.callRaw("DUMP", "h");
      await m.close();
      const m2 = open(dir, extra);
      await m2.ready;
      expect(await m2.call("DBSIZE")).toBe(2);
      expect(await gone(m2, "h")).toBe(0);
      expect(await gone(m2, "big")).toBe(0);
      await m2.close();
      const m3 = open(tempDir(), { "enable-debug-command": "yes" });
      expect(await m3.call("RESTORE", "r", 0, bin(String(dump)))).toBe("OK");
      expect(await gone(m3, "r")).toBe(0);
      await m3.call("HSET", "h", "f", "1");
      await m3.call("HPEXPIRE", "h", 300, "FIELDS", 1, "f");
      await m3.call("DEBUG", "RELOAD");
      expect(await m3.call("EXISTS", "h")).toBe(1);
      expect(await gone(m3, "h")).toBe(0);
      await m3.close();
    }
  });
});

describe("plugin types persist", () => {
  test("through SAVE + restart, DEBUG RELOAD and DUMP/RESTORE", async () => {
    const dir = tempDir();
    const m = open(dir, { "enable-debug-command": "yes" });
    await m.call("COUNTER.INCRBY", "c", 5);
    await m.call("COUNTER.INCRBY", "c", -2);
    expect(await m.call("TYPE", "c")).toBe("cntr-type");
    expect(await m.call("DEBUG", "RELOAD")).toBe("OK");
    expect(await m.call("COUNTER.GET", "c")).toEqual([3, 2]);
    const payload = bin((await m.callRaw("DUMP", "c")) as string);
    expect(await m.call("RESTORE", "c2", 0, payload)).toBe("OK");
    expect(await m.call("COUNTER.GET", "c2")).toEqual([3, 2]);
    await m.call("SAVE");
    await m.close();
    const m2 = open(dir);
    expect(await m2.call("COUNTER.GET", "c")).toEqual([3, 2]);
    await m2.close();
    // Without the plugin, the file does not load, and the error names the type.
    const bare = open(dir, {}, false);
    await expect(bare.ready).rejects.toThrow(/cntr-type/);
  });

  for (const preamble of ["yes", "no"]) {
    test(`through BGREWRITEAOF + restart (aof-use-rdb-preamble ${preamble})`, async () => {
      const dir = tempDir();
      const cfg = { appendonly: "yes", "aof-use-rdb-preamble": preamble };
      const m = open(dir, cfg);
      await m.call("COUNTER.INCRBY", "c", 7);
      await m.call("SET", "s", "v");
      await until(() => !persistenceOf(m.server).aof.rewriting);
      expect(await m.call("BGREWRITEAOF")).toBe("Background append only file rewriting started");
      await until(() => !persistenceOf(m.server).aof.rewriting);
      await m.call("COUNTER.INCRBY", "c", 1);
      await m.close();
      const m2 = open(dir, cfg);
      expect(await m2.call("COUNTER.GET", "c")).toEqual([8, 2]);
      expect(await m2.call("GET", "s")).toBe("v");
      await m2.close();
    });
  }
});

describe("RESTORE", () => {
  test("errors as Redis gives them", async () => {
    const m = open(tempDir());
    await m.call("SET", "k", "v");
    const raw = (await m.callRaw("DUMP", "k")) as string;
    const payload = bin(raw);
    await expect(m.call("RESTORE", "k", 0, payload)).rejects.toThrow(
      "BUSYKEY Target key name already exists.",
    );
    await expect(m.call("RESTORE", "n", -1, payload)).rejects.toThrow(
      "ERR Invalid TTL value, must be >= 0",
    );
    await expect(m.call("RESTORE", "n", 0, bin(raw.slice(0, -1) + "x"))).rejects.toThrow(
      "ERR DUMP payload version or checksum are wrong",
    );
    await expect(m.call("RESTORE", "n", 0, payload, "IDLETIME", -1)).rejects.toThrow(
      "Invalid IDLETIME",
    );
    await expect(m.call("RESTORE", "n", 0, payload, "FREQ", 256)).rejects.toThrow("Invalid FREQ");
    await expect(m.call("RESTORE", "n", 0, payload, "BOGUS")).rejects.toThrow("syntax error");
    expect(await m.call("RESTORE", "k", 5000, payload, "REPLACE")).toBe("OK");
    expect(Number(await m.call("PTTL", "k"))).toBeGreaterThan(4000);
    expect(await m.call("RESTORE", "old", 1000, payload, "ABSTTL")).toBe("OK");
    expect(await m.call("EXISTS", "old")).toBe(0);
    await m.close();
  });
});

describe("save points, INFO, SHUTDOWN flags", () => {
  test("a save point triggers a background save; LASTSAVE follows", async () => {
    const m = open(tempDir(), { save: "0 2" });
    await m.call("SET", "a", "1");
    await m.call("SET", "b", "2");
    await until(async () => String(await m.call("INFO", "persistence")).includes("rdb_saves:1"));
    const info = String(await m.call("INFO", "persistence"));
    expect(info).toContain("rdb_last_bgsave_status:ok");
    expect(info).toContain("rdb_changes_since_last_save:0");
    expect(await m.call("LASTSAVE")).toBeGreaterThan(Date.now() / 1000 - 5);
    await m.close();
  });

  test("function libraries survive a reload", async () => {
    const dir = tempDir();
    const m = open(dir);
    const lib = "#!lua name=mylib\nredis.register_function('hi', function() return 'hello' end)";
    await m.call("FUNCTION", "LOAD", lib);
    await m.call("SAVE");
    await m.close();
    const m2 = open(dir);
    expect(await m2.call("FCALL", "hi", 0)).toBe("hello");
    await m2.close();
  });
});

describe.skipIf(Bun.which("redis-server") === null)("MIGRATE", () => {
  test("moves keys to redis-server 7.0 (COPY keeps them, default deletes)", async () => {
    const { startRedis } = await import("../../test/helpers/mod.ts");
    const redis = (await startRedis())!;
    const m = createServer({ log: false, config: { port: 0, save: "" } });
    const { port } = await m.listen();
    const { RespClient } = await import("../../test/helpers/mod.ts");
    const c = await RespClient.connect({ port });
    await c.send("RPUSH", "l", "a", "b");
    await c.send("SET", "s", "v", "EX", 100);
    expect(await c.send("MIGRATE", "127.0.0.1", redis.port, "", 0, 5000, "COPY", "KEYS", "l", "s"))
      .toEqual({ simple: "OK" });
    expect(await c.send("EXISTS", "l")).toBe(1);
    expect(await c.send("MIGRATE", "127.0.0.1", redis.port, "s", 0, 5000, "REPLACE")).toEqual({
      simple: "OK",
    });
    expect(await c.send("EXISTS", "s")).toBe(0);
    expect(await c.send("MIGRATE", "127.0.0.1", redis.port, "nokey", 0, 5000)).toEqual({
      simple: "NOKEY",
    });
    const rc = await redis.client();
    expect(await rc.send("LRANGE", "l", 0, -1)).toEqual(["a", "b"]);
    expect(Number(await rc.send("TTL", "s"))).toBeGreaterThan(90);
    const busy = await c.send("MIGRATE", "127.0.0.1", redis.port, "l", 0, 5000);
    expect(busy).toEqual({
      error: "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
    });
    c.close();
    await m.close();
    await redis.stop();
  });
});

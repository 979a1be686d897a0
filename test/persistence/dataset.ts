/**
 * Test support for the persistence suites: a dataset touching every type and encoding Redis
 * 7.0 and Modis share (so the same commands build it on both), and a canonical reading of a
 * whole server's data that two servers can be compared with.
 */

import type { Reply, RespClient } from "../helpers/mod.ts";

/** Commands building the dataset: every type, small and big encodings, TTLs, binary, 3 dbs. */
export function datasetCommands(tag = ""): (string | number)[][] {
  const cmds: (string | number)[][] = [["SELECT", 0]];
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  cmds.push(["SET", `str${tag}`, "hello"], ["SET", `int${tag}`, "12345"], [
    "SET",
    `big${tag}`,
    "abc".repeat(400),
  ]);
  cmds.push(["SET", `bin${tag}\x00\xff`, "\x00\x01\xfe\xff binary"]);
  cmds.push(["SET", `ttl${tag}`, "v", "PX", 3_600_000]);
  cmds.push(["RPUSH", `list${tag}`, "a", "b", "c", "12"], [
    "RPUSH",
    `biglist${tag}`,
    ...many(1000, (i) => `item-${i}`),
  ]);
  cmds.push(["SADD", `iset${tag}`, "1", "2", "300000"], ["SADD", `lset${tag}`, "x", "y", "z"]);
  cmds.push(["SADD", `hset${tag}`, ...many(600, (i) => `m${i}`)]);
  cmds.push(["ZADD", `zs${tag}`, "1", "a", "2.5", "b", "-inf", "c"]);
  cmds.push(["ZADD", `bigzs${tag}`, ...many(300, (i) => [String(i / 7), `z${i}`]).flat()]);
  cmds.push(["HSET", `h${tag}`, "f1", "v1", "f2", "22"], [
    "HSET",
    `bigh${tag}`,
    ...many(300, (i) => [`f${i}`, `v${i}`]).flat(),
  ]);
  cmds.push(["XADD", `stream${tag}`, "1-1", "a", "1"], [
    "XADD",
    `stream${tag}`,
    "2-0",
    "b",
    "2",
    "c",
    "3",
  ]);
  cmds.push(["XGROUP", "CREATE", `stream${tag}`, "g1", "0"]);
  cmds.push(["XREADGROUP", "GROUP", "g1", "alice", "COUNT", 1, "STREAMS", `stream${tag}`, ">"]);
  cmds.push(["SELECT", 2], ["SET", `db2${tag}`, "in db 2"], ["RPUSH", `db2list${tag}`, "q"], [
    "SELECT",
    0,
  ]);
  return cmds;
}

/** Run the dataset commands on a client. */
export async function writeDataset(c: RespClient, tag = ""): Promise<void> {
  const replies = await c.pipeline(datasetCommands(tag));
  const bad = replies.find((r) => typeof r === "object" && r !== null && "error" in r);
  if (bad) throw new Error(`dataset command failed: ${JSON.stringify(bad)}`);
}

function sortPairs(flat: Reply[]): string[][] {
  const pairs: string[][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([String(flat[i]), String(flat[i + 1])]);
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Everything in databases 0..3 in a canonical form (sets and hashes sorted, TTLs as "has
 * one"), as JSON text, so servers can be compared with one `toBe`.
 */
export async function readAll(c: RespClient): Promise<string> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 4; db++) {
    await c.send("SELECT", db);
    const keys = ((await c.send("KEYS", "*")) as string[]).map(String).sort();
    for (const k of keys) {
      const type = ((await c.send("TYPE", k)) as { simple: string }).simple;
      let v: unknown;
      if (type === "string") v = await c.send("GET", k);
      else if (type === "list") v = await c.send("LRANGE", k, 0, -1);
      else if (type === "set") v = ((await c.send("SMEMBERS", k)) as Reply[]).map(String).sort();
      else if (type === "zset") {
        // Scores compared as numbers: Redis 7.0 replies "%.17g", 7.4 the shortest form.
        const flat = (await c.send("ZRANGE", k, 0, -1, "WITHSCORES")) as Reply[];
        v = flat.map((x, i) => (i % 2 ? String(Number(String(x).replace(/inf$/, "Infinity"))) : x));
      } else if (type === "hash") v = sortPairs((await c.send("HGETALL", k)) as Reply[]);
      else if (type === "stream") {
        const groups = (await c.send("XINFO", "GROUPS", k)) as Reply[][];
        v = {
          entries: await c.send("XRANGE", k, "-", "+"),
          groups: await Promise.all(groups.map(async (g) => {
            const name = String(g[1]);
            return [name, await c.send("XPENDING", k, name)];
          })),
        };
      } else v = await c.send("DUMP", k);
      const ttl = Number(await c.send("PTTL", k));
      out[`${db}:${k}`] = [type, v, ttl > 0 ? "ttl" : ttl];
    }
  }
  await c.send("SELECT", 0);
  return JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}

/** Run a command line tool; returns its exit code and output. */
export async function runTool(cmd: string[]): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [o, e] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out: o + e };
}

/** Whether Debian's redis-server and its check tools are installed. */
export function haveRedisTools(): boolean {
  const ok = ["redis-server", "redis-check-rdb", "redis-check-aof"].every((t) =>
    Bun.which(t) !== null
  );
  if (!ok) {
    console.warn(
      "SKIP: redis-server / redis-check-rdb / redis-check-aof not installed; interop checks skipped",
    );
  }
  return ok;
}

/** Remove a temp directory a test made. */
export function removeDir(dir: string): void {
  if (dir.startsWith("/tmp/")) Bun.spawnSync(["rm", "-rf", dir]);
}

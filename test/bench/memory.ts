/**
 * Memory benchmark: RSS growth per key after loading N small string keys (default 1M;
 * 13-byte keys "key:000000001", 10-byte values) into redis-server, Modis on Bun and Modis
 * on Deno. All three are loaded the same way, by pipelined SETs from one client in batches
 * of 10k, so the figure compares storage, not loaders.
 *
 * RSS is read from /proc before loading and after loading plus a short settle (letting a
 * collector run); growth / N is the cost per key, including allocator and GC overhead —
 * what an operator would see.
 *
 * `--type hash|zset|list|set` loads N small collections instead (three short elements each,
 * like a user record or a job: HSET k name userN age A city Paris, ZADD k 1 a 2 b 3 c,
 * RPUSH / SADD k a b c): the per-key cost of many small values.
 *
 * Run on demand: bun run test/bench/memory.ts [--keys 1000000] [--type string]
 */

import { encodeCommands, isError } from "../helpers/mod.ts";
import { parseFlags, rssOf, startContenders, stopContenders, table } from "./common.ts";

// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;

const flags = parseFlags(proc.argv.slice(2));
const N = Number(flags.keys ?? 1_000_000);
const TYPE = String(flags.type ?? "string");

/** The command that loads key number `i`. */
function loadCommand(i: number): string[] {
  const key = `key:${String(i).padStart(9, "0")}`;
  switch (TYPE) {
    case "hash":
      return ["HSET", key, "name", `user${i}`, "age", String(i % 90), "city", "Paris"];
    case "zset":
      return ["ZADD", key, "1", "a", "2", "b", "3", "c"];
    case "list":
      return ["RPUSH", key, "a", "b", "c"];
    case "set":
      return ["SADD", key, "a", "b", "c"];
    default:
      return ["SET", key, `v${String(i).padStart(9, "0")}`];
  }
}
const BATCH = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const contenders = await startContenders();
const rows: string[][] = [["server", "RSS before", "RSS after", "keys", "bytes/key", "load time"]];
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
try {
  for (const c of contenders) {
    const client = await c.server.client();
    await client.send("PING");
    await sleep(500);
    const before = await rssOf(c.server.pid);
    const probe = await client.send("SET", "probe", "1");
    if (isError(probe)) {
      rows.push([
        c.name,
        mb(before),
        "-",
        "-",
        `SET unsupported: ${probe.error.slice(0, 40)}`,
        "-",
      ]);
      continue;
    }
    await client.send("DEL", "probe");
    const t0 = performance.now();
    for (let base = 0; base < N; base += BATCH) {
      const cmds = [];
      for (let i = base; i < Math.min(N, base + BATCH); i++) {
        cmds.push(loadCommand(i));
      }
      client.write(encodeCommands(cmds));
      for (let i = 0; i < cmds.length; i++) {
        const r = await client.read(60_000);
        if (isError(r)) throw new Error(`${c.name}: ${r.error}`);
      }
    }
    const loadMs = performance.now() - t0;
    await sleep(2000);
    const after = await rssOf(c.server.pid);
    const size = await client.send("DBSIZE");
    rows.push([
      c.name,
      mb(before),
      mb(after),
      typeof size === "number" ? String(size) : "?",
      ((after - before) / N).toFixed(1),
      `${(loadMs / 1000).toFixed(1)} s`,
    ]);
  }
  console.log(
    TYPE === "string"
      ? `RSS growth after ${N} SETs (13-byte keys, 10-byte values):`
      : `RSS growth after ${N} small values of type ${TYPE}, 3 elements each (13-byte keys):`,
  );
  console.log(table(rows));
} finally {
  await stopContenders(contenders);
}

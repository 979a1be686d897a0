/**
 * Memory benchmark: RSS growth per key after loading N small string keys (default 1M;
 * 13-byte keys "key:000000001", 10-byte values) into redis-server, Modis on Bun and Modis
 * on Deno. All three are loaded the same way, by pipelined SETs in batches of 10k, so the
 * figure compares storage, not loaders (see `measureGrowth` in common.ts).
 *
 * `--type hash|zset|list|set` loads N small collections instead (three short elements each,
 * like a user record or a job: HSET k name userN age A city Paris, ZADD k 1 a 2 b 3 c,
 * RPUSH / SADD k a b c): the per-key cost of many small values.
 *
 * Run on demand: bun run test/bench/memory.ts [--keys 1000000] [--type string]
 */

import { measureGrowth, parseFlags } from "./common.ts";

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

await measureGrowth({
  title: TYPE === "string"
    ? `RSS growth after ${N} SETs (13-byte keys, 10-byte values)`
    : `RSS growth after ${N} small values of type ${TYPE}, 3 elements each (13-byte keys)`,
  count: N,
  lengthLabel: "keys",
  perItemLabel: "bytes/key",
  lengthCommand: ["DBSIZE"],
  *commands() {
    for (let i = 0; i < N; i++) yield loadCommand(i);
  },
});

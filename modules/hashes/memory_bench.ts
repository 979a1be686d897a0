/**
 * Memory benchmark for one big hash: RSS growth after HSETting N fields (default 1M;
 * fields "field:000000001", values "value:000000001") into one key on redis-server, Modis on
 * Bun and Modis on Deno, loaded identically (pipelined HSETs of 100 pairs; see
 * `measureGrowth` in test/bench/common.ts). With `--ttl` every field also gets a deadline (HPEXPIRE), which redis-server 7.0
 * cannot do, so only the Modis rows are filled then.
 *
 * Run on demand: bun run modules/hashes/memory_bench.ts [--fields 1000000] [--ttl]
 */

import { measureGrowth, parseFlags } from "../../test/bench/common.ts";

// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;
const flags = parseFlags(proc.argv.slice(2));
const N = Number(flags.fields ?? 1_000_000);
const PER_CMD = 100;
const pad = (i: number) => String(i).padStart(9, "0");

await measureGrowth({
  title: `RSS growth after ${N} fields in one hash${flags.ttl ? " (every field with a TTL)" : ""}`,
  count: N,
  lengthLabel: "HLEN",
  perItemLabel: "bytes/field",
  lengthCommand: ["HLEN", "big"],
  *commands() {
    for (let base = 0; base < N; base += PER_CMD) {
      const argv = ["HSET", "big"];
      const fields: string[] = [];
      for (let i = base; i < Math.min(N, base + PER_CMD); i++) {
        argv.push(`field:${pad(i)}`, `value:${pad(i)}`);
        fields.push(`field:${pad(i)}`);
      }
      yield argv;
      if (flags.ttl) {
        yield ["HPEXPIRE", "big", "100000000", "FIELDS", String(fields.length), ...fields];
      }
    }
  },
});

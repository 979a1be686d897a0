/**
 * Memory benchmark for one big stream: RSS growth after N XADDs (default 1M) of a small
 * entry (`XADD big * item <n>`, explicit increasing IDs so every server stores the same
 * data) on redis-server, Modis on Bun and Modis on Deno, loaded identically (pipelined
 * batches of 10k commands). With `--groups` a consumer group then reads every entry, so
 * the RSS also covers a 1M-entry pending list. With `--warm` every server first runs the
 * same number of XADDs against a stream capped at 100 entries (deleted afterwards), so the
 * figure excludes the runtime's one-time heap headroom (the young generation a JS engine
 * grows under a high allocation rate: ~15 MB on Bun, ~45 MB on Deno, whatever is stored)
 * and shows the cost of the data itself.
 *
 * Run on demand: bun run modules/streams/memory_bench.ts [--entries 1000000] [--groups] [--warm]
 */

import { measureGrowth, parseFlags } from "../../test/bench/common.ts";

// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;
const flags = parseFlags(proc.argv.slice(2));
const N = Number(flags.entries ?? 1_000_000);
const BATCH = 10_000;

await measureGrowth({
  title: `RSS growth after ${N} XADDs to one stream${
    flags.groups ? " + one group reading all" : ""
  }${flags.warm ? " (warmed up)" : ""}`,
  count: N,
  lengthLabel: "XLEN",
  perItemLabel: "bytes/entry",
  lengthCommand: ["XLEN", "big"],
  warmup: flags.warm
    ? function* () {
      for (let i = 1; i <= N; i++) yield ["XADD", "warm", "MAXLEN", "100", "*", "item", String(i)];
      yield ["DEL", "warm"];
    }
    : undefined,
  *commands() {
    for (let i = 1; i <= N; i++) {
      yield [
        "XADD",
        "big",
        `${1_700_000_000_000 + Math.floor(i / 10)}-${i % 10}`,
        "item",
        String(i),
      ];
    }
    if (flags.groups) {
      yield ["XGROUP", "CREATE", "big", "g", "0"];
      for (let i = 0; i < N; i += BATCH) {
        yield ["XREADGROUP", "GROUP", "g", "c", "COUNT", String(BATCH), "STREAMS", "big", ">"];
      }
    }
  },
});

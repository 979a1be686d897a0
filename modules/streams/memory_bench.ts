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

import { encodeCommands, isError } from "../../test/helpers/mod.ts";
import {
  parseFlags,
  rssOf,
  startContenders,
  stopContenders,
  table,
} from "../../test/bench/common.ts";

// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;
const flags = parseFlags(proc.argv.slice(2));
const N = Number(flags.entries ?? 1_000_000);
const BATCH = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

const contenders = await startContenders();
const rows: string[][] = [[
  "server",
  "RSS before",
  "RSS after",
  "XLEN",
  "bytes/entry",
  "load time",
]];
try {
  for (const c of contenders) {
    const client = await c.server.client();
    await client.send("PING");
    if (flags.warm) {
      const warm: string[][] = [];
      for (let i = 1; i <= N; i++) {
        warm.push(["XADD", "warm", "MAXLEN", "100", "*", "item", String(i)]);
        if (warm.length >= BATCH || i === N) {
          client.write(encodeCommands(warm));
          for (let j = 0; j < warm.length; j++) await client.read(60_000);
          warm.length = 0;
        }
      }
      await client.send("DEL", "warm");
    }
    await sleep(500);
    const before = await rssOf(c.server.pid);
    const t0 = performance.now();
    let failed = "";
    const send = async (cmds: string[][]) => {
      client.write(encodeCommands(cmds));
      for (let i = 0; i < cmds.length; i++) {
        const r = await client.read(60_000);
        if (isError(r)) failed ||= r.error;
      }
    };
    const cmds: string[][] = [];
    for (let i = 1; i <= N; i++) {
      cmds.push([
        "XADD",
        "big",
        `${1_700_000_000_000 + Math.floor(i / 10)}-${i % 10}`,
        "item",
        String(i),
      ]);
      if (cmds.length >= BATCH || i === N) {
        await send(cmds);
        cmds.length = 0;
      }
    }
    if (flags.groups) {
      await send([["XGROUP", "CREATE", "big", "g", "0"]]);
      for (let i = 0; i < N; i += BATCH) {
        await send([[
          "XREADGROUP",
          "GROUP",
          "g",
          "c",
          "COUNT",
          String(BATCH),
          "STREAMS",
          "big",
          ">",
        ]]);
      }
    }
    const loadMs = performance.now() - t0;
    await sleep(2000);
    const after = await rssOf(c.server.pid);
    const len = await client.send("XLEN", "big");
    rows.push([
      c.name + (failed ? ` (${failed.slice(0, 30)})` : ""),
      mb(before),
      mb(after),
      String(len),
      ((after - before) / N).toFixed(1),
      `${(loadMs / 1000).toFixed(1)} s`,
    ]);
  }
  console.log(
    `RSS growth after ${N} XADDs to one stream${flags.groups ? " + one group reading all" : ""}${
      flags.warm ? " (warmed up)" : ""
    }:`,
  );
  console.log(table(rows));
} finally {
  await stopContenders(contenders);
}

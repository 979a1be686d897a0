/**
 * Memory benchmark for one big hash: RSS growth after HSETting N fields (default 1M;
 * fields "field:000000001", values "value:000000001") into one key on redis-server, Modis on
 * Bun and Modis on Deno, loaded identically (pipelined HSETs of 100 pairs, 10k commands per
 * batch). With `--ttl` every field also gets a deadline (HPEXPIRE), which redis-server 7.0
 * cannot do, so only the Modis rows are filled then.
 *
 * Run on demand: bun run modules/hashes/memory_bench.ts [--fields 1000000] [--ttl]
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
const N = Number(flags.fields ?? 1_000_000);
const PER_CMD = 100;
const BATCH = 100;
const pad = (i: number) => String(i).padStart(9, "0");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

const contenders = await startContenders();
const rows: string[][] = [[
  "server",
  "RSS before",
  "RSS after",
  "HLEN",
  "bytes/field",
  "load time",
]];
try {
  for (const c of contenders) {
    const client = await c.server.client();
    await client.send("PING");
    await sleep(500);
    const before = await rssOf(c.server.pid);
    const t0 = performance.now();
    let failed = "";
    const cmds: string[][] = [];
    for (let base = 0; base < N; base += PER_CMD) {
      const argv = ["HSET", "big"];
      const fields: string[] = [];
      for (let i = base; i < Math.min(N, base + PER_CMD); i++) {
        argv.push(`field:${pad(i)}`, `value:${pad(i)}`);
        fields.push(`field:${pad(i)}`);
      }
      cmds.push(argv);
      if (flags.ttl) {
        cmds.push(["HPEXPIRE", "big", "100000000", "FIELDS", String(fields.length), ...fields]);
      }
      if (cmds.length >= BATCH || base + PER_CMD >= N) {
        client.write(encodeCommands(cmds));
        for (let i = 0; i < cmds.length; i++) {
          const r = await client.read(60_000);
          if (isError(r)) failed ||= r.error;
        }
        cmds.length = 0;
      }
    }
    const loadMs = performance.now() - t0;
    await sleep(2000);
    const after = await rssOf(c.server.pid);
    const len = await client.send("HLEN", "big");
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
    `RSS growth after ${N} fields in one hash${flags.ttl ? " (every field with a TTL)" : ""}:`,
  );
  console.log(table(rows));
} finally {
  await stopContenders(contenders);
}

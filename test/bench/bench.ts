/**
 * Throughput benchmark: redis-benchmark against redis-server, Modis on Bun and Modis on
 * Deno, alternating server by server for each test so that machine noise (2 shared cores)
 * spreads over all three instead of penalising whoever runs last.
 *
 * Two rounds, as in the design notes: without pipelining (the client saturates a core there,
 * so ratios mostly measure redis-benchmark) and with -P 16 over 2M requests (the server is
 * the bottleneck). Prints each test's rps, the ratio to Redis, and the geometric mean of the
 * ratios per runtime and round.
 *
 * Run on demand, not part of `bun test`:
 *   bun run test/bench/bench.ts [--quick] [--tests ping,set,get] [--clients 50]
 * --quick divides request counts by 10. LPUSH/LPOP are included once Modis has a list module.
 */

import { modisHas } from "../helpers/mod.ts";
import {
  type Contender,
  geomean,
  parseFlags,
  run,
  startContenders,
  stopContenders,
  table,
} from "./common.ts";

// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;

const flags = parseFlags(proc.argv.slice(2));
const scale = flags.quick ? 0.1 : 1;
const clients = String(flags.clients ?? 50);
const wanted = typeof flags.tests === "string"
  ? flags.tests.split(",")
  : ["ping", "set", "get", "incr", "mset", ...(modisHas("lpush", "lpop") ? ["lpush", "lpop"] : [])];
if (!modisHas("lpush", "lpop") && typeof flags.tests !== "string") {
  console.log("note: LPUSH/LPOP skipped (Modis has no list module yet)");
}

const ROUNDS = [
  { name: "no pipelining", requests: Math.round(200_000 * scale), extra: [] as string[] },
  { name: "-P 16", requests: Math.round(2_000_000 * scale), extra: ["-P", "16"] },
];

/** redis-benchmark's CSV: a header, then `"TEST","rps",...` lines. */
function parseCsv(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of out.split("\n")) {
    const cells = line.split(",").map((c) => c.replace(/"/g, ""));
    if (cells.length >= 2 && cells[0] !== "test" && !isNaN(Number(cells[1]))) {
      m.set(cells[0], Number(cells[1]));
    }
  }
  return m;
}

async function benchOne(
  c: Contender,
  test: string,
  requests: number,
  extra: string[],
): Promise<Map<string, number>> {
  const out = await run([
    "redis-benchmark",
    "-h",
    "127.0.0.1",
    "-p",
    String(c.server.port),
    "-c",
    clients,
    "-n",
    String(requests),
    "-t",
    test,
    "--csv",
    ...extra,
  ]);
  return parseCsv(out);
}

const contenders = await startContenders();
try {
  const summary: string[][] = [[
    "round",
    ...contenders.slice(1).map((c) => `${c.name} geomean ratio`),
  ]];
  for (const round of ROUNDS) {
    console.log(`\n== ${round.name}: ${round.requests} requests, -c ${clients} ==`);
    // rps[testName][contender]
    const rps = new Map<string, Map<string, number>>();
    for (const test of wanted) {
      for (const c of contenders) {
        const got = await benchOne(c, test, round.requests, round.extra);
        for (const [name, v] of got) {
          if (!rps.has(name)) rps.set(name, new Map());
          rps.get(name)!.set(c.name, v);
        }
      }
    }
    const rows: string[][] = [["test", ...contenders.map((c) => c.name)]];
    const ratios = new Map<string, number[]>();
    for (const [name, byServer] of rps) {
      const base = byServer.get("redis") ?? NaN;
      rows.push([
        name,
        ...contenders.map((c) => {
          const v = byServer.get(c.name);
          if (v === undefined) return "-";
          if (c.name === "redis") return v.toFixed(0);
          const ratio = v / base;
          if (isFinite(ratio) && ratio > 0) {
            ratios.set(c.name, [...(ratios.get(c.name) ?? []), ratio]);
          }
          return `${v.toFixed(0)} (${ratio.toFixed(2)}x)`;
        }),
      ]);
    }
    console.log(table(rows));
    summary.push([
      round.name,
      ...contenders.slice(1).map((c) => `${geomean(ratios.get(c.name) ?? []).toFixed(3)}x`),
    ]);
  }
  console.log("\n== geometric mean of rps ratios to redis-server ==");
  console.log(table(summary));
} finally {
  await stopContenders(contenders);
}

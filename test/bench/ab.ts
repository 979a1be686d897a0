/**
 * A/B throughput of server variants under redis-benchmark, against redis-server.
 *
 * Made for tuning one runtime's hot path on a noisy shared machine: each variant is a
 * command line that starts a server on a given port (`{port}` is substituted), e.g. Modis
 * from two copies of the tree. For every test and round the variants run one after another
 * (redis-server first), so noise spreads over all of them; each variant keeps its best rps
 * over the rounds, and the table shows best rps and its ratio to redis-server's best, then
 * the geometric mean of the ratios.
 *
 * rps on two shared cores swings by 10-30% from run to run, which hides the 2-5% a change
 * is usually worth. `--perf` adds a steadier figure: the server's instructions per request
 * (kernel included) counted by `perf stat` during each run, the lowest over the rounds;
 * they vary by ~1-2% between runs, so a change's effect shows after one or two rounds.
 *
 * Run on demand:
 *   bun run test/bench/ab.ts --variant "base=deno run -A /tmp/base/mod.ts --port {port}" \
 *     --variant "new=deno run -A mod.ts --port {port}" [--tests set,get] [--rounds 3] \
 *     [--pipeline 16] [--requests 2000000] [--clients 50] [--perf]
 * Without --variant it compares Modis on Deno from this tree with redis-server.
 */

import { freePort } from "../helpers/mod.ts";
import { geomean, run, table } from "./common.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;
// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;

interface Variant {
  name: string;
  cmd: string[];
  port: number;
  // deno-lint-ignore no-explicit-any
  child: any;
}

function flagsOf(args: string[]): { variants: string[]; opts: Map<string, string> } {
  const variants: string[] = [];
  const opts = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) continue;
    const v = args[i + 1] ?? "";
    if (v.startsWith("--") || v === "") {
      opts.set(a.slice(2), "");
      continue;
    }
    i++;
    if (a === "--variant") variants.push(v);
    else opts.set(a.slice(2), v);
  }
  return { variants, opts };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const out = await run(["redis-cli", "-p", String(port), "ping"], 2_000);
      if (out.includes("PONG")) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`no server on port ${port}`);
    await Bun.sleep(100);
  }
}

const { variants: specs, opts } = flagsOf(proc.argv.slice(2));
const root = new URL("../../", import.meta.url).pathname;
if (specs.length === 0) specs.push(`deno=deno run -A ${root}mod.ts --port {port}`);
const tests = (opts.get("tests") ?? "ping,set,get,incr,mset,lpush,lpop").split(",");
const rounds = Number(opts.get("rounds") ?? 3);
const pipeline = opts.get("pipeline") ?? "16";
const requests = opts.get("requests") ?? (pipeline === "1" ? "200000" : "2000000");
const clients = opts.get("clients") ?? "50";
const usePerf = opts.has("perf");

/** Count the instructions a process executes until the returned function is called. */
async function countInstructions(pid: number): Promise<() => Promise<number>> {
  const p = Bun.spawn(["perf", "stat", "-x,", "-e", "instructions", "-p", String(pid)], {
    stdout: "ignore",
    stderr: "pipe",
  });
  await Bun.sleep(200); // attaching takes a moment
  return async () => {
    p.kill("SIGINT");
    const err = await new Response(p.stderr).text();
    await p.exited;
    const line = err.split("\n").find((l) => l.includes("instructions")) ?? "";
    return Number(line.split(",")[0]);
  };
}

const variants: Variant[] = [];
const all = [
  "redis=redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no",
  ...specs,
];
try {
  for (const spec of all) {
    const eq = spec.indexOf("=");
    const port = freePort();
    const line = spec.slice(eq + 1).replaceAll("{port}", String(port));
    const cmd = ["sh", "-c", `exec ${line}`];
    const child = Bun.spawn(cmd, {
      stdout: "ignore",
      stderr: "ignore",
      stdin: "ignore",
      cwd: "/tmp",
    });
    variants.push({ name: spec.slice(0, eq), cmd, port, child });
  }
  for (const v of variants) await waitForPort(v.port, 20_000);

  const best = new Map<string, Map<string, number>>();
  // test → variant → lowest instructions per request
  const instructions = new Map<string, Map<string, number>>();
  for (const test of tests) {
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const stop = usePerf ? await countInstructions(v.child.pid) : null;
        const out = await run([
          "redis-benchmark",
          "-h",
          "127.0.0.1",
          "-p",
          String(v.port),
          "-c",
          clients,
          "-n",
          requests,
          "-P",
          pipeline,
          "-t",
          test,
          "--csv",
        ]);
        if (stop) {
          const perRequest = (await stop()) / Number(requests);
          const m = instructions.get(test) ?? new Map<string, number>();
          instructions.set(test, m);
          if (perRequest > 0) m.set(v.name, Math.min(m.get(v.name) ?? Infinity, perRequest));
        }
        for (const line of out.split("\n")) {
          const cells = line.split(",").map((c) => c.replace(/"/g, ""));
          if (cells.length < 2 || cells[0] === "test" || isNaN(Number(cells[1]))) continue;
          const m = best.get(cells[0]) ?? new Map<string, number>();
          best.set(cells[0], m);
          m.set(v.name, Math.max(m.get(v.name) ?? 0, Number(cells[1])));
        }
      }
    }
  }
  const rows = [["test", ...variants.map((v) => v.name)]];
  const ratios = new Map<string, number[]>();
  for (const [test, m] of best) {
    const base = m.get("redis")!;
    rows.push([
      test,
      ...variants.map((v) => {
        const x = m.get(v.name) ?? NaN;
        if (v.name === "redis") return x.toFixed(0);
        ratios.set(v.name, [...(ratios.get(v.name) ?? []), x / base]);
        return `${x.toFixed(0)} (${(x / base).toFixed(2)})`;
      }),
    ]);
  }
  rows.push([
    "geomean",
    "1",
    ...variants.slice(1).map((v) => geomean(ratios.get(v.name) ?? []).toFixed(3)),
  ]);
  console.log(`-c ${clients} -P ${pipeline} -n ${requests}, best of ${rounds}`);
  console.log(table(rows));
  if (usePerf) {
    console.log("\nserver instructions per request (perf stat, lowest of the rounds)");
    const perfRows = [["test", ...variants.map((v) => v.name)]];
    for (const [test, m] of instructions) {
      perfRows.push([test, ...variants.map((v) => (m.get(v.name) ?? NaN).toFixed(0))]);
    }
    console.log(table(perfRows));
  }
} finally {
  for (const v of variants) v.child.kill("SIGKILL");
}

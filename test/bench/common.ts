/**
 * Shared plumbing for the on-demand benchmark scripts: start the three servers under
 * comparison (redis-server, Modis on Bun, Modis on Deno), run an external command and
 * capture its output, read a process's RSS, and format tables.
 */

import {
  encodeCommands,
  isError,
  RUNTIMES,
  type ServerHandle,
  startRedis,
  startServer,
} from "../helpers/mod.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

/** A server under measurement. */
export interface Contender {
  name: string;
  server: ServerHandle;
}

/**
 * Start redis-server and Modis on each runtime (MODIS_RUNTIMES narrows it); exits with a
 * message when a needed binary is missing.
 *
 * @example
 * ```ts
 * const all = await startContenders();
 * ```
 */
export async function startContenders(): Promise<Contender[]> {
  if (!Bun.which("redis-benchmark")) {
    console.error("redis-benchmark is not installed (apt-get install redis-tools)");
    Bun.exit?.(1);
    throw new Error("redis-benchmark missing");
  }
  const redis = await startRedis();
  if (!redis) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const out: Contender[] = [{ name: "redis", server: redis }];
  for (const runtime of RUNTIMES) {
    out.push({ name: `modis-${runtime}`, server: await startServer({ runtime }) });
  }
  return out;
}

/**
 * Stop every contender.
 *
 * @example
 * ```ts
 * await stopContenders(all);
 * ```
 */
export async function stopContenders(all: Contender[]): Promise<void> {
  await Promise.all(all.map((c) => c.server.stop()));
}

/**
 * Run a command, returning stdout (throws with stderr on a non-zero exit).
 *
 * @example
 * ```ts
 * const out = await run(["redis-benchmark", "-p", "6379", "-t", "ping", "--csv"]);
 * ```
 */
export async function run(cmd: string[], timeoutMs = 600_000): Promise<string> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}: ${err}`);
  return out;
}

/**
 * Resident set size of a process in bytes (Linux /proc).
 *
 * @example
 * ```ts
 * const rss = await rssOf(server.pid);
 * ```
 */
export async function rssOf(pid: number): Promise<number> {
  const status: string = await Bun.file(`/proc/${pid}/status`).text();
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * Geometric mean (NaN for an empty list).
 *
 * @example
 * ```ts
 * geomean([1, 4]); // 2
 * ```
 */
export function geomean(xs: number[]): number {
  if (xs.length === 0) return NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/**
 * Render rows as a fixed-width text table.
 *
 * @example
 * ```ts
 * console.log(table([["test", "rps"], ["PING", "150000"]]));
 * ```
 */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  ).join("\n");
}

/**
 * Command-line flags as `--name value` / `--flag` pairs.
 *
 * @example
 * ```ts
 * const flags = parseFlags(["--quick", "--tests", "ping,get"]); // { quick: true, tests: "ping,get" }
 * ```
 */
export function parseFlags(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const name = argv[i].slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      out[name] = next;
      i++;
    } else out[name] = true;
  }
  return out;
}

/** A memory measurement: what to load into every server, and how to report it. */
export interface GrowthRun {
  /** The table's title. */
  title: string;
  /** Loaded items (the per-item column divides the RSS growth by it). */
  count: number;
  /** Column names: the length check and the per-item figure ("DBSIZE", "bytes/key"). */
  lengthLabel: string;
  perItemLabel: string;
  /** A command whose integer reply shows what was stored (DBSIZE, HLEN big...). */
  lengthCommand: string[];
  /** The commands that load the data, in order (sent pipelined in batches). */
  commands(): Iterable<string[]>;
  /** Commands to run (pipelined) before the "before" reading, e.g. a warm-up. */
  warmup?(): Iterable<string[]>;
}

/**
 * Send commands pipelined in batches of `batch`, reading every reply; returns the first
 * error reply's text, or "".
 *
 * @example
 * ```ts
 * const failed = await sendBatches(client, [["SET", "k", "v"]]);
 * ```
 */
export async function sendBatches(
  client: Awaited<ReturnType<ServerHandle["client"]>>,
  commands: Iterable<string[]>,
  batch = 10_000,
): Promise<string> {
  let failed = "";
  let cmds: string[][] = [];
  const flush = async () => {
    client.write(encodeCommands(cmds));
    for (let i = 0; i < cmds.length; i++) {
      const r = await client.read(60_000);
      if (isError(r)) failed ||= r.error;
    }
    cmds = [];
  };
  for (const c of commands) {
    cmds.push(c);
    if (cmds.length >= batch) await flush();
  }
  if (cmds.length > 0) await flush();
  return failed;
}

/**
 * RSS growth of each server (redis-server, Modis on Bun, Modis on Deno) while the same data
 * is loaded the same way: RSS read before loading and after loading plus a settle (letting
 * a collector run), printed as a table. Growth / count is the cost per item, allocator and
 * GC overhead included — what an operator would see.
 *
 * @example
 * ```ts
 * await measureGrowth({ title: "1M SETs", count: 1e6, lengthLabel: "DBSIZE",
 *   perItemLabel: "bytes/key", lengthCommand: ["DBSIZE"], commands: () => sets() });
 * ```
 */
export async function measureGrowth(run: GrowthRun): Promise<void> {
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const contenders = await startContenders();
  const rows = [[
    "server",
    "RSS before",
    "RSS after",
    run.lengthLabel,
    run.perItemLabel,
    "load time",
  ]];
  try {
    for (const c of contenders) {
      const client = await c.server.client();
      await client.send("PING");
      if (run.warmup) await sendBatches(client, run.warmup());
      await sleep(500);
      const before = await rssOf(c.server.pid);
      const t0 = performance.now();
      const failed = await sendBatches(client, run.commands());
      const loadMs = performance.now() - t0;
      await sleep(2000);
      const after = await rssOf(c.server.pid);
      const length = await client.send(...run.lengthCommand);
      rows.push([
        c.name + (failed ? ` (${failed.slice(0, 30)})` : ""),
        mb(before),
        mb(after),
        String(length),
        ((after - before) / run.count).toFixed(1),
        `${(loadMs / 1000).toFixed(1)} s`,
      ]);
    }
    console.log(`${run.title}:`);
    console.log(table(rows));
  } finally {
    await stopContenders(contenders);
  }
}

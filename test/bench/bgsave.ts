/**
 * BGSAVE under load: GET/SET latency percentiles while a background save of N keys runs
 * (vs the same load with no save), and the save's duration and throughput, for Modis (Bun
 * and Deno) and redis-server (fork + copy-on-write) on the same data (DEBUG POPULATE).
 *
 *   bun run test/bench/bgsave.ts [--keys 1000000] [--clients 8] [--runs 1] [--only bun,deno,redis]
 *
 * Latencies are measured by this script's own clients (one request in flight per client,
 * random keys among the populated ones, half GET half SET), so they include the client's
 * overhead equally for every server. "max" is the worst single request: the longest stall a
 * client saw. Compare it with the same server's no-save max of the same run — garbage
 * collection and the shared cores stall clients without any save. With `--runs N` each
 * server does N rounds (no-save load, then load during a BGSAVE); the first BGSAVE of a
 * Modis process also runs its persistence code cold (JIT).
 */

import { makeTempDir, type ServerHandle, startServer } from "../helpers/mod.ts";
import { startRedis } from "../helpers/mod.ts";
import type { RespClient } from "../helpers/resp_client.ts";

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const KEYS = opt("--keys", 1_000_000);
const CLIENTS = opt("--clients", 8);
const RUNS = opt("--runs", 1);
const only = argv.indexOf("--only");
const SERVERS = (only >= 0 ? argv[only + 1] : "bun,deno,redis").split(",");

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

async function load(h: ServerHandle, during: () => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  let stop = false;
  const worker = async () => {
    const c = await h.client();
    while (!stop) {
      const k = `key:${Math.floor(Math.random() * KEYS)}`;
      const t0 = performance.now();
      if (Math.random() < 0.5) await c.send("GET", k);
      else await c.send("SET", k, "value-updated");
      lat.push(performance.now() - t0);
    }
  };
  const workers = Array.from({ length: CLIENTS }, worker);
  await Bun.sleep(200);
  lat.length = 0;
  await during();
  stop = true;
  await Promise.all(workers);
  return lat.sort((a, b) => a - b);
}

async function bench(name: string, h: ServerHandle): Promise<void> {
  const admin = await h.client();
  admin.timeoutMs = 600_000;
  await admin.send("DEBUG", "POPULATE", KEYS);
  for (let run = 1; run <= RUNS; run++) await round(RUNS > 1 ? `${name}#${run}` : name, h, admin);
}

async function round(name: string, h: ServerHandle, admin: RespClient): Promise<void> {
  const base = await load(h, () => Bun.sleep(1500));
  let saveMs = 0;
  const during = await load(h, async () => {
    const t0 = performance.now();
    await admin.send("BGSAVE");
    for (;;) {
      const info = String(await admin.send("INFO", "persistence"));
      if (info.includes("rdb_bgsave_in_progress:0")) break;
      await Bun.sleep(5);
    }
    saveMs = performance.now() - t0;
  });
  const size = Bun.file(`${h.dir}/dump.rdb`).size;
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${name.padEnd(12)} no save: p50 ${f(pct(base, 0.5))} p99 ${f(pct(base, 0.99))} max ${
      f(base.at(-1)!)
    } ms | ` +
      `during BGSAVE: p50 ${f(pct(during, 0.5))} p99 ${f(pct(during, 0.99))} max ${
        f(during.at(-1)!)
      } ms (${during.length} reqs) | ` +
      `BGSAVE ${KEYS} keys: ${Math.round(saveMs)} ms, ${
        Math.round(KEYS / (saveMs / 1000) / 1000)
      }k keys/s, ${(size / 1e6).toFixed(1)} MB`,
  );
}

for (const runtime of (["bun", "deno"] as const).filter((r) => SERVERS.includes(r))) {
  const dir = makeTempDir("modis-bench");
  const h = await startServer({
    runtime,
    dir,
    persistence: true,
    args: ["--dir", dir, "--save", "", "--enable-debug-command", "yes"],
  });
  await bench(`modis-${runtime}`, h);
  await h.stop("SIGKILL");
  Bun.spawnSync(["rm", "-rf", dir]);
}
const redis = SERVERS.includes("redis")
  ? await startRedis({ args: ["--enable-debug-command", "yes"] })
  : null;
if (redis) {
  await bench("redis", redis);
  await redis.stop();
}

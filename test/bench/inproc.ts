/**
 * In-process cost per command: feeds a NetworkClient pipelined batches (16 commands per
 * read, as `redis-benchmark -P 16` sends them) through a fake Connection that only counts
 * bytes, so no socket, no event loop and no client process share the measurement. What is
 * left is exactly Modis's own work per command: parse, dispatch, handler, encode, flush.
 *
 * The commands are the ones redis-benchmark sends with its defaults (keys without -r are
 * the literal "key:__rand_int__", values are "xxx"). Each test runs best-of-7 timed rounds
 * after a warm-up, to keep the 2 shared cores' noise out.
 *
 * Run on demand, under either runtime (add --cpu-prof to Deno to profile):
 *   deno run -A test/bench/inproc.ts [set,get,...]
 *   bun run test/bench/inproc.ts [set,get,...]
 */

import { Server } from "../../core/server.ts";
import { NetworkClient } from "../../core/connection.ts";
import { builtinModules } from "../../modules/mod.ts";
import { detectHost } from "../../core/net/transport.ts";
import type { Connection } from "../../core/net/transport.ts";

/** One command of redis-benchmark's default workload, as RESP. */
function resp(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

const KEY = "key:__rand_int__";
const WORKLOAD: Record<string, string> = {
  ping: resp("PING"),
  set: resp("SET", KEY, "xxx"),
  get: resp("GET", KEY),
  incr: resp("INCR", "counter:__rand_int__"),
  lpush: resp("LPUSH", "mylist", "xxx"),
  lpop: resp("LPOP", "mylist"),
  mset: resp("MSET", ...Array.from({ length: 10 }, () => [KEY, "xxx"]).flat()),
};

await detectHost();
const server = new Server({ logSink: () => {} });
for (const m of builtinModules) await server.loadModule(m);

let written = 0;
const conn: Connection = {
  write(d) {
    written += d.length;
  },
  pendingBytes: 0,
  close() {},
  remoteAddress: "127.0.0.1:1",
  localAddress: "127.0.0.1:2",
  isLocal: true,
  setKeepAlive() {},
};
const client = new NetworkClient(server, conn);
server.addClient(client);

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const argv: string[] = g.Deno?.args ?? g.process.argv.slice(2);
const tests = (argv[0] ?? "ping,set,get,incr,lpush,lpop,mset").split(",");
const PIPELINE = 16;
const BATCHES = 40_000;

const results: string[] = [];
let geo = 0;
for (const t of tests) {
  const text = WORKLOAD[t].repeat(PIPELINE);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  // Bun's socket hands Buffers to the handler; keep the same type here.
  const batch = g.Buffer ? g.Buffer.from(bytes) : bytes;
  for (let i = 0; i < 10_000; i++) client.data(batch);
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < BATCHES; i++) client.data(batch);
    best = Math.min(best, performance.now() - t0);
    if (t === "lpush") server.callArgv(["DEL", "mylist"]);
  }
  const ns = (best * 1e6) / (BATCHES * PIPELINE);
  geo += Math.log(ns);
  results.push(`${t.padEnd(6)} ${ns.toFixed(0).padStart(5)} ns/cmd`);
}
console.log(results.join("\n"));
console.log(`geomean ${Math.exp(geo / tests.length).toFixed(0)} ns/cmd (written ${written} bytes)`);

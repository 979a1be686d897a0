/**
 * A Modis/redis-server pair for the scripted differential suites (hyperloglog, geo, sort):
 * Modis runs in-process with every built-in module and listens on a free port, the
 * reference redis-server runs as a subprocess, and `both(...)` sends one command to each
 * over RESP and returns the two replies, decoded the same way, for comparison.
 *
 * Scripted rather than random: these families are mostly about exact numbers (estimates,
 * coordinates, distances, orders), so each suite lists the inputs that exercise them and
 * compares every reply; a seeded generator adds volume where it helps.
 *
 * When redis-server is missing, `usePair` returns null and the suites skip with a message.
 */

import { afterAll, beforeAll } from "bun:test";
import { createServer, type ModisServer } from "../../mod.ts";
import { type Arg, type Reply, RespClient, type ServerHandle, startRedis } from "../helpers/mod.ts";

/** Both sides of a pair. */
export interface Pair {
  modis: RespClient;
  redis: RespClient;
  /** Send a command to both; resolves with [redis reply, modis reply]. */
  both(...argv: Arg[]): Promise<[Reply, Reply]>;
}

/**
 * Start a pair for the enclosing describe block (stopped in afterAll). The getter returns
 * null when redis-server is not installed.
 *
 * @example
 * ```ts
 * const pair = usePair();
 * test("x", async () => { const p = pair(); if (!p) return; const [r, m] = await p.both("PING"); });
 * ```
 */
export function usePair(): () => Pair | null {
  let redis: ServerHandle | null = null;
  let modis: ModisServer | null = null;
  let pair: Pair | null = null;
  beforeAll(async () => {
    redis = await startRedis();
    if (redis === null) return;
    modis = createServer({ log: false, config: { port: "0", bind: "127.0.0.1" } });
    const { port } = await modis.listen();
    const m = await RespClient.connect({ port });
    const r = await redis.client();
    pair = {
      modis: m,
      redis: r,
      both: (...argv) => Promise.all([r.send(...argv), m.send(...argv)]),
    };
  });
  afterAll(async () => {
    pair?.modis.close();
    await modis?.close();
    await redis?.stop();
  });
  return () => pair;
}

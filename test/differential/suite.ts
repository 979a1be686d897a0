/**
 * One differential suite per generator: start redis-server and Modis on every runtime, run the
 * generator's seeded sequences against all of them, report mismatches and intended
 * differences. The per-type files (lists_test.ts, hashes_test.ts...) only define their
 * generator and call `differentialSuite`.
 *
 * Seeds and steps come from DIFF_SEED / DIFF_STEPS (default seeds 1,2,3 × 300 steps).
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  modisHas,
  type RespClient,
  RUNTIMES,
  type ServerHandle,
  startRedis,
  startServer,
} from "../helpers/mod.ts";
import {
  formatMismatch,
  type Generator,
  runDifferential,
  runnable,
  type Side,
} from "./framework.ts";

// deno-lint-ignore no-explicit-any
const env = (globalThis as any).process?.env ?? {};
const STEPS = Number(env.DIFF_STEPS ?? 300);
const SEEDS: number[] = env.DIFF_SEED !== undefined ? [Number(env.DIFF_SEED)] : [1, 2, 3];

/** Options of a differential suite. */
export interface SuiteOptions {
  /** Run on every connection (reference and Modis) before the sequences, e.g. CONFIG SET. */
  configure?(client: RespClient): Promise<void>;
  /** Test timeout in ms (default 120 s). */
  timeoutMs?: number;
}

/**
 * Register the bun:test suite comparing Modis with redis-server for `gen`.
 *
 * @example
 * ```ts
 * differentialSuite(listsGenerator);
 * differentialSuite(streamsGenerator, { configure: (c) => c.send("CONFIG", "SET", "stream-node-max-entries", "4") });
 * ```
 */
export function differentialSuite(gen: Generator, options: SuiteOptions = {}): void {
  const servers: ServerHandle[] = [];
  let reference: Side | null = null;
  const modis: Side[] = [];

  beforeAll(async () => {
    const redis = await startRedis();
    if (!redis) return;
    servers.push(redis);
    reference = { name: "redis", client: await redis.client() };
    await options.configure?.(reference.client);
    for (const runtime of RUNTIMES) {
      const s = await startServer({ runtime });
      servers.push(s);
      const side = { name: `modis-${runtime}`, client: await s.client() };
      await options.configure?.(side.client);
      modis.push(side);
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  describe("differential vs redis-server", () => {
    test.skipIf(!runnable(gen, (c) => modisHas(c)))(
      `${gen.name}: Modis replies like redis-server`,
      async () => {
        if (!reference) {
          return console.warn(`SKIP differential ${gen.name}: redis-server is not installed`);
        }
        const failures: string[] = [];
        const intended = new Map<string, number>();
        let steps = 0;
        let disabled: string[] = [];
        for (const seed of SEEDS) {
          const r = await runDifferential(gen, reference, modis, {
            seed,
            steps: STEPS,
            available: (c) => modisHas(c),
          });
          steps += r.steps;
          disabled = r.disabled;
          for (const [k, n] of r.intended) intended.set(k, (intended.get(k) ?? 0) + n);
          failures.push(...r.mismatches.map((m) => formatMismatch(m, gen.name)));
        }
        console.log([
          `differential ${gen.name}: ${steps} steps x ${modis.length} runtimes, seeds ${
            SEEDS.join(",")
          }, ${failures.length} mismatches`,
          ...[...intended].map(([k, n]) => `  intended difference "${k}": ${n}`),
          ...(disabled.length
            ? [`  templates disabled (commands missing in Modis): ${disabled.join("; ")}`]
            : []),
        ].join("\n"));
        for (const f of failures) console.error(f);
        expect(failures.length).toBe(0);
      },
      options.timeoutMs ?? 120_000,
    );
  });
}

/**
 * Runs the differential generators: seeded random sequences sent to the reference
 * redis-server and to Modis under every runtime, every reply compared.
 *
 * Knobs (environment): DIFF_SEED=n replays one seed, DIFF_STEPS=n sets the sequence length
 * (default 300), DIFF_ONLY=strings|keys|expiry picks one generator, DIFF_RANDOM=1 adds a
 * fresh random seed (printed) to the fixed ones.
 *
 * A control run sends the same sequences to two redis-servers: it proves the generators
 * and comparators are deterministic (a mismatch there is a framework bug, not a Modis one).
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { modisHas, RUNTIMES, type ServerHandle, startRedis, startServer } from "../helpers/mod.ts";
import {
  formatMismatch,
  type Generator,
  runDifferential,
  runnable,
  type Side,
} from "./framework.ts";
import { stringsGenerator } from "./strings.ts";
import { keysGenerator } from "./keys.ts";
import { expiryGenerator } from "./expiry.ts";

// deno-lint-ignore no-explicit-any
const env = (globalThis as any).process?.env ?? {};

const STEPS = Number(env.DIFF_STEPS ?? 300);
const SEEDS: number[] = env.DIFF_SEED !== undefined ? [Number(env.DIFF_SEED)] : [1, 2, 3];
if (env.DIFF_RANDOM === "1" && env.DIFF_SEED === undefined) {
  const seed = Date.now() % 1_000_000;
  console.log(`differential: extra random seed ${seed}`);
  SEEDS.push(seed);
}
const GENERATORS: Generator[] = [stringsGenerator, keysGenerator, expiryGenerator]
  .filter((g) => env.DIFF_ONLY === undefined || env.DIFF_ONLY === g.name);

const servers: ServerHandle[] = [];
let reference: Side | null = null;
let control: Side | null = null;
const modis: Side[] = [];

beforeAll(async () => {
  const redis = await startRedis();
  const redis2 = await startRedis();
  if (!redis || !redis2) return;
  servers.push(redis, redis2);
  reference = { name: "redis", client: await redis.client() };
  control = { name: "redis-control", client: await redis2.client() };
  for (const runtime of RUNTIMES) {
    const s = await startServer({ runtime });
    servers.push(s);
    modis.push({ name: `modis-${runtime}`, client: await s.client() });
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

function enabledFor(gen: Generator): boolean {
  return runnable(gen, (c) => modisHas(c));
}

describe("differential vs redis-server", () => {
  for (const gen of GENERATORS) {
    test(`control: ${gen.name} sequences agree between two redis-servers`, async () => {
      if (!reference || !control) {
        return console.warn("SKIP differential: redis-server is not installed");
      }
      for (const seed of SEEDS) {
        const r = await runDifferential(gen, reference, [control], { seed, steps: STEPS });
        for (const m of r.mismatches) console.error(formatMismatch(m, gen.name));
        expect(r.mismatches.length).toBe(0);
      }
    });

    test.skipIf(!enabledFor(gen))(
      `${gen.name}: Modis (${RUNTIMES.join(", ")}) replies like redis-server`,
      async () => {
        if (!reference) return console.warn("SKIP differential: redis-server is not installed");
        let steps = 0;
        const intended = new Map<string, number>();
        const failures: string[] = [];
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
        const notes = [
          `differential ${gen.name}: ${steps} steps x ${modis.length} runtimes, seeds ${
            SEEDS.join(",")
          }, ${failures.length} mismatches`,
          ...[...intended].map(([k, n]) => `  intended difference "${k}": ${n}`),
          ...(disabled.length
            ? [`  templates disabled (commands missing in Modis): ${disabled.join("; ")}`]
            : []),
        ];
        console.log(notes.join("\n"));
        for (const f of failures) console.error(f);
        expect(failures.length).toBe(0);
      },
    );
  }
  if (GENERATORS.some((g) => !enabledFor(g))) {
    console.warn(
      `SKIP differential for ${
        GENERATORS.filter((g) => !enabledFor(g)).map((g) => g.name).join(", ")
      }: ` +
        "Modis has none of their commands yet (strings/keys modules not built in)",
    );
  }
});

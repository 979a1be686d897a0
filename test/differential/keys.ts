/**
 * Differential generator for the generic key commands: existence, deletion, TYPE, renames
 * (onto themselves, onto missing keys), COPY and MOVE between db 0 and 1, and the
 * commands whose order Redis leaves unspecified (KEYS, a whole SCAN iteration: compared as
 * sets) or random (RANDOMKEY: compared by kind only).
 */

import {
  errorsExact,
  type Generator,
  type Rng,
  sameKind,
  type Template,
  unordered,
} from "./framework.ts";
import type { Reply, RespClient } from "../helpers/mod.ts";
import { key, KEYS, otherTypeTemplates, value } from "./pools.ts";

const PATTERNS = [
  "*",
  "k*",
  "k[0-2]",
  "k?",
  "*k*",
  "{t}*",
  "k\\*",
  "[^k]*",
  "nomatch*",
  "k[a-",
  "\\k0",
];

function keys(rng: Rng, min: number, max: number): string[] {
  return Array.from({ length: rng.int(min, max) }, () => key(rng));
}

/** Iterate SCAN to the end; the result is the sorted set of keys seen. */
async function scanAll(
  c: RespClient,
  match: string | null,
  count: string | null,
): Promise<unknown> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const args = ["SCAN", cursor];
    if (match !== null) args.push("MATCH", match);
    if (count !== null) args.push("COUNT", count);
    const r = (await c.send(...args)) as Reply;
    if (!Array.isArray(r)) return r; // an error: compared as is
    cursor = r[0] as string;
    for (const k of r[1] as string[]) seen.add(k);
    if (cursor === "0") return [...seen].sort();
  }
  return { error: "SCAN did not terminate" };
}

const templates: Template[] = [
  {
    name: "SET (data for the others)",
    support: true,
    needs: ["set"],
    weight: 4,
    make: (rng) => ({ argv: ["SET", key(rng), value(rng)] }),
  },
  {
    name: "DEL / UNLINK",
    needs: ["del", "unlink"],
    weight: 2,
    make: (rng) => ({ argv: [rng.pick(["DEL", "UNLINK"]), ...keys(rng, 1, 3)] }),
  },
  {
    name: "EXISTS (with repeats)",
    needs: ["exists"],
    weight: 2,
    make: (rng) => ({ argv: ["EXISTS", ...keys(rng, 1, 4)] }),
  },
  { name: "TOUCH", needs: ["touch"], make: (rng) => ({ argv: ["TOUCH", ...keys(rng, 1, 3)] }) },
  { name: "TYPE", needs: ["type"], weight: 2, make: (rng) => ({ argv: ["TYPE", key(rng)] }) },
  {
    name: "RENAME / RENAMENX",
    needs: ["rename", "renamenx"],
    weight: 2,
    make: (rng) => ({ argv: [rng.pick(["RENAME", "RENAMENX"]), key(rng), key(rng)] }),
  },
  {
    name: "COPY",
    needs: ["copy"],
    make(rng) {
      const extra = rng.pick([[], ["REPLACE"], ["DB", "1"], ["DB", "0", "REPLACE"], ["DB", "99"], [
        "DB",
        "x",
      ], ["BOGUS"]]);
      return { argv: ["COPY", key(rng), key(rng), ...extra] };
    },
  },
  {
    name: "MOVE to db 1",
    needs: ["move", "select"],
    make: (rng) => ({ argv: ["MOVE", key(rng), rng.pick(["1", "1", "0", "16", "-1", "x"])] }),
  },
  {
    name: "look into db 1",
    needs: ["select", "get"],
    weight: 0.5,
    make(rng) {
      // Draw from rng here, not in run(): run() executes once per server.
      const k = key(rng);
      return {
        label: `SELECT 1 / GET ${JSON.stringify(k)} / SELECT 0`,
        async run(c) {
          await c.send("SELECT", "1");
          const r = await c.send("GET", k);
          await c.send("SELECT", "0");
          return r;
        },
      };
    },
  },
  {
    name: "KEYS pattern (unordered)",
    needs: ["keys"],
    make: (rng) => ({ argv: ["KEYS", rng.pick(PATTERNS)], compare: unordered }),
  },
  {
    name: "SCAN full iteration (as a set)",
    needs: ["scan"],
    make(rng) {
      const match = rng.chance(0.5) ? rng.pick(PATTERNS) : null;
      const count = rng.chance(0.5) ? rng.pick(["1", "2", "10", "1000"]) : null;
      return {
        label: `SCAN * MATCH ${match} COUNT ${count}`,
        run: (c) => scanAll(c, match, count),
      };
    },
  },
  {
    name: "SCAN argument errors",
    needs: ["scan"],
    weight: 0.3,
    make: (rng) => ({
      argv: [
        "SCAN",
        ...rng.pick([
          ["x"],
          ["0", "COUNT", "0"],
          ["0", "COUNT", "x"],
          ["0", "MATCH"],
          ["0", "BOGUS", "1"],
          ["-1"],
          ["18446744073709551615"],
          ["18446744073709551616"],
        ]),
      ],
      compare: errorsExact,
    }),
  },
  {
    name: "RANDOMKEY (kind only)",
    needs: ["randomkey"],
    make: () => ({ argv: ["RANDOMKEY"], compare: sameKind }),
  },
  { name: "DBSIZE", needs: ["dbsize"], make: () => ({ argv: ["DBSIZE"] }) },
  ...otherTypeTemplates,
];

/**
 * The keys generator.
 *
 * @example
 * ```ts
 * await runDifferential(keysGenerator, reference, subjects, { seed: 7, steps: 400 });
 * ```
 */
export const keysGenerator: Generator = {
  name: "keys",
  keys: [...KEYS],
  templates,
  intendedDifferences: [
    {
      name: "SCAN with a negative cursor",
      reason:
        "Redis 7.4 parses cursors with string2ull, which refuses negatives: 'ERR invalid cursor'; " +
        "7.0 used strtoull, which wraps -1 to 2^64-1 and scans from there",
      applies: (step, _ref, got) =>
        "argv" in step && String(step.argv[0]).toUpperCase() === "SCAN" &&
        String(step.argv[1]).startsWith("-") &&
        JSON.stringify(got) === JSON.stringify({ error: "ERR invalid cursor" }),
    },
  ],
};

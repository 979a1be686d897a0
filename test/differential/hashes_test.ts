/**
 * Differential test of the hash commands: seeded random sequences against the reference
 * redis-server and Modis (Bun and Deno), every reply compared.
 *
 * The generator covers everything redis-server 7.0 has in common with 7.4: HSET/HMSET/
 * HSETNX, reads of present and missing fields, HDEL down to the key's deletion, counters on
 * int64 edges and float increments (long-double digits), HRANDFIELD (whole-hash counts
 * compared as sets, sampled ones by size and membership), complete HSCAN iterations with
 * MATCH/COUNT (compared as sets; NOVALUES is 7.4-only), OBJECT ENCODING across the listpack → hashtable
 * conversion (values over 64 bytes, more than 128 fields under a lowered limit) and
 * WRONGTYPE against string keys. Field expiry (7.4 only) cannot be compared with a 7.0
 * reference; it is covered by the module's own tests and Redis's TCL unit.
 *
 * Knobs: DIFF_SEED=n, DIFF_STEPS=n (default 300), as in differential_test.ts.
 */

import { type Reply, type RespClient } from "../helpers/mod.ts";
import { errorsExact, type Generator, type Rng, type Template, unordered } from "./framework.ts";
import { differentialSuite } from "./suite.ts";
import { intArg, KEYS, value } from "./pools.ts";

const HKEYS = ["h0", "h1", "h2", "h\x00\xff", "s0"];
const FIELDS = ["a", "b", "c", "1", "-1", "", "f\x00\r\n", "x".repeat(70)];
const FLOATS = [
  "0.1",
  "-0.25",
  "1.5",
  "3e2",
  "10",
  "abc",
  "inf",
  "nan",
  " 1",
  "1e400",
  "5.0e3",
  "-1e-3",
];

function hkey(rng: Rng): string {
  return rng.pick(HKEYS);
}

function field(rng: Rng): string {
  return rng.pick(FIELDS);
}

function fields(rng: Rng, min: number, max: number): string[] {
  return Array.from({ length: rng.int(min, max) }, () => field(rng));
}

/** Replies holding field/value pairs (flat) compared as sets of pairs. */
function pairsAsSet(r: unknown): unknown {
  if (!Array.isArray(r)) return r;
  const out: string[] = [];
  for (let i = 0; i < r.length; i += 2) out.push(`${r[i]}\u0001${r[i + 1]}`);
  return out.sort();
}

const pairsUnordered = (a: unknown, b: unknown) => unordered(pairsAsSet(a), pairsAsSet(b));

/** A whole HSCAN iteration; the result is the sorted set of items (pairs or fields). */
async function hscanAll(
  c: RespClient,
  key: string,
  opts: string[],
  noValues: boolean,
): Promise<unknown> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const r = (await c.send("HSCAN", key, cursor, ...opts)) as Reply;
    if (!Array.isArray(r)) return r;
    cursor = r[0] as string;
    const items = r[1] as string[];
    if (noValues) { for (const f of items) seen.add(f); }
    else for (let i = 0; i < items.length; i += 2) seen.add(`${items[i]}\u0001${items[i + 1]}`);
    if (cursor === "0") return [...seen].sort();
  }
  return { error: "HSCAN did not terminate" };
}

/** HRANDFIELD with a count: for samples smaller than the hash only the size and membership are stable. */
async function randfield(
  c: RespClient,
  key: string,
  count: string,
  withValues: boolean,
): Promise<unknown> {
  const args = withValues ? ["HRANDFIELD", key, count, "WITHVALUES"] : ["HRANDFIELD", key, count];
  const r = (await c.send(...args)) as Reply;
  if (!Array.isArray(r)) return r;
  const all = (await c.send("HGETALL", key)) as string[];
  const hash = new Map<string, string>();
  for (let i = 0; i < all.length; i += 2) hash.set(all[i], all[i + 1]);
  const step = withValues ? 2 : 1;
  for (let i = 0; i < r.length; i += step) {
    const f = r[i] as string;
    if (!hash.has(f) || (withValues && hash.get(f) !== r[i + 1])) {
      return { error: `not in hash: ${f}` };
    }
  }
  const n = Number(count);
  const distinct = new Set(r.filter((_, i) => i % step === 0)).size;
  // Whole-hash answers are compared as sets; samples by length and uniqueness.
  if (n >= hash.size) return ["whole", pairsAsSet(withValues ? r : r.flatMap((f) => [f, ""]))];
  return ["sample", r.length, n > 0 ? distinct === r.length / step : "repeats allowed"];
}

const templates: Template[] = [
  {
    name: "HSET / HMSET",
    needs: ["hset", "hmset"],
    weight: 5,
    make(rng) {
      const args: string[] = [];
      for (let n = rng.int(1, 4); n > 0; n--) args.push(field(rng), value(rng));
      if (rng.chance(0.05)) args.pop(); // odd count: arity error
      return { argv: [rng.chance(0.8) ? "HSET" : "HMSET", hkey(rng), ...args] };
    },
  },
  {
    name: "HSET many fields (hashtable conversion)",
    needs: ["hset", "config|set"],
    weight: 0.3,
    make(rng) {
      const args: string[] = [];
      for (let i = rng.int(100, 200); i > 0; i--) args.push(`m${i}`, String(i));
      return { argv: ["HSET", hkey(rng), ...args] };
    },
  },
  {
    name: "HSETNX",
    needs: ["hsetnx"],
    make: (rng) => ({ argv: ["HSETNX", hkey(rng), field(rng), value(rng)] }),
  },
  {
    name: "HGET",
    needs: ["hget"],
    weight: 3,
    make: (rng) => ({ argv: ["HGET", hkey(rng), field(rng)] }),
  },
  {
    name: "HMGET",
    needs: ["hmget"],
    make: (rng) => ({ argv: ["HMGET", hkey(rng), ...fields(rng, 1, 4)] }),
  },
  {
    name: "HDEL",
    needs: ["hdel"],
    weight: 3,
    make: (rng) => ({ argv: ["HDEL", hkey(rng), ...fields(rng, 1, 4)] }),
  },
  {
    name: "HLEN / HSTRLEN / HEXISTS",
    needs: ["hlen", "hstrlen", "hexists"],
    weight: 2,
    make(rng) {
      const cmd = rng.pick(["HLEN", "HSTRLEN", "HEXISTS"]);
      return { argv: cmd === "HLEN" ? [cmd, hkey(rng)] : [cmd, hkey(rng), field(rng)] };
    },
  },
  {
    name: "HKEYS / HVALS (unordered)",
    needs: ["hkeys", "hvals"],
    make: (rng) => ({ argv: [rng.pick(["HKEYS", "HVALS"]), hkey(rng)], compare: unordered }),
  },
  {
    name: "HGETALL (as pairs)",
    needs: ["hgetall"],
    weight: 2,
    make: (rng) => ({ argv: ["HGETALL", hkey(rng)], compare: pairsUnordered }),
  },
  {
    name: "HINCRBY",
    needs: ["hincrby"],
    weight: 2,
    make: (rng) => ({ argv: ["HINCRBY", hkey(rng), rng.pick(["n", "a", "1"]), intArg(rng)] }),
  },
  {
    name: "HINCRBYFLOAT",
    needs: ["hincrbyfloat"],
    weight: 2,
    make: (rng) => ({
      argv: ["HINCRBYFLOAT", hkey(rng), rng.pick(["n", "a", "1", "fl"]), rng.pick(FLOATS)],
    }),
  },
  {
    name: "HRANDFIELD without count",
    needs: ["hrandfield"],
    make: (rng) => ({ argv: ["HRANDFIELD", hkey(rng)], compare: errorsExact }),
  },
  {
    name: "HRANDFIELD with count",
    needs: ["hrandfield", "hgetall"],
    make(rng) {
      const key = hkey(rng);
      const count = rng.pick([
        "0",
        "1",
        "2",
        "3",
        "5",
        "300",
        "-1",
        "-5",
        "x",
        "-9223372036854775808",
      ]);
      const withValues = rng.chance(0.5);
      return {
        label: `HRANDFIELD ${JSON.stringify(key)} ${count}${withValues ? " WITHVALUES" : ""}`,
        run: (c) => randfield(c, key, count, withValues),
      };
    },
  },
  {
    name: "HSCAN full iteration (as a set)",
    needs: ["hscan"],
    make(rng) {
      const key = hkey(rng);
      const opts: string[] = [];
      if (rng.chance(0.4)) {
        opts.push("MATCH", rng.pick(["*", "a*", "m1*", "[ab]", "*x*", "nomatch"]));
      }
      if (rng.chance(0.4)) opts.push("COUNT", rng.pick(["1", "5", "100"]));
      // NOVALUES is new in 7.4: the module's own tests cover it.
      const noValues = false;
      return {
        label: `HSCAN ${JSON.stringify(key)} full ${opts.join(" ")}`,
        run: (c) => hscanAll(c, key, opts, noValues),
      };
    },
  },
  {
    name: "HSCAN argument errors",
    needs: ["hscan"],
    weight: 0.3,
    make: (rng) => ({
      argv: [
        "HSCAN",
        hkey(rng),
        rng.pick(["0", "x", "-1"]),
        ...rng.pick([["COUNT", "0"], ["COUNT", "x"], ["TYPE", "hash"], ["MATCH"], []]),
      ],
      compare: errorsExact,
    }),
  },
  {
    name: "OBJECT ENCODING",
    needs: ["object|encoding"],
    make: (rng) => ({ argv: ["OBJECT", "ENCODING", hkey(rng)] }),
  },
  {
    name: "TYPE / EXISTS",
    needs: ["type", "exists"],
    make: (rng) => ({ argv: [rng.pick(["TYPE", "EXISTS"]), hkey(rng)] }),
  },
  {
    name: "DEL",
    needs: ["del"],
    support: true,
    weight: 0.5,
    make: (rng) => ({ argv: ["DEL", hkey(rng)] }),
  },
  {
    name: "a string key (WRONGTYPE)",
    needs: ["set"],
    support: true,
    weight: 0.3,
    make: (rng) => ({ argv: ["SET", hkey(rng), "str"] }),
  },
];

const hashesGenerator: Generator = {
  name: "hashes",
  keys: [...HKEYS, ...KEYS],
  templates,
  intendedDifferences: [{
    name: "negative SCAN cursor",
    reason:
      "Redis 7.4's string2ull refuses a negative cursor ('ERR invalid cursor') before the key lookup; 7.0 wrapped it",
    applies: (step, _ref, got) =>
      "argv" in step && step.argv[0] === "HSCAN" && String(step.argv[2]).startsWith("-") &&
      JSON.stringify(got) === JSON.stringify({ error: "ERR invalid cursor" }),
  }],
};

/** Both sides use a small entry limit, so the hashtable encoding shows up in short runs. */
async function configure(c: RespClient): Promise<void> {
  await c.send("CONFIG", "SET", "hash-max-listpack-entries", "128");
}

differentialSuite(hashesGenerator, { configure });

/**
 * Differential test of the set commands: seeded random sequences against the reference
 * redis-server and Modis (Bun and Deno), every reply compared.
 *
 * Members mix canonical integers, non-canonical ones ("007", "-0", int64 overflow), binary
 * and long strings, so sets keep crossing the intset / small / hashtable boundaries; bulk
 * SADDs push sets past 128 and 512 members. Replies whose order Redis leaves unspecified
 * (SMEMBERS, SINTER, SUNION, SDIFF, whole SSCAN iterations) are compared as sets. Random
 * commands are made comparable: SPOP runs as "pop, then add the popped members back", which
 * leaves every server with the same set, and is compared by the reply's shape and size;
 * SRANDMEMBER is checked for membership and distinctness on each side and compared by size.
 *
 * The reference is redis-server 7.0, which has no listpack encoding for sets: where it
 * answers "hashtable" and Modis (7.4) "listpack", the difference is declared, not hidden.
 *
 * Knobs: DIFF_SEED=n, DIFF_STEPS=n (default 300), as in differential_test.ts.
 */

import { type Reply, type RespClient } from "../helpers/mod.ts";
import { errorsExact, type Generator, type Rng, type Template, unordered } from "./framework.ts";
import { differentialSuite } from "./suite.ts";

const SKEYS = ["s0", "s1", "s2", "s\x00\xff", "{t}s3", "str"];
const MEMBERS = [
  "a",
  "b",
  "c",
  "0",
  "1",
  "2",
  "3",
  "-5",
  "42",
  "007",
  "-0",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "",
  "m\x00\r\n",
  "x".repeat(70),
];

function skey(rng: Rng): string {
  return rng.pick(SKEYS);
}

function members(rng: Rng, min: number, max: number): string[] {
  return Array.from({ length: rng.int(min, max) }, () => rng.pick(MEMBERS));
}

function skeys(rng: Rng, min: number, max: number): string[] {
  return Array.from({ length: rng.int(min, max) }, () => skey(rng));
}

function isArray(r: Reply): r is Reply[] {
  return Array.isArray(r);
}

/** SPOP, then SADD the popped members back so every server keeps the same set. */
async function popAndRestore(c: RespClient, key: string, count: string | null): Promise<unknown> {
  const r = (await c.send(...(count === null ? ["SPOP", key] : ["SPOP", key, count]))) as Reply;
  if (typeof r === "string") {
    await c.send("SADD", key, r);
    return "one member";
  }
  if (!isArray(r)) return r; // null or an error
  if (r.length > 0) await c.send("SADD", key, ...(r as string[]));
  return ["popped", r.length, new Set(r).size === r.length];
}

/** SRANDMEMBER with a count, checked on the server's own set, compared by shape. */
async function randmember(c: RespClient, key: string, count: string): Promise<unknown> {
  const r = (await c.send("SRANDMEMBER", key, count)) as Reply;
  if (!isArray(r)) return r;
  const all = (await c.send("SMEMBERS", key)) as Reply;
  const set = new Set(isArray(all) ? (all as string[]) : []);
  if (!r.every((m) => set.has(m as string))) return { error: "member not in set" };
  const n = Number(count);
  if (n >= set.size) return ["whole", [...r].map(String).sort()];
  return ["sample", r.length, n > 0 ? new Set(r).size === r.length : "repeats allowed"];
}

/** A whole SSCAN iteration; the result is the sorted set of members seen. */
async function sscanAll(c: RespClient, key: string, opts: string[]): Promise<unknown> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const r = (await c.send("SSCAN", key, cursor, ...opts)) as Reply;
    if (!isArray(r)) return r;
    cursor = r[0] as string;
    for (const m of r[1] as string[]) seen.add(m);
    if (cursor === "0") return [...seen].sort();
  }
  return { error: "SSCAN did not terminate" };
}

const templates: Template[] = [
  {
    name: "SADD",
    needs: ["sadd"],
    weight: 6,
    make: (rng) => ({ argv: ["SADD", skey(rng), ...members(rng, 1, 5)] }),
  },
  {
    name: "SADD many integers (intset limit)",
    needs: ["sadd"],
    weight: 0.3,
    make(rng) {
      const from = rng.int(-50, 50);
      const n = rng.pick([100, 300, 520]);
      return {
        argv: ["SADD", skey(rng), ...Array.from({ length: n }, (_, i) => String(from + i))],
      };
    },
  },
  {
    name: "SADD many strings (listpack limit)",
    needs: ["sadd"],
    weight: 0.3,
    make: (rng) => ({
      argv: ["SADD", skey(rng), ...Array.from({ length: rng.int(60, 200) }, (_, i) => `m${i}`)],
    }),
  },
  {
    name: "SREM",
    needs: ["srem"],
    weight: 3,
    make: (rng) => ({ argv: ["SREM", skey(rng), ...members(rng, 1, 6)] }),
  },
  {
    name: "SCARD / SISMEMBER / SMISMEMBER",
    needs: ["scard", "sismember", "smismember"],
    weight: 3,
    make(rng) {
      const cmd = rng.pick(["SCARD", "SISMEMBER", "SMISMEMBER"]);
      if (cmd === "SCARD") return { argv: [cmd, skey(rng)] };
      return { argv: [cmd, skey(rng), ...members(rng, 1, cmd === "SISMEMBER" ? 1 : 4)] };
    },
  },
  {
    name: "SMEMBERS (unordered)",
    needs: ["smembers"],
    weight: 2,
    make: (rng) => ({ argv: ["SMEMBERS", skey(rng)], compare: unordered }),
  },
  {
    name: "SMOVE",
    needs: ["smove"],
    make: (rng) => ({ argv: ["SMOVE", skey(rng), skey(rng), rng.pick(MEMBERS)] }),
  },
  {
    name: "SINTER / SUNION / SDIFF (unordered)",
    needs: ["sinter", "sunion", "sdiff"],
    weight: 2,
    make: (rng) => ({
      argv: [rng.pick(["SINTER", "SUNION", "SDIFF"]), ...skeys(rng, 1, 4)],
      compare: unordered,
    }),
  },
  {
    name: "SINTERSTORE / SUNIONSTORE / SDIFFSTORE",
    needs: ["sinterstore", "sunionstore", "sdiffstore"],
    weight: 2,
    make: (rng) => ({
      argv: [
        rng.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]),
        skey(rng),
        ...skeys(rng, 1, 3),
      ],
    }),
  },
  {
    name: "SINTERCARD",
    needs: ["sintercard"],
    make(rng) {
      const keys = skeys(rng, 1, 3);
      const numkeys = rng.chance(0.9) ? String(keys.length) : rng.pick(["0", "-1", "x", "9"]);
      const extra = rng.pick([
        [],
        [],
        ["LIMIT", String(rng.int(0, 5))],
        ["limit", "-1"],
        ["LIMIT"],
        ["BOGUS"],
      ]);
      return { argv: ["SINTERCARD", numkeys, ...keys, ...extra] };
    },
  },
  {
    name: "SPOP then re-add (shape)",
    needs: ["spop", "sadd"],
    weight: 1.5,
    make(rng) {
      const key = skey(rng);
      const count = rng.chance(0.3)
        ? null
        : rng.pick(["0", "1", "2", "5", "20", "150", "600", "-1", "x"]);
      return {
        label: `SPOP ${JSON.stringify(key)} ${count ?? ""} + SADD back`,
        run: (c) => popAndRestore(c, key, count),
      };
    },
  },
  {
    name: "SRANDMEMBER without count",
    needs: ["srandmember"],
    make: (rng) => ({ argv: ["SRANDMEMBER", skey(rng)], compare: errorsExact }),
  },
  {
    name: "SRANDMEMBER with count",
    needs: ["srandmember", "smembers"],
    weight: 1.5,
    make(rng) {
      const key = skey(rng);
      const count = rng.pick([
        "0",
        "1",
        "2",
        "3",
        "8",
        "100",
        "1000",
        "-1",
        "-7",
        "x",
        "-9223372036854775808",
      ]);
      return {
        label: `SRANDMEMBER ${JSON.stringify(key)} ${count}`,
        run: (c) => randmember(c, key, count),
      };
    },
  },
  {
    name: "SSCAN full iteration (as a set)",
    needs: ["sscan"],
    make(rng) {
      const key = skey(rng);
      const opts: string[] = [];
      if (rng.chance(0.4)) opts.push("MATCH", rng.pick(["*", "m1*", "[ab]", "*0*", "nomatch"]));
      if (rng.chance(0.4)) opts.push("COUNT", rng.pick(["1", "5", "100"]));
      return {
        label: `SSCAN ${JSON.stringify(key)} full ${opts.join(" ")}`,
        run: (c) => sscanAll(c, key, opts),
      };
    },
  },
  {
    name: "SSCAN argument errors",
    needs: ["sscan"],
    weight: 0.3,
    make: (rng) => ({
      argv: [
        "SSCAN",
        skey(rng),
        rng.pick(["0", "x", "-1"]),
        ...rng.pick([["COUNT", "0"], ["COUNT", "x"], ["TYPE", "set"], ["MATCH"], []]),
      ],
      compare: errorsExact,
    }),
  },
  {
    name: "OBJECT ENCODING",
    needs: ["object|encoding"],
    make: (rng) => ({ argv: ["OBJECT", "ENCODING", skey(rng)] }),
  },
  {
    name: "TYPE / EXISTS",
    needs: ["type", "exists"],
    make: (rng) => ({ argv: [rng.pick(["TYPE", "EXISTS"]), skey(rng)] }),
  },
  {
    name: "DEL",
    needs: ["del"],
    support: true,
    weight: 0.5,
    make: (rng) => ({ argv: ["DEL", skey(rng)] }),
  },
  {
    name: "a string key (WRONGTYPE)",
    needs: ["set"],
    support: true,
    weight: 0.3,
    make: (rng) => ({ argv: ["SET", rng.chance(0.7) ? "str" : skey(rng), "v"] }),
  },
];

const setsGenerator: Generator = {
  name: "sets",
  keys: SKEYS,
  templates,
  intendedDifferences: [
    {
      name: "listpack-encoded sets",
      reason: "Redis 7.2 added the listpack encoding for small sets; 7.0 used a hashtable",
      applies: (step, ref, got) =>
        "argv" in step && String(step.argv[0]).toUpperCase() === "OBJECT" && ref === "hashtable" &&
        got === "listpack",
    },
    {
      name: "negative SCAN cursor",
      reason: "Redis 7.4 refuses a negative cursor ('ERR invalid cursor'); 7.0 wrapped it",
      applies: (step, _ref, got) =>
        "argv" in step && step.argv[0] === "SSCAN" && String(step.argv[2]).startsWith("-") &&
        JSON.stringify(got) === JSON.stringify({ error: "ERR invalid cursor" }),
    },
  ],
};

differentialSuite(setsGenerator);

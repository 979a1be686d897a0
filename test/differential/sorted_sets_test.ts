/**
 * Differential test of the sorted set commands: seeded random sequences against the
 * reference redis-server and Modis (Bun and Deno), every reply compared.
 *
 * The generator covers ZADD with every option combination (and their conflicts), ZINCRBY
 * towards NaN, removals down to the key's deletion, rank/score/lex ranges with exclusive
 * bounds, REV, LIMIT and negative indexes, ZRANGESTORE, pops (plain, ZMPOP, blocking with a
 * short timeout), set algebra with WEIGHTS/AGGREGATE and plain-set inputs (when Modis has
 * SADD), ZSCAN full iterations, ZRANDMEMBER (by size: it is random), OBJECT ENCODING across
 * the listpack → skiplist conversion (a lowered entry limit, members over 64 bytes) and
 * WRONGTYPE against string keys.
 *
 * Declared 7.0 (reference) / 7.4 (Modis) differences, counted and reported, never hidden:
 *  - double formatting: 7.0 prints scores in replies with "%.17g" (1.1 → 1.1000000000000001),
 *    7.4 with the shortest round-trip form ("1.1"); the same double either way;
 *  - ZRANK/ZREVRANK WITHSCORE exists since 7.2 (7.0 answers an arity or syntax error);
 *  - a negative LIMIT offset on a skiplist-encoded set: 7.0 returns nothing, 7.4's
 *    zslNthInRange counts it from the far end of the range (read commands only; see limit());
 *  - OBJECT ENCODING of a small plain set of strings (pools.ts).
 *
 * Knobs: DIFF_SEED=n, DIFF_STEPS=n (default 300), as in differential_test.ts.
 */

import { isError, type RespClient } from "../helpers/mod.ts";
import {
  type Comparator,
  errorsExact,
  exact,
  type Generator,
  type IntendedDifference,
  type Rng,
  type Step,
  type Template,
  unordered,
} from "./framework.ts";
import { differentialSuite } from "./suite.ts";
import { collectionEncodingDifferences, flag } from "./pools.ts";

const ZKEYS = ["z0", "z1", "z2", "z\x00\xff", "str", "set0", "l0", "l1"];
/**
 * Lex ranges are only specified when all scores are equal (with mixed scores Redis's answer
 * depends on its skiplist's random levels), so lex commands use their own keys, which only
 * ever receive score 0.
 */
const LEX_KEYS = ["l0", "l1"];
const MEMBERS = [
  "a",
  "b",
  "c",
  "d",
  "e",
  "f",
  "g",
  "h",
  "1",
  "-1",
  "",
  "m\x00\r\n",
  "x".repeat(70),
];
const SCORES = [
  "0",
  "1",
  "2",
  "-3",
  "1.1",
  "0.1",
  "-2.5",
  "1e20",
  "3.0e-5",
  "inf",
  "-inf",
  "+inf",
  "10",
  "7",
];
const BAD_SCORES = ["abc", "nan", " 1", "1e400", "", "1 "];
const BOUNDS = [
  "-inf",
  "+inf",
  "0",
  "1",
  "(1",
  "2",
  "(2",
  "1.1",
  "(1.1",
  "-3",
  "10",
  "(inf",
  "(-inf",
];
const BAD_BOUNDS = ["abc", "nan", "(nan", "1 ", "((1"];
const LEX = ["-", "+", "[a", "(a", "[c", "(c", "[e", "(h", "[", "(", "[x"];
const BAD_LEX = ["a", "--", "++", "{a", "1"];

const zkey = (rng: Rng) => rng.pick(ZKEYS.slice(0, 4));
const anyKey = (rng: Rng) => (rng.chance(0.1) ? rng.pick(ZKEYS.slice(0, 6)) : zkey(rng));
const member = (rng: Rng) => rng.pick(MEMBERS);
const score = (rng: Rng) => (rng.chance(0.04) ? rng.pick(BAD_SCORES) : rng.pick(SCORES));
const bound = (rng: Rng) => (rng.chance(0.04) ? rng.pick(BAD_BOUNDS) : rng.pick(BOUNDS));
const lex = (rng: Rng) => (rng.chance(0.04) ? rng.pick(BAD_LEX) : rng.pick(LEX));
const index = (rng: Rng) => String(rng.int(-8, 8));
const lexKey = (
  rng: Rng,
) => (rng.chance(0.05) ? rng.pick(["str", "set0", "nokey"]) : rng.pick(LEX_KEYS));

/**
 * A LIMIT clause. Negative offsets (a declared 7.0/7.4 difference) only in read commands:
 * in ZRANGESTORE the difference would be stored and spread to every later step.
 */
function limit(rng: Rng, negative = true): string[] {
  if (!rng.chance(0.4)) return [];
  const offset = negative && rng.chance(0.1) ? String(rng.int(-3, -1)) : String(rng.int(0, 4));
  return [flag(rng, "LIMIT"), offset, rng.pick(["-1", "0", "1", "2", "5"])];
}

function shuffled(rng: Rng, items: string[][]): string[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.flat();
}

/** ZRANDMEMBER: compare errors exactly, arrays by length (the members are random). */
const sameLength: Comparator = (a, b) =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length
    : errorsExact(a, b) && exact(a, b) || sameNull(a, b);
const sameNull: Comparator = (a, b) => a === null && b === null;

/** A complete ZSCAN iteration; the (member, score) pairs compared as a set. */
async function zscanAll(c: RespClient, key: string, opts: string[]): Promise<unknown> {
  const pairs: string[] = [];
  let cursor = "0";
  for (let guard = 0; guard < 1000; guard++) {
    const r = await c.send("ZSCAN", key, cursor, ...opts);
    if (!Array.isArray(r)) return r;
    const [next, items] = r as [string, string[]];
    for (let i = 0; i < items.length; i += 2) {
      pairs.push(`${items[i]}\u0001${Number(items[i + 1])}`);
    }
    cursor = next;
    if (cursor === "0") break;
  }
  return [...new Set(pairs)].sort();
}

const templates: Template[] = [
  {
    name: "ZADD with options",
    needs: ["zadd"],
    weight: 6,
    make(rng) {
      const opts: string[][] = [];
      if (rng.chance(0.2)) opts.push([flag(rng, rng.pick(["NX", "XX"]))]);
      if (rng.chance(0.2)) opts.push([flag(rng, rng.pick(["GT", "LT"]))]);
      if (rng.chance(0.2)) opts.push([flag(rng, "CH")]);
      if (rng.chance(0.1)) opts.push([flag(rng, "INCR")]);
      if (rng.chance(0.03)) opts.push([rng.pick(["NX", "XX", "GT", "LT"])]); // conflicts
      const pairs = Array.from({ length: rng.int(1, 4) }, () => [score(rng), member(rng)]);
      if (rng.chance(0.03)) pairs.push([score(rng)]); // odd count
      return { argv: ["ZADD", anyKey(rng), ...shuffled(rng, opts), ...pairs.flat()] };
    },
  },
  {
    name: "ZADD to a lex key (score 0)",
    needs: ["zadd"],
    weight: 2,
    make: (rng) => ({
      argv: [
        "ZADD",
        rng.pick(LEX_KEYS),
        ...Array.from({ length: rng.int(1, 4) }, () => ["0", member(rng)]).flat(),
      ],
    }),
  },
  {
    name: "ZINCRBY",
    needs: ["zincrby"],
    weight: 2,
    make: (rng) => ({ argv: ["ZINCRBY", anyKey(rng), score(rng), member(rng)] }),
  },
  {
    name: "ZREM",
    needs: ["zrem"],
    weight: 2,
    make: (rng) => ({
      argv: ["ZREM", anyKey(rng), ...Array.from({ length: rng.int(1, 3) }, () => member(rng))],
    }),
  },
  {
    name: "ZCARD / ZSCORE / ZMSCORE",
    needs: ["zcard", "zscore", "zmscore"],
    weight: 2,
    make(rng) {
      const k = anyKey(rng);
      const pick = rng.int(0, 2);
      if (pick === 0) return { argv: ["ZCARD", k] };
      if (pick === 1) return { argv: ["ZSCORE", k, member(rng)] };
      return { argv: ["ZMSCORE", k, member(rng), member(rng)] };
    },
  },
  {
    name: "ZRANK / ZREVRANK",
    needs: ["zrank", "zrevrank"],
    weight: 2,
    make: (rng) => ({
      argv: [
        rng.pick(["ZRANK", "ZREVRANK"]),
        anyKey(rng),
        member(rng),
        ...(rng.chance(0.15) ? ["WITHSCORE"] : []),
      ],
    }),
  },
  {
    name: "ZCOUNT / ZLEXCOUNT",
    needs: ["zcount", "zlexcount"],
    weight: 2,
    make: (rng) =>
      rng.chance(0.5)
        ? { argv: ["ZCOUNT", anyKey(rng), bound(rng), bound(rng)] }
        : { argv: ["ZLEXCOUNT", lexKey(rng), lex(rng), lex(rng)] },
  },
  {
    name: "ZRANGE (rank / BYSCORE / BYLEX, REV, LIMIT, WITHSCORES)",
    needs: ["zrange"],
    weight: 5,
    make(rng) {
      const kind = rng.int(0, 2);
      const opts: string[][] = [];
      let a = index(rng), b = index(rng);
      if (kind === 1) [a, b] = [bound(rng), bound(rng)], opts.push([flag(rng, "BYSCORE")]);
      if (kind === 2) [a, b] = [lex(rng), lex(rng)], opts.push([flag(rng, "BYLEX")]);
      if (rng.chance(0.3)) opts.push([flag(rng, "REV")]);
      if (rng.chance(kind === 2 ? 0.05 : 0.4)) opts.push([flag(rng, "WITHSCORES")]);
      const l = limit(rng);
      if (l.length && (kind !== 0 || rng.chance(0.1))) opts.push(l);
      return {
        argv: ["ZRANGE", kind === 2 ? lexKey(rng) : anyKey(rng), a, b, ...shuffled(rng, opts)],
      };
    },
  },
  {
    name: "legacy range commands",
    needs: ["zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex"],
    weight: 3,
    make(rng) {
      const k = anyKey(rng);
      const ws = rng.chance(0.4) ? ["WITHSCORES"] : [];
      switch (rng.int(0, 4)) {
        case 0:
          return { argv: ["ZREVRANGE", k, index(rng), index(rng), ...ws] };
        case 1:
          return { argv: ["ZRANGEBYSCORE", k, bound(rng), bound(rng), ...ws, ...limit(rng)] };
        case 2:
          return { argv: ["ZREVRANGEBYSCORE", k, bound(rng), bound(rng), ...ws, ...limit(rng)] };
        case 3:
          return { argv: ["ZRANGEBYLEX", lexKey(rng), lex(rng), lex(rng), ...limit(rng)] };
        default:
          return { argv: ["ZREVRANGEBYLEX", lexKey(rng), lex(rng), lex(rng), ...limit(rng)] };
      }
    },
  },
  {
    name: "ZRANGESTORE",
    needs: ["zrangestore"],
    weight: 2,
    make(rng) {
      const kind = rng.int(0, 2);
      const args = kind === 0
        ? [index(rng), index(rng)]
        : kind === 1
        ? [bound(rng), bound(rng), "BYSCORE", ...limit(rng, false)]
        : [lex(rng), lex(rng), "BYLEX", ...limit(rng, false)];
      const [dst, src] = kind === 2 ? [rng.pick(LEX_KEYS), lexKey(rng)] : [zkey(rng), anyKey(rng)];
      return { argv: ["ZRANGESTORE", dst, src, ...args, ...(rng.chance(0.3) ? ["REV"] : [])] };
    },
  },
  {
    name: "ZREMRANGEBYRANK / SCORE / LEX",
    needs: ["zremrangebyrank", "zremrangebyscore", "zremrangebylex"],
    weight: 1.5,
    make(rng) {
      const k = anyKey(rng);
      switch (rng.int(0, 2)) {
        case 0:
          return { argv: ["ZREMRANGEBYRANK", k, index(rng), index(rng)] };
        case 1:
          return { argv: ["ZREMRANGEBYSCORE", k, bound(rng), bound(rng)] };
        default:
          return { argv: ["ZREMRANGEBYLEX", lexKey(rng), lex(rng), lex(rng)] };
      }
    },
  },
  {
    name: "ZPOPMIN / ZPOPMAX / ZMPOP",
    needs: ["zpopmin", "zpopmax", "zmpop"],
    weight: 2,
    make(rng) {
      if (rng.chance(0.6)) {
        const count = rng.chance(0.5) ? [rng.pick(["0", "1", "2", "10", "-1", "x"])] : [];
        return { argv: [rng.pick(["ZPOPMIN", "ZPOPMAX"]), anyKey(rng), ...count] };
      }
      const keys = [anyKey(rng), zkey(rng)].slice(0, rng.int(1, 2));
      const numkeys = rng.chance(0.05) ? rng.pick(["0", "-1", "x", "5"]) : String(keys.length);
      const count = rng.chance(0.5) ? ["COUNT", rng.pick(["1", "3", "0", "x"])] : [];
      return {
        argv: ["ZMPOP", numkeys, ...keys, rng.pick(["MIN", "MAX", "max", "mid"]), ...count],
      };
    },
  },
  {
    name: "BZPOPMIN / BZPOPMAX / BZMPOP (short timeout)",
    needs: ["bzpopmin", "bzpopmax", "bzmpop"],
    weight: 0.7,
    make(rng) {
      const timeout = rng.chance(0.05) ? rng.pick(["-1", "x"]) : "0.01";
      if (rng.chance(0.6)) {
        return { argv: [rng.pick(["BZPOPMIN", "BZPOPMAX"]), zkey(rng), anyKey(rng), timeout] };
      }
      return {
        argv: [
          "BZMPOP",
          timeout,
          "1",
          anyKey(rng),
          rng.pick(["MIN", "MAX"]),
          "COUNT",
          rng.pick(["1", "2"]),
        ],
      };
    },
  },
  {
    name: "ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD",
    needs: ["zunion", "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard"],
    weight: 3,
    make(rng) {
      const op = rng.pick(["UNION", "INTER", "DIFF"]);
      const n = rng.int(1, 3);
      const keys = Array.from({ length: n }, () => anyKey(rng));
      const numkeys = rng.chance(0.04) ? rng.pick(["0", "x", "9"]) : String(n);
      const opts: string[][] = [];
      if (op !== "DIFF" && rng.chance(0.4)) {
        opts.push([
          "WEIGHTS",
          ...keys.map(() => rng.pick(["1", "2", "0", "-1", "0.5", "inf", "x"])),
        ]);
      }
      if (op !== "DIFF" && rng.chance(0.4)) {
        opts.push(["AGGREGATE", rng.pick(["SUM", "MIN", "MAX", "avg"])]);
      }
      const mode = rng.int(0, 3);
      if (mode === 0) {
        return { argv: [`Z${op}STORE`, zkey(rng), numkeys, ...keys, ...shuffled(rng, opts)] };
      }
      if (mode === 1 && op === "INTER") {
        return {
          argv: [
            "ZINTERCARD",
            numkeys,
            ...keys,
            ...(rng.chance(0.5) ? ["LIMIT", rng.pick(["0", "1", "-1"])] : []),
          ],
        };
      }
      if (rng.chance(0.5)) opts.push(["WITHSCORES"]);
      return { argv: [`Z${op}`, numkeys, ...keys, ...shuffled(rng, opts)] };
    },
  },
  {
    name: "ZSCAN full iteration",
    needs: ["zscan"],
    make(rng) {
      const key = anyKey(rng);
      const opts: string[] = [];
      if (rng.chance(0.4)) opts.push("MATCH", rng.pick(["*", "a*", "[a-c]", "*x*", "nomatch"]));
      if (rng.chance(0.4)) opts.push("COUNT", rng.pick(["1", "5", "100"]));
      return {
        label: `ZSCAN ${JSON.stringify(key)} full ${opts.join(" ")}`,
        run: (c) => zscanAll(c, key, opts),
        compare: unordered,
      };
    },
  },
  {
    name: "ZSCAN argument errors",
    needs: ["zscan"],
    weight: 0.3,
    make: (rng) => ({
      argv: [
        "ZSCAN",
        anyKey(rng),
        rng.pick(["0", "x"]),
        ...rng.pick([["COUNT", "0"], ["COUNT", "x"], ["TYPE", "zset"], ["MATCH"], []]),
      ],
      compare: errorsExact,
    }),
  },
  {
    name: "ZRANDMEMBER",
    needs: ["zrandmember"],
    make(rng) {
      const count = rng.chance(0.8) ? [rng.pick(["0", "1", "3", "-5", "20", "x"])] : [];
      const ws = count.length && rng.chance(0.4) ? ["WITHSCORES"] : [];
      return {
        argv: ["ZRANDMEMBER", anyKey(rng), ...count, ...ws],
        compare: count.length ? sameLength : (a, b) => typeof a === typeof b,
      };
    },
  },
  {
    name: "OBJECT ENCODING",
    needs: ["object|encoding"],
    make: (rng) => ({ argv: ["OBJECT", "ENCODING", anyKey(rng)] }),
  },
  { name: "TYPE", needs: ["type"], weight: 0.5, make: (rng) => ({ argv: ["TYPE", anyKey(rng)] }) },
  {
    name: "DEL",
    needs: ["del"],
    support: true,
    weight: 0.6,
    make: (rng) => ({ argv: ["DEL", rng.chance(0.7) ? zkey(rng) : rng.pick(LEX_KEYS)] }),
  },
  {
    name: "a string key",
    needs: ["set"],
    support: true,
    weight: 0.1,
    make: () => ({ argv: ["SET", "str", "x"] }),
  },
  {
    name: "a plain set",
    needs: ["sadd"],
    support: true,
    weight: 0.4,
    make: (rng) => ({ argv: ["SADD", "set0", member(rng), member(rng)] }),
  },
];

/** Whether `got` equals `ref` except for doubles printed in another form. */
function sameButDoubleForm(ref: unknown, got: unknown): boolean {
  if (typeof ref === "string" && typeof got === "string") {
    if (ref === got) return true;
    // 7.4's form is the shorter spelling of the very same double.
    const a = Number(ref);
    return ref.trim() !== "" && !Number.isNaN(a) && a === Number(got) && got.length < ref.length;
  }
  if (Array.isArray(ref) && Array.isArray(got)) {
    return ref.length === got.length && ref.every((r, i) => sameButDoubleForm(r, got[i]));
  }
  return exact(ref, got);
}

const hasArg = (step: Step, word: string) =>
  "argv" in step && step.argv.some((a) => String(a).toUpperCase() === word);

const differences: IntendedDifference[] = [
  ...collectionEncodingDifferences,
  {
    name: "double reply format (7.0 %.17g, 7.4 shortest round-trip)",
    reason:
      "Redis 7.2+ prints doubles in replies (RESP2 bulk) with the shortest form that reads back as the same double",
    applies: (_step, ref, got) => sameButDoubleForm(ref, got),
  },
  {
    name: "ZRANK/ZREVRANK WITHSCORE",
    reason: "the WITHSCORE option is new in Redis 7.2; 7.0 answers an error",
    applies: (step, ref) => hasArg(step, "WITHSCORE") && isError(ref as never),
  },
  {
    name: "negative LIMIT offset on a skiplist-encoded set",
    reason:
      "7.0 returns nothing; 7.4's zslNthInRange counts a negative offset from the far end of the range",
    applies: (step, ref) =>
      "argv" in step && ((Array.isArray(ref) && ref.length === 0) || ref === 0) &&
      step.argv.some((a, i) =>
        String(a).toUpperCase() === "LIMIT" && String(step.argv[i + 1]).startsWith("-")
      ),
  },
];

const sortedSetsGenerator: Generator = {
  name: "sorted_sets",
  keys: ZKEYS,
  templates,
  intendedDifferences: differences,
};

/** A small entry limit on both sides, so the skiplist encoding shows up in short runs. */
async function configure(c: RespClient): Promise<void> {
  await c.send("CONFIG", "SET", "zset-max-listpack-entries", "6");
}

differentialSuite(sortedSetsGenerator, { configure, timeoutMs: 180_000 });

/**
 * Differential generator for the string commands: every SET option combination (valid and
 * not), the GET family, counters on int64 edges, float increments, ranges with negative and
 * out-of-range indexes, SETRANGE padding, MSET/MSETNX/MGET and LCS, on a small shared key
 * pool so commands meet each other's values. A non-string key (a list, when LPUSH exists)
 * brings WRONGTYPE into play.
 */

import type { Generator, Rng, Step, Template } from "./framework.ts";
import {
  collectionEncodingDifferences,
  flag,
  intArg,
  key,
  KEYS,
  otherTypeTemplates,
  value,
} from "./pools.ts";

const FLOAT_INCR = [
  "0.1",
  "0.2",
  "-0.25",
  "1.5",
  "3e2",
  "-1e-3",
  "10",
  "abc",
  "inf",
  "-inf",
  "nan",
  "1e400",
  " 1",
  "5.0e3",
];

function expiryOption(rng: Rng): string[] {
  const now = Date.now();
  switch (rng.int(0, 9)) {
    case 0:
      return [flag(rng, "EX"), String(rng.int(100, 100000))];
    case 1:
      return [flag(rng, "PX"), String(rng.int(100000, 10000000))];
    case 2:
      return [flag(rng, "EXAT"), String(Math.floor(now / 1000) + rng.int(100, 100000))];
    case 3:
      return [flag(rng, "PXAT"), String(now + rng.int(100000, 10000000))];
    case 4:
      return [flag(rng, "KEEPTTL")];
    case 5: // invalid times: zero, negative, not a number, overflow
      return [
        rng.pick(["EX", "PX", "EXAT", "PXAT"]),
        rng.pick(["0", "-1", "abc", "1.5", "9223372036854775807", "92233720368547758"]),
      ];
    default:
      return [];
  }
}

const templates: Template[] = [
  {
    name: "SET with options",
    needs: ["set"],
    weight: 4,
    make(rng) {
      const argv = ["SET", key(rng), value(rng)];
      const opts = [...expiryOption(rng)];
      if (rng.chance(0.3)) opts.push(rng.pick(["NX", "XX", "nx"]));
      if (rng.chance(0.25)) opts.push(flag(rng, "GET"));
      if (rng.chance(0.05)) opts.push(rng.pick(["EX", "PX", "BOGUS", "KEEPTTL", "NX"])); // duplicates and junk
      // Options may come in any order.
      for (let i = opts.length - 1; i > 0 && rng.chance(0.3); i--) {
        [opts[i], opts[i - 1]] = [opts[i - 1], opts[i]];
      }
      return { argv: [...argv, ...opts] };
    },
  },
  { name: "GET", needs: ["get"], weight: 3, make: (rng) => ({ argv: ["GET", key(rng)] }) },
  {
    name: "GETSET",
    needs: ["getset"],
    make: (rng) => ({ argv: ["GETSET", key(rng), value(rng)] }),
  },
  { name: "GETDEL", needs: ["getdel"], make: (rng) => ({ argv: ["GETDEL", key(rng)] }) },
  {
    name: "GETEX",
    needs: ["getex"],
    make(rng) {
      const opt = rng.chance(0.2)
        ? [flag(rng, "PERSIST")]
        : expiryOption(rng).filter((o) => o.toUpperCase() !== "KEEPTTL");
      return { argv: ["GETEX", key(rng), ...opt] };
    },
  },
  { name: "SETNX", needs: ["setnx"], make: (rng) => ({ argv: ["SETNX", key(rng), value(rng)] }) },
  {
    name: "SETEX / PSETEX",
    needs: ["setex", "psetex"],
    make(rng) {
      const ex = rng.chance(0.5);
      const t = rng.chance(0.8)
        ? String(ex ? rng.int(100, 9999) : rng.int(100000, 9999999))
        : rng.pick(["0", "-5", "x", "9223372036854775807"]);
      return { argv: [ex ? "SETEX" : "PSETEX", key(rng), t, value(rng)] };
    },
  },
  {
    name: "MSET / MSETNX",
    needs: ["mset", "msetnx"],
    make(rng) {
      const n = rng.int(1, 3);
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(key(rng), value(rng));
      if (rng.chance(0.05)) args.pop(); // odd count: arity error
      return { argv: [rng.chance(0.7) ? "MSET" : "MSETNX", ...args] };
    },
  },
  {
    name: "MGET",
    needs: ["mget"],
    make: (rng) => ({ argv: ["MGET", ...Array.from({ length: rng.int(1, 4) }, () => key(rng))] }),
  },
  {
    name: "APPEND",
    needs: ["append"],
    make: (rng) => ({ argv: ["APPEND", key(rng), value(rng)] }),
  },
  { name: "STRLEN", needs: ["strlen"], make: (rng) => ({ argv: ["STRLEN", key(rng)] }) },
  {
    name: "INCR / DECR",
    needs: ["incr", "decr"],
    weight: 2,
    make: (rng) => ({ argv: [rng.chance(0.5) ? "INCR" : "DECR", key(rng)] }),
  },
  {
    name: "INCRBY / DECRBY",
    needs: ["incrby", "decrby"],
    weight: 2,
    make: (rng) => ({ argv: [rng.chance(0.5) ? "INCRBY" : "DECRBY", key(rng), intArg(rng)] }),
  },
  {
    name: "INCRBYFLOAT",
    needs: ["incrbyfloat"],
    weight: 2,
    make: (rng) => ({ argv: ["INCRBYFLOAT", key(rng), rng.pick(FLOAT_INCR)] }),
  },
  {
    name: "GETRANGE / SUBSTR",
    needs: ["getrange", "substr"],
    weight: 2,
    make(rng) {
      const idx = () =>
        rng.chance(0.85)
          ? String(rng.int(-60, 60))
          : rng.pick(["9223372036854775807", "-9223372036854775808", "x"]);
      return { argv: [rng.chance(0.8) ? "GETRANGE" : "SUBSTR", key(rng), idx(), idx()] };
    },
  },
  {
    name: "SETRANGE",
    needs: ["setrange"],
    make(rng) {
      const off = rng.chance(0.85)
        ? String(rng.int(0, 80))
        : rng.pick(["-1", "536870911", "536870912", "x"]);
      // An empty value at a huge offset is valid and must not allocate.
      const v = off === "536870911" ? "" : rng.chance(0.1) ? "" : value(rng);
      return { argv: ["SETRANGE", key(rng), off, v] };
    },
  },
  {
    name: "LCS",
    needs: ["lcs"],
    weight: 0.5,
    make(rng) {
      const opts = rng.pick([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], [
        "IDX",
        "MINMATCHLEN",
        String(rng.int(0, 3)),
      ], ["LEN", "IDX"]]);
      return { argv: ["LCS", key(rng), key(rng), ...opts] };
    },
  },
  {
    // Encodings are observable (and tested by Redis's own suite): int / embstr (<= 44 bytes) /
    // raw, and raw after any in-place change (APPEND, SETRANGE).
    name: "OBJECT ENCODING",
    needs: ["object|encoding"],
    make: (rng) => ({ argv: ["OBJECT", "ENCODING", key(rng)] }),
  },
  ...otherTypeTemplates,
  {
    name: "DEL (keeps the key space small)",
    support: true,
    needs: ["del"],
    make: (rng): Step => ({ argv: ["DEL", key(rng)] }),
  },
];

/**
 * The strings generator.
 *
 * @example
 * ```ts
 * await runDifferential(stringsGenerator, reference, subjects, { seed: 1, steps: 400 });
 * ```
 */
export const stringsGenerator: Generator = {
  name: "strings",
  keys: [...KEYS],
  templates,
  // String replies themselves (including INCRBYFLOAT's %.17Lf-based format) are the same in
  // Redis 7.0 and 7.4; only the encodings of the other types used for WRONGTYPE differ.
  intendedDifferences: collectionEncodingDifferences,
};

/**
 * Differential test of the list commands: seeded random sequences against the reference
 * redis-server and Modis (Bun and Deno), every reply compared exactly (types included, so a
 * null bulk never passes for a null array).
 *
 * Elements mix short strings, canonical and non-canonical integers, binary bytes and long
 * strings; bulk RPUSHes of a few hundred elements and the occasional 10KB element push lists
 * across the listpack / quicklist boundary in both directions, and a small pool of keys makes
 * pops empty lists (deleting the key), LMOVE chain between lists and a string key bring
 * WRONGTYPE into play. Indexes and counts include negatives, out-of-range values, zero,
 * non-numbers and int64 edges. Blocking commands run with a 10 ms timeout, so they either
 * pop at once or time out with their null reply, on every server alike. One template runs a
 * pop in RESP3 to compare the protocol's null forms.
 *
 * The reference is redis-server 7.0, which creates every list as a quicklist; the OBJECT
 * ENCODING difference with 7.4's listpack is declared (pools.ts), not hidden.
 *
 * Knobs: DIFF_SEED=n, DIFF_STEPS=n (default 300), as in differential_test.ts.
 */

import { type Generator, type Rng, type Template } from "./framework.ts";
import { differentialSuite } from "./suite.ts";
import { collectionEncodingDifferences, flag } from "./pools.ts";

const LKEYS = ["l0", "l1", "l2", "l\x00\xff", "{t}l3", "str"];
const ELEMENTS = [
  "a",
  "b",
  "c",
  "a",
  "0",
  "1",
  "-1",
  "127",
  "128",
  "007",
  "-0",
  "9223372036854775807",
  "",
  "\x00\xff\r\n",
];
const INDEXES = [
  "0",
  "1",
  "2",
  "-1",
  "-2",
  "-3",
  "5",
  "-10",
  "100",
  "-100",
  "x",
  "1.5",
  "9223372036854775807",
  "-9223372036854775808",
];
const COUNTS = ["0", "1", "2", "3", "10", "-1", "x", "9223372036854775807"];

function lkey(rng: Rng): string {
  return rng.pick(LKEYS);
}

function element(rng: Rng): string {
  const r = rng.next();
  if (r < 0.85) return rng.pick(ELEMENTS);
  if (r < 0.97) return "x".repeat(rng.int(60, 300));
  return "y".repeat(rng.int(5000, 10000));
}

function elements(rng: Rng, max: number): string[] {
  return Array.from({ length: rng.int(1, max) }, () => element(rng));
}

function side(rng: Rng): string {
  return rng.chance(0.03) ? "UP" : flag(rng, rng.pick(["LEFT", "RIGHT"]));
}

const templates: Template[] = [
  {
    name: "LPUSH/RPUSH",
    needs: ["lpush", "rpush"],
    weight: 5,
    make: (rng) => ({ argv: [rng.pick(["LPUSH", "RPUSH"]), lkey(rng), ...elements(rng, 5)] }),
  },
  {
    name: "bulk RPUSH",
    needs: ["rpush"],
    weight: 0.4,
    make: (rng) => ({
      argv: [
        "RPUSH",
        lkey(rng),
        ...Array.from({ length: rng.int(100, 400) }, () => rng.pick(ELEMENTS)),
      ],
    }),
  },
  {
    name: "LPUSHX/RPUSHX",
    needs: ["lpushx", "rpushx"],
    make: (rng) => ({ argv: [rng.pick(["LPUSHX", "RPUSHX"]), lkey(rng), ...elements(rng, 3)] }),
  },
  {
    name: "LPOP/RPOP",
    needs: ["lpop", "rpop"],
    weight: 3,
    make(rng) {
      const argv = [rng.pick(["LPOP", "RPOP"]), lkey(rng)];
      if (rng.chance(0.5)) argv.push(rng.pick(COUNTS));
      if (rng.chance(0.02)) argv.push("1");
      return { argv };
    },
  },
  { name: "LLEN", needs: ["llen"], make: (rng) => ({ argv: ["LLEN", lkey(rng)] }) },
  {
    name: "LINDEX",
    needs: ["lindex"],
    weight: 2,
    make: (rng) => ({ argv: ["LINDEX", lkey(rng), rng.pick(INDEXES)] }),
  },
  {
    name: "LSET",
    needs: ["lset"],
    weight: 2,
    make: (rng) => ({ argv: ["LSET", lkey(rng), rng.pick(INDEXES), element(rng)] }),
  },
  {
    name: "LRANGE",
    needs: ["lrange"],
    weight: 3,
    make: (rng) => ({ argv: ["LRANGE", lkey(rng), rng.pick(INDEXES), rng.pick(INDEXES)] }),
  },
  {
    name: "LTRIM",
    needs: ["ltrim"],
    make: (rng) => ({ argv: ["LTRIM", lkey(rng), rng.pick(INDEXES), rng.pick(INDEXES)] }),
  },
  {
    name: "LINSERT",
    needs: ["linsert"],
    weight: 2,
    make: (rng) => ({
      argv: [
        "LINSERT",
        lkey(rng),
        rng.chance(0.03) ? "MIDDLE" : flag(rng, rng.pick(["BEFORE", "AFTER"])),
        rng.pick(ELEMENTS),
        element(rng),
      ],
    }),
  },
  {
    name: "LREM",
    needs: ["lrem"],
    weight: 2,
    make: (rng) => ({
      argv: ["LREM", lkey(rng), rng.pick(["0", "1", "2", "-1", "-2", "x"]), rng.pick(ELEMENTS)],
    }),
  },
  {
    name: "LPOS",
    needs: ["lpos"],
    weight: 2,
    make(rng) {
      const argv = ["LPOS", lkey(rng), rng.pick(ELEMENTS)];
      const opts = [["RANK", rng.pick(["1", "2", "-1", "-2", "0", "x"])], [
        "COUNT",
        rng.pick(["0", "1", "2", "-1"]),
      ], [
        "MAXLEN",
        rng.pick(["0", "1", "3", "-1"]),
      ]];
      for (const [name, v] of opts) if (rng.chance(0.4)) argv.push(flag(rng, name), v);
      if (rng.chance(0.03)) argv.push("RANK");
      return { argv };
    },
  },
  {
    name: "LMOVE/RPOPLPUSH",
    needs: ["lmove", "rpoplpush"],
    weight: 2,
    make: (rng) => ({
      argv: rng.chance(0.3)
        ? ["RPOPLPUSH", lkey(rng), lkey(rng)]
        : ["LMOVE", lkey(rng), lkey(rng), side(rng), side(rng)],
    }),
  },
  {
    name: "LMPOP",
    needs: ["lmpop"],
    make(rng) {
      const keys = Array.from({ length: rng.int(1, 3) }, () => lkey(rng));
      const numkeys = rng.chance(0.05) ? rng.pick(["0", "-1", "x", "5"]) : String(keys.length);
      const argv = ["LMPOP", numkeys, ...keys, side(rng)];
      if (rng.chance(0.5)) argv.push(flag(rng, "COUNT"), rng.pick(COUNTS));
      return { argv };
    },
  },
  {
    name: "blocking pops (10ms timeout)",
    needs: ["blpop", "brpop", "blmove", "blmpop", "brpoplpush"],
    make(rng) {
      switch (rng.int(0, 3)) {
        case 0:
          return {
            argv: [
              rng.pick(["BLPOP", "BRPOP"]),
              lkey(rng),
              lkey(rng),
              rng.pick(["0.01", "-1", "x"]),
            ],
          };
        case 1:
          return { argv: ["BLMOVE", lkey(rng), lkey(rng), side(rng), side(rng), "0.01"] };
        case 2:
          return { argv: ["BRPOPLPUSH", lkey(rng), lkey(rng), "0.01"] };
        default:
          return {
            argv: [
              "BLMPOP",
              "0.01",
              "2",
              lkey(rng),
              lkey(rng),
              side(rng),
              "COUNT",
              rng.pick(["1", "3"]),
            ],
          };
      }
    },
  },
  {
    name: "pops in RESP3",
    needs: ["lpop", "hello"],
    weight: 0.5,
    make(rng) {
      const argv = [rng.pick(["LPOP", "RPOP"]), lkey(rng), ...(rng.chance(0.5) ? ["2"] : [])];
      return {
        label: `HELLO 3; ${argv.join(" ")}; HELLO 2`,
        async run(c) {
          await c.send("HELLO", "3");
          const r = await c.send(...argv);
          await c.send("HELLO", "2");
          return r;
        },
      };
    },
  },
  {
    name: "OBJECT ENCODING",
    needs: ["object|encoding"],
    make: (rng) => ({ argv: ["OBJECT", "ENCODING", lkey(rng)] }),
  },
  {
    name: "DEL",
    needs: ["del"],
    support: true,
    weight: 0.4,
    make: (rng) => ({ argv: ["DEL", lkey(rng)] }),
  },
  {
    name: "a string key (WRONGTYPE)",
    needs: ["set"],
    support: true,
    weight: 0.2,
    make: (rng) => ({ argv: ["SET", rng.chance(0.8) ? "str" : lkey(rng), "v"] }),
  },
];

const listsGenerator: Generator = {
  name: "lists",
  keys: LKEYS,
  templates,
  intendedDifferences: [...collectionEncodingDifferences],
};

differentialSuite(listsGenerator);

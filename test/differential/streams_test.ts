/**
 * Differential test of the stream commands: seeded random sequences against the reference
 * redis-server and Modis (Bun and Deno), every reply compared.
 *
 * IDs are always explicit (`ms-seq` or `ms-*`, small numbers so collisions and ordering
 * errors are frequent), so both servers store identical streams. Covered: XADD with
 * NOMKSTREAM and MAXLEN/MINID trimming (`=`, `~`, LIMIT) under a small node size (so
 * approximate trims, which depend on node boundaries, really cut), XRANGE/XREVRANGE with
 * inclusive/exclusive/partial bounds and COUNT, XDEL, XTRIM, XSETID, XLEN, non-blocking
 * XREAD, consumer groups (XGROUP subcommands, XREADGROUP new and history reads with NOACK,
 * XACK, XPENDING summary and extended, XCLAIM / XAUTOCLAIM with JUSTID), XINFO STREAM /
 * GROUPS / CONSUMERS and WRONGTYPE against a string key. Replies carrying wall-clock times
 * (idle times, delivery times) are compared with those columns removed; `radix-tree-nodes`
 * (an internal of Redis's radix tree) is removed from XINFO STREAM. XCLAIM/XAUTOCLAIM claim
 * for a dedicated consumer whose existence is not compared (see CLAIMER).
 *
 * Knobs: DIFF_SEED=n, DIFF_STEPS=n (default 300), as in differential_test.ts.
 */

import { type RespClient } from "../helpers/mod.ts";
import { exact, type Generator, type Rng, type Template } from "./framework.ts";
import { differentialSuite } from "./suite.ts";

const SKEYS = ["x0", "x1", "x\x00\xff", "str"];
const GROUPS = ["g1", "g2"];
const CONSUMERS = ["alice", "bob", "c\x00"];
const FIELDS = ["f", "g", "", "long-field-name", "1"];

const skey = (rng: Rng) => rng.pick(SKEYS);
const group = (rng: Rng) => rng.pick(GROUPS);
const consumer = (rng: Rng) => rng.pick(CONSUMERS);
/**
 * XCLAIM / XAUTOCLAIM claim for this consumer only: 7.4 creates a missing consumer even when
 * nothing gets claimed, 7.0 only on a claim, so its existence is kept out of comparisons.
 */
const CLAIMER = "claimer";
const withoutClaimer = (r: unknown) =>
  Array.isArray(r)
    ? r.filter((c) => !(Array.isArray(c) && c[1] === CLAIMER)).map((c) =>
      dropFields(c, ["idle", "inactive"])
    )
    : r;

/** A stream ID argument: mostly valid small IDs, sometimes partial or malformed. */
function id(rng: Rng): string {
  const r = rng.next();
  if (r < 0.75) return `${rng.int(0, 60)}-${rng.int(0, 3)}`;
  if (r < 0.9) return String(rng.int(0, 60));
  return rng.pick([
    "18446744073709551615-18446744073709551615",
    "abc",
    "1-",
    "-1",
    "0-0",
    "5-18446744073709551615",
  ]);
}

/** A range bound: IDs, `-`/`+`, exclusive `(id`. */
function bound(rng: Rng): string {
  const r = rng.next();
  if (r < 0.2) return rng.pick(["-", "+"]);
  if (r < 0.4) return `(${id(rng)}`;
  return id(rng);
}

function xaddId(rng: Rng): string {
  return rng.chance(0.25) ? `${rng.int(0, 60)}-*` : id(rng);
}

function fieldValues(rng: Rng): string[] {
  const out: string[] = [];
  const same = rng.chance(0.6);
  for (let n = same ? 1 : rng.int(1, 3), i = 0; i < n; i++) {
    out.push(
      same ? "f" : rng.pick(FIELDS),
      rng.pick(["v", "1", "-7", "", "x".repeat(rng.int(0, 200))]),
    );
  }
  return out;
}

function trimArgs(rng: Rng): string[] {
  const op = rng.pick(["", "=", "~"]);
  const out = rng.chance(0.5) ? ["MAXLEN", op, String(rng.int(0, 30))] : ["MINID", op, id(rng)];
  if (op === "~" && rng.chance(0.3)) out.push("LIMIT", String(rng.int(0, 20)));
  return out.filter((a) => a !== "");
}

/** Drop elements of every entry-like row (arrays) at the given column indexes. */
function dropColumns(r: unknown, cols: number[]): unknown {
  if (!Array.isArray(r)) return r;
  return r.map((row) => (Array.isArray(row) ? row.filter((_, i) => !cols.includes(i)) : row));
}

/** Drop named fields (and their values) from a flat map reply (RESP2). */
function dropFields(r: unknown, names: string[]): unknown {
  if (!Array.isArray(r)) return r;
  const out: unknown[] = [];
  for (let i = 0; i < r.length; i += 2) {
    if (!names.includes(r[i] as string)) out.push(r[i], r[i + 1]);
  }
  return out;
}

const compareWith = (f: (r: unknown) => unknown) => (a: unknown, b: unknown) => exact(f(a), f(b));

const templates: Template[] = [
  {
    name: "XADD",
    needs: ["xadd"],
    weight: 8,
    make(rng) {
      const argv = ["XADD", skey(rng)];
      if (rng.chance(0.1)) argv.push("NOMKSTREAM");
      if (rng.chance(0.25)) argv.push(...trimArgs(rng));
      argv.push(xaddId(rng), ...fieldValues(rng));
      if (rng.chance(0.03)) argv.pop();
      return { argv };
    },
  },
  {
    name: "XRANGE / XREVRANGE",
    needs: ["xrange", "xrevrange"],
    weight: 4,
    make(rng) {
      const argv = [rng.pick(["XRANGE", "XREVRANGE"]), skey(rng), bound(rng), bound(rng)];
      if (rng.chance(0.4)) argv.push("COUNT", String(rng.int(-1, 5)));
      return { argv };
    },
  },
  {
    name: "XLEN / XDEL",
    needs: ["xlen", "xdel"],
    weight: 3,
    make: (rng) => ({
      argv: rng.chance(0.4)
        ? ["XLEN", skey(rng)]
        : ["XDEL", skey(rng), id(rng), ...(rng.chance(0.3) ? [id(rng)] : [])],
    }),
  },
  {
    name: "XTRIM",
    needs: ["xtrim"],
    weight: 2,
    make: (rng) => ({ argv: ["XTRIM", skey(rng), ...trimArgs(rng)] }),
  },
  {
    name: "XSETID",
    needs: ["xsetid"],
    weight: 0.5,
    make(rng) {
      // Above every ID XADD uses: 7.0 lacks 7.2's max-deleted-ID check, and a divergence
      // there would cascade through the rest of the sequence (its errors are unit-tested).
      const argv = ["XSETID", skey(rng), `${rng.int(61, 70)}-${rng.int(0, 3)}`];
      if (rng.chance(0.3)) argv.push("ENTRIESADDED", String(rng.int(0, 80)));
      if (rng.chance(0.3)) argv.push("MAXDELETEDID", id(rng));
      return { argv };
    },
  },
  {
    name: "XREAD (non-blocking)",
    needs: ["xread"],
    weight: 2,
    make(rng) {
      const argv = ["XREAD"];
      if (rng.chance(0.4)) argv.push("COUNT", String(rng.int(0, 4)));
      const keys = rng.chance(0.3) ? ["x0", "x1"] : [skey(rng)];
      argv.push("STREAMS", ...keys, ...keys.map(() => (rng.chance(0.2) ? "$" : id(rng))));
      return { argv };
    },
  },
  {
    name: "XGROUP CREATE / SETID / DESTROY",
    needs: ["xgroup|create", "xgroup|setid", "xgroup|destroy"],
    weight: 3,
    make(rng) {
      const sub = rng.pick(["CREATE", "CREATE", "SETID", "DESTROY"]);
      const argv = ["XGROUP", sub, skey(rng), group(rng)];
      if (sub !== "DESTROY") argv.push(rng.chance(0.3) ? "$" : id(rng));
      if (sub === "CREATE" && rng.chance(0.5)) argv.push("MKSTREAM");
      if (sub !== "DESTROY" && rng.chance(0.2)) argv.push("ENTRIESREAD", String(rng.int(-2, 10)));
      return { argv };
    },
  },
  {
    name: "XGROUP CREATECONSUMER / DELCONSUMER",
    needs: ["xgroup|createconsumer", "xgroup|delconsumer"],
    make: (rng) => ({
      argv: [
        "XGROUP",
        rng.pick(["CREATECONSUMER", "DELCONSUMER"]),
        skey(rng),
        group(rng),
        consumer(rng),
      ],
    }),
  },
  {
    name: "XREADGROUP (new and history)",
    needs: ["xreadgroup"],
    weight: 4,
    make(rng) {
      const argv = ["XREADGROUP", "GROUP", group(rng), consumer(rng)];
      if (rng.chance(0.5)) argv.push("COUNT", String(rng.int(0, 4)));
      if (rng.chance(0.15)) argv.push("NOACK");
      argv.push("STREAMS", skey(rng), rng.chance(0.7) ? ">" : id(rng));
      return { argv };
    },
  },
  {
    name: "XACK",
    needs: ["xack"],
    weight: 2,
    make: (rng) => ({
      argv: ["XACK", skey(rng), group(rng), id(rng), ...(rng.chance(0.3) ? [id(rng)] : [])],
    }),
  },
  {
    name: "XPENDING summary",
    needs: ["xpending"],
    weight: 2,
    make: (rng) => ({ argv: ["XPENDING", skey(rng), group(rng)] }),
  },
  {
    name: "XPENDING extended (idle column dropped)",
    needs: ["xpending"],
    weight: 2,
    make(rng) {
      const argv = [
        "XPENDING",
        skey(rng),
        group(rng),
        bound(rng),
        bound(rng),
        String(rng.int(-1, 5)),
      ];
      if (rng.chance(0.3)) argv.push(consumer(rng));
      return { argv, compare: compareWith((r) => dropColumns(r, [2])) };
    },
  },
  {
    name: "XCLAIM JUSTID",
    needs: ["xclaim"],
    weight: 2,
    make(rng) {
      const argv = ["XCLAIM", skey(rng), group(rng), CLAIMER, "0", id(rng), id(rng), "JUSTID"];
      if (rng.chance(0.2)) argv.push("FORCE");
      if (rng.chance(0.2)) argv.push("LASTID", id(rng));
      if (rng.chance(0.1)) argv.push("RETRYCOUNT", String(rng.int(0, 5)));
      return { argv };
    },
  },
  {
    name: "XAUTOCLAIM",
    needs: ["xautoclaim"],
    weight: 2,
    make(rng) {
      const argv = ["XAUTOCLAIM", skey(rng), group(rng), CLAIMER, "0", bound(rng)];
      if (rng.chance(0.5)) argv.push("COUNT", String(rng.int(0, 4)));
      if (rng.chance(0.5)) argv.push("JUSTID");
      return { argv };
    },
  },
  {
    name: "XINFO STREAM (radix-tree-nodes dropped)",
    needs: ["xinfo|stream"],
    weight: 2,
    make: (rng) => ({
      argv: ["XINFO", "STREAM", skey(rng)],
      compare: compareWith((r) => dropFields(r, ["radix-tree-nodes"])),
    }),
  },
  {
    name: "XINFO GROUPS / CONSUMERS (times and consumer counts dropped)",
    needs: ["xinfo|groups", "xinfo|consumers"],
    weight: 2,
    make(rng) {
      if (rng.chance(0.5)) {
        return {
          argv: ["XINFO", "GROUPS", skey(rng)],
          compare: compareWith((
            r,
          ) => (Array.isArray(r) ? r.map((g) => dropFields(g, ["consumers"])) : r)),
        };
      }
      return {
        argv: ["XINFO", "CONSUMERS", skey(rng), group(rng)],
        compare: compareWith(withoutClaimer),
      };
    },
  },
  {
    name: "TYPE / EXISTS",
    needs: ["type", "exists"],
    weight: 0.5,
    make: (rng) => ({ argv: [rng.pick(["TYPE", "EXISTS"]), skey(rng)] }),
  },
  {
    name: "DEL",
    needs: ["del"],
    support: true,
    weight: 0.3,
    make: (rng) => ({ argv: ["DEL", skey(rng)] }),
  },
  {
    name: "a string key (WRONGTYPE)",
    needs: ["set"],
    support: true,
    weight: 0.1,
    make: () => ({ argv: ["SET", "str", "v"] }),
  },
];

/**
 * Whether `got` (an XINFO CONSUMERS reply) is `ref` plus consumers with nothing pending: 7.2+
 * creates the consumer of an XREADGROUP that finds nothing to read, 7.0 does not.
 */
function refPlusIdleConsumers(ref: unknown, got: unknown): boolean {
  if (!Array.isArray(ref) || !Array.isArray(got)) return false;
  const norm = (r: unknown[]) => r.map((c) => JSON.stringify(dropFields(c, ["idle", "inactive"])));
  const refRows = new Set(norm(ref));
  return norm(got).every((row, i) => refRows.has(row) || (got[i] as unknown[])[3] === 0) &&
    [...refRows].every((row) => norm(got).includes(row));
}

/** Where redis-server 7.0 (the reference) and Redis 7.4 legitimately differ. */
const streamsGenerator: Generator = {
  name: "streams",
  keys: SKEYS,
  templates,
  intendedDifferences: [
    {
      name: "XADD ms-* after ms-18446744073709551615",
      reason:
        "7.0 answers 'Elements are too large to be stored' (a bug fixed in 7.2); 7.4 the ID ordering error",
      applies: (_s, ref, got) =>
        JSON.stringify(ref) ===
          JSON.stringify({ error: "ERR Elements are too large to be stored" }) &&
        JSON.stringify(got) ===
          JSON.stringify({
            error:
              "ERR The ID specified in XADD is equal or smaller than the target stream top item",
          }),
    },
    {
      name: "consumer created by an XREADGROUP that read nothing",
      reason:
        "7.2+ creates the consumer even when there is nothing to serve (it may block); 7.0 only when serving",
      applies: (step, ref, got) =>
        "argv" in step && step.argv[0] === "XGROUP"
          ? step.argv[1] === "CREATECONSUMER" && ref === 1 && got === 0
          : "argv" in step && step.argv[1] === "CONSUMERS" && refPlusIdleConsumers(ref, got),
    },
    {
      name: "XSETID below the max deleted ID",
      reason: "7.0 accepts an XSETID ID smaller than max-deleted-entry-id; 7.2+ refuses it",
      applies: (step, ref, got) =>
        "argv" in step && step.argv[0] === "XSETID" &&
        JSON.stringify(ref) === JSON.stringify({ simple: "OK" }) &&
        JSON.stringify(got).includes("smaller than current max_deleted_entry_id"),
    },
  ],
};

/** Small nodes on both sides, so approximate trims cut at node boundaries in short runs. */
async function configure(c: RespClient): Promise<void> {
  await c.send("CONFIG", "SET", "stream-node-max-entries", "4");
}

differentialSuite(streamsGenerator, { configure });

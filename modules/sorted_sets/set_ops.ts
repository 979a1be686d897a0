/**
 * Set algebra over sorted sets: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD,
 * all through one core (`zsetOp`) like Redis's zunionInterDiffGenericCommand, with its
 * argument order and errors: numkeys, the input keys (WRONGTYPE is reported before any
 * option error), then WEIGHTS / AGGREGATE / WITHSCORES / LIMIT.
 *
 * Inputs may be sorted sets or plain sets; a plain set's members count with score 1. Plain
 * sets come from the sets module, read through its public value shape (`size`, `has`,
 * `toArray`) and identified by their type name, so this module does not depend on it.
 *
 * Scores: weight × score, where a NaN product (0 × inf) counts as 0; SUM turns a NaN sum
 * (inf + -inf) into 0; MIN and MAX compare. Union accumulates into a Map (first-seen order),
 * intersection walks the smallest input and probes the others, difference keeps the first
 * input's members found in no other. The result is sorted once (O(M log M)) and built in
 * the encoding its size calls for.
 */

import type { CommandContext, CommandSpec, Value } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR, WRONGTYPE } from "../../core/errors.ts";
import { typeOf } from "../../core/keyspace.ts";
import { parseInteger } from "../../core/numbers.ts";
import { atLeastArg, numKeys, oneKey, pair, zcommand } from "./common.ts";
import { parseScore } from "./ranges.ts";
import { storeResult } from "./range_commands.ts";
import { limitsOf, ZSet } from "./zset.ts";

type Op = "union" | "inter" | "diff";
type Aggregate = (acc: number, v: number) => number;

const AGGREGATES: Record<string, Aggregate> = {
  sum: (acc, v) => {
    const s = acc + v;
    return Number.isNaN(s) ? 0 : s;
  },
  min: (acc, v) => (v < acc ? v : acc),
  max: (acc, v) => (v > acc ? v : acc),
};

/** The public shape of a plain set value (modules/sets). */
interface PlainSet {
  readonly size: number;
  has(member: string): boolean;
  toArray(): string[];
}

/** One input: its size, a score probe and an ordered walk. */
interface Input {
  size: number;
  weight: number;
  scoreOf(member: string): number | undefined;
  each(visit: (member: string, score: number) => void): void;
}

const EMPTY: Input = { size: 0, weight: 1, scoreOf: () => undefined, each: () => {} };

function inputOf(value: Value | undefined): Input {
  if (value === undefined) return { ...EMPTY };
  if (value instanceof ZSet) {
    return {
      size: value.size,
      weight: 1,
      scoreOf: (m) => value.score(m),
      each: (visit) => value.walk(0, false, (m, s) => (visit(m, s), true)),
    };
  }
  if (typeOf(value).name !== "set") throw new ReplyError(WRONGTYPE);
  const set = value as unknown as PlainSet;
  return {
    size: set.size,
    weight: 1,
    scoreOf: (m) => (set.has(m) ? 1 : undefined),
    each: (visit) => {
      for (const m of set.toArray()) visit(m, 1);
    },
  };
}

/** Weighted score; a NaN product (0 * inf) counts as 0, as in Redis. */
function weighted(score: number, weight: number): number {
  const v = score * weight;
  return Number.isNaN(v) ? 0 : v;
}

/** Compute the operation into a member → score map (insertion order is irrelevant). */
function compute(op: Op, inputs: Input[], aggregate: Aggregate, limit = 0): Map<string, number> {
  const out = new Map<string, number>();
  if (op === "union") {
    for (const src of inputs) {
      src.each((m, s) => {
        const v = weighted(s, src.weight);
        const acc = out.get(m);
        out.set(m, acc === undefined ? v : aggregate(acc, v));
      });
    }
  } else if (op === "inter") {
    const [first, ...others] = inputs;
    if (first.size === 0) return out;
    let stop = false;
    first.each((m, s) => {
      if (stop) return;
      let acc = weighted(s, first.weight);
      for (const src of others) {
        const found = src.scoreOf(m);
        if (found === undefined) return;
        // Unlike union, Redis leaves these products unchecked: a NaN is dropped by MIN/MAX
        // and zeroed by SUM.
        acc = aggregate(acc, found * src.weight);
      }
      out.set(m, acc);
      if (limit > 0 && out.size >= limit) stop = true;
    });
  } else {
    const [first, ...others] = inputs;
    first.each((m, s) => {
      if (!others.some((src) => src.size > 0 && src.scoreOf(m) !== undefined)) out.set(m, s);
    });
  }
  return out;
}

/** The map as a sorted set in (score, member) order. */
function toZSet(ctx: CommandContext, map: Map<string, number>): ZSet {
  const pairs = [...map];
  pairs.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ZSet.fromSorted(pairs.map((p) => p[0]), pairs.map((p) => p[1]), limitsOf(ctx.server));
}

/** The shared core of ZUNION/ZINTER/ZDIFF (+STORE) and ZINTERCARD. */
function zsetOp(
  ctx: CommandContext,
  argv: string[],
  op: Op,
  mode: "reply" | "store" | "card",
): void {
  const at = mode === "store" ? 2 : 1;
  const n = parseInteger(argv[at]);
  if (n === null) throw new ReplyError(NOT_INTEGER);
  if (n < 1) {
    throw new ReplyError(
      `ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`,
    );
  }
  if (n > argv.length - at - 1) throw new ReplyError(SYNTAX_ERR);
  const inputs: Input[] = [];
  for (let i = 0; i < n; i++) inputs.push(inputOf(ctx.db.lookup(argv[at + 1 + i])));

  let aggregate = AGGREGATES.sum;
  let withScores = false;
  let limit = 0;
  const algebra = op !== "diff" && mode !== "card";
  for (let j = at + 1 + n; j < argv.length;) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j;
    if (algebra && opt === "weights" && left >= n + 1) {
      for (let i = 0; i < n; i++) {
        const w = parseScore(argv[j + 1 + i]);
        if (w === null) throw new ReplyError("ERR weight value is not a float");
        inputs[i].weight = w;
      }
      j += n + 1;
    } else if (algebra && opt === "aggregate" && left >= 2) {
      const fn = AGGREGATES[argv[j + 1].toLowerCase()];
      if (fn === undefined) throw new ReplyError(SYNTAX_ERR);
      aggregate = fn;
      j += 2;
    } else if (mode === "reply" && opt === "withscores") {
      withScores = true;
      j++;
    } else if (mode === "card" && opt === "limit" && left >= 2) {
      limit = atLeastArg(argv[j + 1], 0, "ERR LIMIT can't be negative");
      j += 2;
    } else throw new ReplyError(SYNTAX_ERR);
  }
  // Smallest first (stable): intersections probe fewer members, unions size their map early.
  if (op !== "diff") inputs.sort((a, b) => a.size - b.size);

  const map = compute(op, inputs, aggregate, limit);
  if (mode === "card") return ctx.reply.int(map.size);
  const result = toZSet(ctx, map);
  if (mode === "store") return storeResult(ctx, argv[1], result, `z${op}store`);
  const r = ctx.reply;
  r.array(withScores && r.resp === 2 ? result.size * 2 : result.size);
  result.walk(0, false, (m, s) => {
    if (withScores) pair(r, m, s);
    else r.bulk(m);
    return true;
  });
}

const RO_KEYS = [numKeys(1, "RO", "access")];
const STORE_KEYS = [oneKey(1, "OW", "update"), numKeys(2, "RO", "access")];
const NUMKEYS = { name: "numkeys", type: "integer" as const };
const INPUT_KEYS = (index: number) => ({
  name: "key",
  type: "key" as const,
  keySpecIndex: index,
  multiple: true,
});
const WEIGHTS_AGGREGATE = [
  { name: "weight", type: "integer" as const, token: "WEIGHTS", optional: true, multiple: true },
  {
    name: "aggregate",
    type: "oneof" as const,
    token: "AGGREGATE",
    optional: true,
    arguments: ["sum", "min", "max"].map((a) => ({
      name: a,
      type: "pure-token" as const,
      token: a.toUpperCase(),
    })),
  },
];
const WITHSCORES = {
  name: "withscores",
  type: "pure-token" as const,
  token: "WITHSCORES",
  optional: true,
};

const COMPLEXITY: Record<Op, string> = {
  union:
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
  inter:
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
  diff:
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
};
const SUMMARY: Record<Op, string> = {
  union: "the union of several sorted sets",
  inter: "the intersection of several sorted sets",
  diff: "the members of the first sorted set missing from the others",
};

function replySpec(op: Op): CommandSpec {
  return zcommand({
    name: "z" + op,
    summary: `Returns ${SUMMARY[op]}.`,
    since: "6.2.0",
    complexity: COMPLEXITY[op],
    arity: -3,
    flags: ["readonly"],
    keys: RO_KEYS,
    arguments: [NUMKEYS, INPUT_KEYS(0), ...(op === "diff" ? [] : WEIGHTS_AGGREGATE), WITHSCORES],
    handler: (ctx, argv) => zsetOp(ctx, argv, op, "reply"),
  });
}

function storeSpec(op: Op): CommandSpec {
  return zcommand({
    name: `z${op}store`,
    summary: `Stores ${SUMMARY[op]} in a key.`,
    since: op === "diff" ? "6.2.0" : "2.0.0",
    complexity: op === "union" ? COMPLEXITY.union.replace("M*log(M)", "M log(M)") : COMPLEXITY[op],
    arity: -4,
    flags: ["write", "denyoom"],
    keys: STORE_KEYS,
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      NUMKEYS,
      INPUT_KEYS(1),
      ...(op === "diff" ? [] : WEIGHTS_AGGREGATE),
    ],
    handler: (ctx, argv) => zsetOp(ctx, argv, op, "store"),
  });
}

/**
 * ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZINTERCARD.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sorted_sets", commands: [...setOpCommands] };
 * ```
 */
export const setOpCommands: CommandSpec[] = [
  replySpec("union"),
  replySpec("inter"),
  replySpec("diff"),
  storeSpec("union"),
  storeSpec("inter"),
  storeSpec("diff"),
  zcommand({
    name: "zintercard",
    summary: "Counts the members of the intersection of several sorted sets.",
    since: "7.0.0",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    arity: -3,
    flags: ["readonly"],
    keys: RO_KEYS,
    arguments: [NUMKEYS, INPUT_KEYS(0), {
      name: "limit",
      type: "integer",
      token: "LIMIT",
      optional: true,
    }],
    handler: (ctx, argv) => zsetOp(ctx, argv, "inter", "card"),
  }),
];

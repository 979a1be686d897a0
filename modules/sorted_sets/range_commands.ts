/**
 * Range reads: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE and
 * the older spellings ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
 * ZREVRANGEBYLEX. All seven run through one core, `zrangeGeneric`, which — like Redis —
 * takes a fixed range type and direction for the old spellings and reads them from the
 * options for ZRANGE/ZRANGESTORE.
 *
 * Every range becomes a start rank and a count before anything is written: rank ranges
 * directly, score and lex ranges through two O(log N) rank counts (ranges.ts), LIMIT by
 * clipping. So the reply header is exact up front and the walk needs no comparisons.
 *
 * ZRANGESTORE builds its result from the walked pairs (sorted, so the destination is built
 * in one pass in the encoding its size calls for), replaces the destination (dropping its
 * TTL) and sends `zrangestore`; an empty result deletes the destination (`del`).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { intArg, KEY_ARG, oneKey, replyWalk, zcommand } from "./common.ts";
import { lexSpan, limitSpan, parseLexRange, parseScoreRange, scoreSpan } from "./ranges.ts";
import { limitsOf, ZSet, zsetType } from "./zset.ts";

type Kind = "auto" | "rank" | "score" | "lex";

/** The shared core of every range command. */
function zrangeGeneric(
  ctx: CommandContext,
  argv: string[],
  opts: { at: number; store: boolean; kind: Kind; reverse: boolean | null },
): void {
  const { at, store } = opts;
  let kind = opts.kind;
  let reverse = opts.reverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (!store && opt === "withscores") withScores = true;
    else if (opt === "limit" && argv.length - j - 1 >= 2) {
      offset = intArg(argv[j + 1]);
      limit = intArg(argv[j + 2]);
      j += 2;
    } else if (reverse === null && opt === "rev") reverse = true;
    else if (kind === "auto" && opt === "bylex") kind = "lex";
    else if (kind === "auto" && opt === "byscore") kind = "score";
    else throw new ReplyError(SYNTAX_ERR);
  }
  reverse ??= false;
  if (kind === "auto") kind = "rank";
  if (limit !== -1 && kind === "rank") {
    throw new ReplyError(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && kind === "lex") {
    throw new ReplyError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // Score and lex ranges are written max-first when reversed.
  const [a, b] = reverse && kind !== "rank"
    ? [argv[at + 2], argv[at + 1]]
    : [argv[at + 1], argv[at + 2]];
  let span: (z: ZSet) => [number, number];
  if (kind === "rank") {
    const start = intArg(a);
    const end = intArg(b);
    span = (z) => rankSpan(z.size, start, end, reverse!);
  } else {
    const lohi = kind === "score"
      ? ((r) => (z: ZSet) => scoreSpan(z, r))(parseScoreRange(a, b))
      : ((r) => (z: ZSet) => lexSpan(z, r[0], r[1]))(parseLexRange(a, b));
    span = (z) => {
      const [lo, hi] = lohi(z);
      return limitSpan(lo, hi, { reverse: reverse!, offset, count: limit, big: !z.isSmall });
    };
  }

  const z = ctx.db.lookupRead(argv[at], zsetType);
  const [start, count] = z === undefined ? [0, 0] : span(z);
  if (!store) return replyWalk(ctx.reply, z ?? new ZSet(), { start, count, reverse, withScores });

  const members: string[] = [];
  const scores: number[] = [];
  if (count > 0) {
    z!.walk(start, reverse, (m, s) => {
      members.push(m);
      scores.push(s);
      return members.length < count;
    });
  }
  if (reverse) {
    members.reverse();
    scores.reverse();
  }
  storeResult(ctx, argv[1], ZSet.fromSorted(members, scores, limitsOf(ctx.server)), "zrangestore");
}

/** Redis's rank clipping: negative indexes from the end, empty when start > end. */
function rankSpan(size: number, start: number, end: number, reverse: boolean): [number, number] {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return [0, 0];
  if (end >= size) end = size - 1;
  return [reverse ? size - 1 - start : start, end - start + 1];
}

/**
 * Replace `dst` with a computed set and reply with its size; an empty result deletes `dst`
 * instead (with `del` if it existed).
 *
 * @example
 * ```ts
 * storeResult(ctx, argv[1], result, "zunionstore");
 * ```
 */
export function storeResult(ctx: CommandContext, dst: string, result: ZSet, event: string): void {
  if (result.size > 0) {
    ctx.db.setKey(dst, result);
    ctx.db.notify("z", event, dst);
    return ctx.reply.int(result.size);
  }
  if (ctx.db.remove(dst)) {
    ctx.db.modified(dst);
    ctx.db.notify("g", "del", dst);
  }
  ctx.reply.int(0);
}

const RO = [oneKey(1, "RO", "access")];
const LIMIT_ARG = {
  name: "limit",
  type: "block" as const,
  token: "LIMIT",
  optional: true,
  arguments: [{ name: "offset", type: "integer" as const }, {
    name: "count",
    type: "integer" as const,
  }],
};
const WITHSCORES_ARG = {
  name: "withscores",
  type: "pure-token" as const,
  token: "WITHSCORES",
  optional: true,
};
const SORTBY_ARG = {
  name: "sortby",
  type: "oneof" as const,
  optional: true,
  since: "6.2.0",
  arguments: [
    { name: "byscore", type: "pure-token" as const, token: "BYSCORE" },
    { name: "bylex", type: "pure-token" as const, token: "BYLEX" },
  ],
};
const REV_ARG = {
  name: "rev",
  type: "pure-token" as const,
  token: "REV",
  optional: true,
  since: "6.2.0",
};
const LOG_M =
  "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";

/** A deprecated fixed-kind spelling (ZRANGEBYSCORE and friends). */
function legacy(
  name: string,
  kind: Kind,
  reverse: boolean,
  meta: {
    since: string;
    summary: string;
    replacedBy: string;
    bounds: [string, string];
    history?: [string, string][];
  },
): CommandSpec {
  const boundType = kind === "score"
    ? "double" as const
    : kind === "rank"
    ? "integer" as const
    : "string" as const;
  return zcommand({
    name,
    summary: meta.summary,
    since: meta.since,
    complexity: kind === "rank"
      ? "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned."
      : LOG_M,
    arity: -4,
    flags: ["readonly"],
    keys: RO,
    arguments: [
      KEY_ARG,
      ...meta.bounds.map((n) => ({ name: n, type: boundType })),
      ...(kind === "lex" ? [] : [WITHSCORES_ARG]),
      ...(kind === "rank" ? [] : [LIMIT_ARG]),
    ],
    history: meta.history,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: meta.replacedBy,
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, { at: 1, store: false, kind, reverse }),
  });
}

/**
 * ZRANGE, ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sorted_sets", commands: [...rangeCommands] };
 * ```
 */
export const rangeCommands: CommandSpec[] = [
  zcommand({
    name: "zrange",
    summary: "Returns members within a range of ranks, scores or lexicographical order.",
    since: "1.2.0",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    arity: -4,
    flags: ["readonly"],
    keys: RO,
    arguments: [
      KEY_ARG,
      { name: "start", type: "string" },
      { name: "stop", type: "string" },
      SORTBY_ARG,
      REV_ARG,
      { ...LIMIT_ARG, since: "6.2.0" },
      WITHSCORES_ARG,
    ],
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    handler: (ctx, argv) =>
      zrangeGeneric(ctx, argv, { at: 1, store: false, kind: "auto", reverse: null }),
  }),
  zcommand({
    name: "zrangestore",
    summary: "Stores a range of members of a sorted set in another key.",
    since: "6.2.0",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    arity: -5,
    flags: ["write", "denyoom"],
    keys: [oneKey(1, "OW", "update"), oneKey(2, "RO", "access")],
    arguments: [
      { name: "dst", type: "key", keySpecIndex: 0 },
      { name: "src", type: "key", keySpecIndex: 1 },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
      SORTBY_ARG,
      REV_ARG,
      LIMIT_ARG,
    ],
    handler: (ctx, argv) =>
      zrangeGeneric(ctx, argv, { at: 2, store: true, kind: "auto", reverse: null }),
  }),
  legacy("zrevrange", "rank", true, {
    since: "1.2.0",
    summary: "Returns members within a range of ranks, highest score first.",
    replacedBy: "`ZRANGE` with the `REV` argument",
    bounds: ["start", "stop"],
  }),
  legacy("zrangebyscore", "score", false, {
    since: "1.0.5",
    summary: "Returns members within a range of scores.",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    bounds: ["min", "max"],
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
  }),
  legacy("zrevrangebyscore", "score", true, {
    since: "2.2.0",
    summary: "Returns members within a range of scores, highest first.",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    bounds: ["max", "min"],
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
  }),
  legacy("zrangebylex", "lex", false, {
    since: "2.8.9",
    summary: "Returns members within a lexicographical range.",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    bounds: ["min", "max"],
  }),
  legacy("zrevrangebylex", "lex", true, {
    since: "2.8.9",
    summary: "Returns members within a lexicographical range, in reverse order.",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    bounds: ["max", "min"],
  }),
];

/**
 * Reads that answer about members and counts: ZCARD, ZSCORE, ZMSCORE, ZRANK/ZREVRANK
 * (WITHSCORE), ZCOUNT, ZLEXCOUNT, ZRANDMEMBER and ZSCAN.
 *
 * ZCOUNT and ZLEXCOUNT are two rank counts (O(log N)), not walks. ZRANDMEMBER picks ranks
 * uniformly, which on the big encoding is an O(log N) descent per pick and perfectly fair
 * (Redis samples its dict). With a positive count it returns distinct members: the whole set
 * when the count covers it, else a partial Fisher-Yates shuffle of the ranks when the count
 * is a large share of the set, or rejection sampling when it is small, so neither case
 * degrades. ZSCAN returns a small set whole with cursor 0, and walks the member index Dict
 * of a big set with Redis's reverse-binary cursor.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR, wrongArity } from "../../core/errors.ts";
import { formatDouble, INT64_MIN, parseInt64, parseInteger } from "../../core/numbers.ts";
import { globMatch } from "../../core/glob.ts";
import { parseScanCursor } from "../keys/scan_keys.ts";
import { KEY_ARG, oneKey, pair, zcommand } from "./common.ts";
import { formatScore17, lexSpan, parseLexRange, parseScoreRange, scoreSpan } from "./ranges.ts";
import { type ZSet, zsetType } from "./zset.ts";

const RO = [oneKey(1, "RO", "access")];

/** ZRANK / ZREVRANK key member [WITHSCORE]. */
function zrank(ctx: CommandContext, argv: string[], reverse: boolean): void {
  if (argv.length > 4) throw new ReplyError(wrongArity(reverse ? "zrevrank" : "zrank"));
  const withScore = argv.length === 4;
  if (withScore && argv[3].toLowerCase() !== "withscore") throw new ReplyError(SYNTAX_ERR);
  const z = ctx.db.lookupRead(argv[1], zsetType);
  const rank = z === undefined ? -1 : z.rank(argv[2]);
  if (rank < 0) return withScore ? ctx.reply.nullArray() : ctx.reply.null();
  const r = z!.size;
  if (withScore) ctx.reply.array(2);
  ctx.reply.int(reverse ? r - 1 - rank : rank);
  if (withScore) ctx.reply.double(z!.score(argv[2])!);
}

/** Distinct random ranks of a set of `size`, `count` < size of them. */
function distinctRanks(size: number, count: number): number[] {
  if (count * 3 > size) {
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, count);
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(Math.random() * size));
  return [...picked];
}

/** ZRANDMEMBER key [count [WITHSCORES]]. */
function zrandmember(ctx: CommandContext, argv: string[]): void {
  const r = ctx.reply;
  if (argv.length === 2) {
    const z = ctx.db.lookupRead(argv[1], zsetType);
    if (z === undefined) return r.null();
    return r.bulk(z.memberAt(Math.floor(Math.random() * z.size)));
  }
  const n = parseInt64(argv[2]);
  if (n === null) throw new ReplyError(NOT_INTEGER);
  if (n === INT64_MIN) {
    throw new ReplyError(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== "withscores")) {
    throw new ReplyError(SYNTAX_ERR);
  }
  const withScores = argv.length === 4;
  const half = 4611686018427387903n;
  if (withScores && (n < -half || n > half)) throw new ReplyError("ERR value is out of range");
  const z = ctx.db.lookupRead(argv[1], zsetType);
  if (z === undefined || n === 0n) return r.array(0);
  const size = z.size;
  const emit = (rank: number) => {
    if (withScores) pair(r, z.memberAt(rank), z.scoreAt(rank));
    else r.bulk(z.memberAt(rank));
  };
  const unique = n > 0n;
  const count = Number(unique ? n : -n);
  if (!unique || count === 1) {
    r.array(withScores && r.resp === 2 ? count * 2 : count);
    for (let i = 0; i < count; i++) emit(Math.floor(Math.random() * size));
    return;
  }
  const shown = Math.min(count, size);
  r.array(withScores && r.resp === 2 ? shown * 2 : shown);
  if (count >= size) {
    z.walk(0, false, (m, s) => {
      if (withScores) pair(r, m, s);
      else r.bulk(m);
      return true;
    });
    return;
  }
  const ranks = distinctRanks(size, count);
  // A small set answers in set order, like Redis's listpack sampling.
  if (z.isSmall) ranks.sort((a, b) => a - b);
  for (const rank of ranks) emit(rank);
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count]. */
function zscan(ctx: CommandContext, argv: string[]): void {
  let cursor = parseScanCursor(argv[2]);
  const z = ctx.db.lookupRead(argv[1], zsetType);
  const r = ctx.reply;
  if (z === undefined) {
    r.array(2);
    r.bulk("0");
    return r.array(0);
  }
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < argv.length;) {
    const opt = argv[i].toLowerCase();
    const left = argv.length - i;
    if (opt === "count" && left >= 2) {
      const n = parseInteger(argv[i + 1]);
      if (n === null) throw new ReplyError(NOT_INTEGER);
      if (n < 1) throw new ReplyError(SYNTAX_ERR);
      count = n;
      i += 2;
    } else if (opt === "match" && left >= 2) {
      pattern = argv[i + 1] === "*" ? null : argv[i + 1];
      i += 2;
    } else if (opt === "novalues") {
      throw new ReplyError("ERR NOVALUES option can only be used in HSCAN");
    } else throw new ReplyError(SYNTAX_ERR);
  }
  const out: string[] = [];
  if (z.index === null) {
    z.walk(0, false, (m, s) => {
      if (pattern === null || globMatch(pattern, m)) out.push(m, formatDouble(s));
      return true;
    });
    cursor = 0;
  } else {
    let sampled = 0;
    let budget = count * 10;
    const visit = (m: string, s: number) => {
      sampled++;
      if (pattern === null || globMatch(pattern, m)) out.push(m, formatScore17(s));
    };
    do {
      cursor = z.index.scan(cursor, visit);
    } while (cursor !== 0 && budget-- > 0 && sampled < count);
  }
  r.array(2);
  r.bulk(String(cursor));
  r.bulks(out);
}

/** ZCOUNT / ZLEXCOUNT: the size of a rank interval. */
function countIn(ctx: CommandContext, argv: string[], span: (z: ZSet) => [number, number]): void {
  const z = ctx.db.lookupRead(argv[1], zsetType);
  if (z === undefined) return ctx.reply.int(0);
  const [lo, hi] = span(z);
  ctx.reply.int(hi - lo);
}

/**
 * ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANDMEMBER, ZSCAN.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sorted_sets", commands: [...readCommands] };
 * ```
 */
export const readCommands: CommandSpec[] = [
  zcommand({
    name: "zcard",
    summary: "Returns the number of members of a sorted set.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [oneKey(1, "RO")],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      ctx.reply.int(ctx.db.lookupRead(argv[1], zsetType)?.size ?? 0);
    },
  }),
  zcommand({
    name: "zscore",
    summary: "Returns a member's score.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keys: RO,
    arguments: [KEY_ARG, { name: "member", type: "string" }],
    handler(ctx, argv) {
      const score = ctx.db.lookupRead(argv[1], zsetType)?.score(argv[2]);
      if (score === undefined) ctx.reply.null();
      else ctx.reply.double(score);
    },
  }),
  zcommand({
    name: "zmscore",
    summary: "Returns the scores of several members.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of members being requested.",
    arity: -3,
    flags: ["readonly", "fast"],
    keys: RO,
    arguments: [KEY_ARG, { name: "member", type: "string", multiple: true }],
    handler(ctx, argv) {
      const z = ctx.db.lookupRead(argv[1], zsetType);
      ctx.reply.array(argv.length - 2);
      for (let j = 2; j < argv.length; j++) {
        const score = z?.score(argv[j]);
        if (score === undefined) ctx.reply.null();
        else ctx.reply.double(score);
      }
    },
  }),
  ...(["zrank", "zrevrank"] as const).map((name) =>
    zcommand({
      name,
      summary: name === "zrank"
        ? "Returns a member's position counted from the lowest score."
        : "Returns a member's position counted from the highest score.",
      since: "2.0.0",
      complexity: "O(log(N))",
      arity: -3,
      flags: ["readonly", "fast"],
      keys: RO,
      arguments: [
        KEY_ARG,
        { name: "member", type: "string" },
        { name: "withscore", type: "pure-token", token: "WITHSCORE", optional: true },
      ],
      history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
      handler: (ctx, argv) => zrank(ctx, argv, name === "zrevrank"),
    })
  ),
  zcommand({
    name: "zcount",
    summary: "Counts the members whose score lies in a range.",
    since: "2.0.0",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arity: 4,
    flags: ["readonly", "fast"],
    keys: RO,
    arguments: [KEY_ARG, { name: "min", type: "double" }, { name: "max", type: "double" }],
    handler(ctx, argv) {
      const range = parseScoreRange(argv[2], argv[3]);
      countIn(ctx, argv, (z) => scoreSpan(z, range));
    },
  }),
  zcommand({
    name: "zlexcount",
    summary: "Counts the members within a lexicographical range.",
    since: "2.8.9",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arity: 4,
    flags: ["readonly", "fast"],
    keys: RO,
    arguments: [KEY_ARG, { name: "min", type: "string" }, { name: "max", type: "string" }],
    handler(ctx, argv) {
      const [min, max] = parseLexRange(argv[2], argv[3]);
      countIn(ctx, argv, (z) => lexSpan(z, min, max));
    },
  }),
  zcommand({
    name: "zrandmember",
    summary: "Returns one or more random members, optionally with their scores.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of members returned",
    arity: -2,
    flags: ["readonly"],
    keys: RO,
    arguments: [KEY_ARG, {
      name: "options",
      type: "block",
      optional: true,
      arguments: [
        { name: "count", type: "integer" },
        { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
      ],
    }],
    tips: ["nondeterministic_output"],
    handler: zrandmember,
  }),
  zcommand({
    name: "zscan",
    summary: "Iterates over the members and scores of a sorted set with a cursor.",
    since: "2.8.0",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    arity: -3,
    flags: ["readonly"],
    keys: RO,
    arguments: [
      KEY_ARG,
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    tips: ["nondeterministic_output"],
    handler: zscan,
  }),
];

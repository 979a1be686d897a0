/**
 * Writes that add, change or remove members: ZADD and ZINCRBY (one core, `zaddGeneric`,
 * as in Redis, so ZINCRBY accepts the same leading options), ZREM and the three
 * ZREMRANGEBY* commands (one core over a rank interval).
 *
 * ZADD validates everything before touching the set — option conflicts, pair count, every
 * score — so a bad argument leaves the set as it was. Only INCR can fail later (the sum
 * is NaN, e.g. inf + -inf), and INCR allows a single pair, so that failure cannot leave a
 * half-applied command either. A new key is created only when an element is actually added.
 *
 * Events: `zadd` / `zincr` when something was added or changed; `zrem` /
 * `zremrangebyrank|score|lex` when something was removed, followed by `del` when the set
 * became empty and its key was deleted.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_FLOAT, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { finishRemoval, intArg, KEY_ARG, oneKey, zcommand } from "./common.ts";
import { lexSpan, parseLexRange, parseScore, parseScoreRange, scoreSpan } from "./ranges.ts";
import { limitsOf, ZSet, zsetType } from "./zset.ts";

const NAN_SCORE = "ERR resulting score is not a number (NaN)";

/** ZADD and ZINCRBY. */
function zaddGeneric(ctx: CommandContext, argv: string[], incrCommand: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
  let i = 2;
  options: for (; i < argv.length; i++) {
    switch (argv[i].toLowerCase()) {
      case "nx":
        nx = true;
        break;
      case "xx":
        xx = true;
        break;
      case "gt":
        gt = true;
        break;
      case "lt":
        lt = true;
        break;
      case "ch":
        ch = true;
        break;
      case "incr":
        incr = true;
        break;
      default:
        break options;
    }
  }
  const rest = argv.length - i;
  if (rest === 0 || rest % 2 !== 0) throw new ReplyError(SYNTAX_ERR);
  if (nx && xx) throw new ReplyError("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    throw new ReplyError("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  const pairs = rest / 2;
  if (incr && pairs > 1) {
    throw new ReplyError("ERR INCR option supports a single increment-element pair");
  }
  const scores: number[] = [];
  for (let j = 0; j < pairs; j++) {
    const s = parseScore(argv[i + 2 * j]);
    if (s === null) throw new ReplyError(NOT_FLOAT);
    scores.push(s);
  }

  const key = argv[1];
  const limits = limitsOf(ctx.server);
  let z = ctx.db.lookupWrite(key, zsetType);
  const created = z === undefined;
  if (z === undefined) {
    if (xx) return incr ? ctx.reply.null() : ctx.reply.int(0);
    z = new ZSet();
    if (pairs > limits.entries || argv[i + 1].length > limits.value) z.grow();
  } else if (pairs > limits.entries) z.grow();

  let added = 0, updated = 0, processed = 0;
  let result = 0;
  for (let j = 0; j < pairs; j++) {
    const member = argv[i + 2 * j + 1];
    let score = scores[j];
    const current = z.score(member);
    if (current !== undefined) {
      if (nx) continue;
      if (incr) {
        score += current;
        if (Number.isNaN(score)) throw new ReplyError(NAN_SCORE);
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      if (score !== current) {
        z.update(member, current, score);
        updated++;
      }
    } else if (!xx) {
      z.add(member, score, limits);
      added++;
    } else continue;
    processed++;
    result = score;
  }
  if (created && z.size > 0) ctx.db.add(key, z);
  if (added + updated > 0) {
    ctx.db.modified(key);
    ctx.db.notify("z", incr ? "zincr" : "zadd", key);
  }
  if (!incr) return ctx.reply.int(ch ? added + updated : added);
  if (processed > 0) ctx.reply.double(result);
  else ctx.reply.null();
}

/** ZREM key member [member ...]. */
function zrem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const z = ctx.db.lookupWrite(key, zsetType);
  if (z === undefined) return ctx.reply.int(0);
  let deleted = 0;
  for (let j = 2; j < argv.length && z.size > 0; j++) if (z.delete(argv[j])) deleted++;
  if (deleted > 0) finishRemoval(ctx, key, z, "zrem");
  ctx.reply.int(deleted);
}

type RemoveKind = "rank" | "score" | "lex";

/** ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX: parse, find the ranks, delete. */
function zremrange(ctx: CommandContext, argv: string[], kind: RemoveKind): void {
  // The range is parsed before the key is looked up, so its errors win over WRONGTYPE.
  let span: (z: ZSet) => [number, number];
  if (kind === "rank") {
    const start = intArg(argv[2]);
    const end = intArg(argv[3]);
    span = (z) => {
      const n = z.size;
      let s = start < 0 ? n + start : start;
      let e = end < 0 ? n + end : end;
      if (s < 0) s = 0;
      if (s > e || s >= n) return [0, 0];
      if (e >= n) e = n - 1;
      return [s, e + 1];
    };
  } else if (kind === "score") {
    const range = parseScoreRange(argv[2], argv[3]);
    span = (z) => scoreSpan(z, range);
  } else {
    const [min, max] = parseLexRange(argv[2], argv[3]);
    span = (z) => lexSpan(z, min, max);
  }
  const key = argv[1];
  const z = ctx.db.lookupWrite(key, zsetType);
  if (z === undefined) return ctx.reply.int(0);
  const [lo, hi] = span(z);
  for (let n = lo; n < hi; n++) z.deleteAt(lo);
  if (hi > lo) finishRemoval(ctx, key, z, "zremrangeby" + kind);
  ctx.reply.int(hi - lo);
}

const RW_UPDATE = [oneKey(1, "RW", "update")];
const RW_DELETE = [oneKey(1, "RW", "delete")];

function zremrangeSpec(
  kind: RemoveKind,
  since: string,
  summary: string,
  args: [string, string],
): CommandSpec {
  return zcommand({
    name: "zremrangeby" + kind,
    summary,
    since,
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    arity: 4,
    flags: ["write"],
    keys: RW_DELETE,
    arguments: [
      KEY_ARG,
      ...args.map((name) => ({
        name,
        type: kind === "rank"
          ? "integer" as const
          : kind === "score"
          ? "double" as const
          : "string" as const,
      })),
    ],
    handler: (ctx, argv) => zremrange(ctx, argv, kind),
  });
}

/**
 * ZADD, ZINCRBY, ZREM, ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sorted_sets", commands: [...writeCommands] };
 * ```
 */
export const writeCommands: CommandSpec[] = [
  zcommand({
    name: "zadd",
    summary:
      "Adds members with scores to a sorted set, or updates their scores; creates the key when missing.",
    since: "1.2.0",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keys: RW_UPDATE,
    arguments: [
      KEY_ARG,
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "3.0.2",
        arguments: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      {
        name: "comparison",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [
          { name: "gt", type: "pure-token", token: "GT" },
          { name: "lt", type: "pure-token", token: "LT" },
        ],
      },
      { name: "change", type: "pure-token", token: "CH", optional: true, since: "3.0.2" },
      { name: "increment", type: "pure-token", token: "INCR", optional: true, since: "3.0.2" },
      {
        name: "data",
        type: "block",
        multiple: true,
        arguments: [
          { name: "score", type: "double" },
          { name: "member", type: "string" },
        ],
      },
    ],
    history: [
      ["2.4.0", "Accepts multiple elements."],
      ["3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."],
      ["6.2.0", "Added the `GT` and `LT` options."],
    ],
    handler: (ctx, argv) => zaddGeneric(ctx, argv, false),
  }),
  zcommand({
    name: "zincrby",
    summary: "Adds an increment to a member's score, adding the member when missing.",
    since: "1.2.0",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keys: [oneKey(1, "RW", "access", "update")],
    arguments: [KEY_ARG, { name: "increment", type: "integer" }, {
      name: "member",
      type: "string",
    }],
    handler: (ctx, argv) => zaddGeneric(ctx, argv, true),
  }),
  zcommand({
    name: "zrem",
    summary: "Removes members from a sorted set; deletes the key when it becomes empty.",
    since: "1.2.0",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    arity: -3,
    flags: ["write", "fast"],
    keys: RW_DELETE,
    arguments: [KEY_ARG, { name: "member", type: "string", multiple: true }],
    history: [["2.4.0", "Accepts multiple elements."]],
    handler: zrem,
  }),
  zremrangeSpec("rank", "2.0.0", "Removes the members within a range of ranks.", ["start", "stop"]),
  zremrangeSpec("score", "1.2.0", "Removes the members within a range of scores.", ["min", "max"]),
  zremrangeSpec("lex", "2.8.9", "Removes the members within a lexicographical range.", [
    "min",
    "max",
  ]),
];

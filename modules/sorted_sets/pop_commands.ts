/**
 * Pops: ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * One core, `popFrom`, pops from one key and writes the reply in the shape each command
 * uses (Redis's genericZpopCommand has the same four shapes):
 *   flat               ZPOPMIN key / ZPOPMIN key n in RESP2: [m1, s1, m2, s2...]
 *   nested             ZPOPMIN key n in RESP3: [[m1, s1], ...]
 *   flat with key      BZPOPMIN: [key, m, s]
 *   nested with key    ZMPOP / BZMPOP: [key, [[m1, s1], ...]]
 * It sends `zpopmin`/`zpopmax` once, and `del` when the set is emptied.
 *
 * Blocking forms try to pop like the plain ones; when every key is missing they block
 * through core's blocking service (woken by any write to one of the keys, re-run with the
 * original deadline), or answer a null array where blocking is not allowed (MULTI, scripts).
 * What was served propagates as the plain ZPOPMIN/ZPOPMAX (with the count actually popped),
 * so replicas and the AOF never see a blocking command; ZMPOP propagates the same way.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseTimeoutSeconds } from "../../core/blocking.ts";
import { atLeastArg, KEY_ARG, numKeys, oneKey, zcommand } from "./common.ts";
import { zsetType } from "./zset.ts";

type Where = "min" | "max";

interface PopOptions {
  where: Where;
  /** -1: a single pop without COUNT. */
  count: number;
  nested: boolean;
  withKey: boolean;
}

/** Pop from `key` (an existing, non-empty zset) and reply; returns how many were popped. */
function popFrom(ctx: CommandContext, key: string, o: PopOptions): number {
  const z = ctx.db.lookupWrite(key, zsetType)!;
  const r = ctx.reply;
  const n = Math.min(o.count === -1 ? 1 : o.count, z.size);
  if (!o.withKey) r.array(o.nested ? n : n * 2);
  else if (!o.nested) {
    r.array(n * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(n);
  }
  for (let i = 0; i < n; i++) {
    const rank = o.where === "min" ? 0 : z.size - 1;
    const score = z.scoreAt(rank);
    const member = z.deleteAt(rank);
    if (o.nested) r.array(2);
    r.bulk(member);
    r.double(score);
  }
  ctx.db.notify("z", o.where === "min" ? "zpopmin" : "zpopmax", key);
  if (z.size === 0) {
    ctx.db.remove(key);
    ctx.db.notify("g", "del", key);
  }
  ctx.db.modified(key);
  return n;
}

/** The first of `keys` holding a zset (WRONGTYPE if the first existing one is not). */
function firstNonEmpty(ctx: CommandContext, keys: string[]): string | null {
  for (const key of keys) {
    if (ctx.db.lookupWrite(key, zsetType) !== undefined) return key;
  }
  return null;
}

/** ZPOPMIN / ZPOPMAX key [count]. */
function zpop(ctx: CommandContext, argv: string[], where: Where): void {
  if (argv.length > 3) throw new ReplyError(SYNTAX_ERR);
  const count = argv.length === 3
    ? atLeastArg(argv[2], 0, "ERR value is out of range, must be positive")
    : -1;
  const key = firstNonEmpty(ctx, [argv[1]]);
  if (key === null || count === 0) return ctx.reply.array(0);
  popFrom(ctx, key, { where, count, nested: ctx.reply.resp === 3 && count !== -1, withKey: false });
}

/** Parse `numkeys key... MIN|MAX [COUNT n]` starting at argv[`at`]. */
function parseMpop(argv: string[], at: number): { keys: string[]; where: Where; count: number } {
  const numkeys = atLeastArg(argv[at], 1, "ERR numkeys should be greater than 0");
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) throw new ReplyError(SYNTAX_ERR);
  const w = argv[whereAt].toLowerCase();
  if (w !== "min" && w !== "max") throw new ReplyError(SYNTAX_ERR);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === "count" && j + 1 < argv.length) {
      count = atLeastArg(argv[++j], 1, "ERR count should be greater than 0");
    } else throw new ReplyError(SYNTAX_ERR);
  }
  return { keys: argv.slice(at + 1, whereAt), where: w, count: count === -1 ? 1 : count };
}

/** Pop now if any key has members (propagating the plain pop), else block or answer null. */
function blockingPop(
  ctx: CommandContext,
  keys: string[],
  timeoutArg: string,
  o: PopOptions,
): void {
  const deadline = parseTimeoutSeconds(timeoutArg, ctx.server.now());
  const key = firstNonEmpty(ctx, keys);
  if (key !== null) {
    const popped = popFrom(ctx, key, o);
    const name = o.where === "min" ? "ZPOPMIN" : "ZPOPMAX";
    ctx.propagate(o.count === -1 ? [name, key] : [name, key, String(popped)]);
    return;
  }
  if (!ctx.canBlock) return ctx.reply.nullArray();
  ctx.block(keys, { deadline, type: zsetType, timeoutReply: (r) => r.nullArray() });
}

const POP_KEYS = [oneKey(1, "RW", "access", "delete")];

function zpopSpec(where: Where): CommandSpec {
  return zcommand({
    name: "zpop" + where,
    summary: where === "min"
      ? "Removes and returns the members with the lowest scores."
      : "Removes and returns the members with the highest scores.",
    since: "5.0.0",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    arity: -2,
    flags: ["write", "fast"],
    keys: POP_KEYS,
    arguments: [KEY_ARG, { name: "count", type: "integer", optional: true }],
    handler: (ctx, argv) => zpop(ctx, argv, where),
  });
}

function bzpopSpec(where: Where): CommandSpec {
  return zcommand({
    name: "bzpop" + where,
    summary: where === "min"
      ? "Pops the member with the lowest score from the first non-empty set, blocking until one is available."
      : "Pops the member with the highest score from the first non-empty set, blocking until one is available.",
    since: "5.0.0",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arity: -3,
    flags: ["write", "fast", "blocking"],
    keys: [{
      flags: ["RW", "access", "delete"],
      begin: 1,
      find: { lastKey: -2, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
      name: "timeout",
      type: "double",
    }],
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: (ctx, argv) =>
      blockingPop(ctx, argv.slice(1, -1), argv[argv.length - 1], {
        where,
        count: -1,
        nested: false,
        withKey: true,
      }),
  });
}

const WHERE_ARG = {
  name: "where",
  type: "oneof" as const,
  arguments: [
    { name: "min", type: "pure-token" as const, token: "MIN" },
    { name: "max", type: "pure-token" as const, token: "MAX" },
  ],
};
const MPOP_COMPLEXITY =
  "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";

/**
 * ZPOPMIN, ZPOPMAX, ZMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sorted_sets", commands: [...popCommands] };
 * ```
 */
export const popCommands: CommandSpec[] = [
  zpopSpec("min"),
  zpopSpec("max"),
  zcommand({
    name: "zmpop",
    summary: "Pops members with the lowest or highest scores from the first non-empty set.",
    since: "7.0.0",
    complexity: MPOP_COMPLEXITY,
    arity: -4,
    flags: ["write"],
    keys: [numKeys(1, "RW", "access", "delete")],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      WHERE_ARG,
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler(ctx, argv) {
      const { keys, where, count } = parseMpop(argv, 1);
      const key = firstNonEmpty(ctx, keys);
      if (key === null) return ctx.reply.nullArray();
      const popped = popFrom(ctx, key, { where, count, nested: true, withKey: true });
      ctx.propagate([where === "min" ? "ZPOPMIN" : "ZPOPMAX", key, String(popped)]);
    },
  }),
  bzpopSpec("min"),
  bzpopSpec("max"),
  zcommand({
    name: "bzmpop",
    summary: "Pops members from the first non-empty set, blocking until one is available.",
    since: "7.0.0",
    complexity: MPOP_COMPLEXITY,
    arity: -5,
    flags: ["write", "blocking"],
    keys: [numKeys(2, "RW", "access", "delete")],
    arguments: [
      { name: "timeout", type: "double" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      WHERE_ARG,
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler(ctx, argv) {
      const { keys, where, count } = parseMpop(argv, 2);
      blockingPop(ctx, keys, argv[1], { where, count, nested: true, withKey: true });
    },
  }),
];

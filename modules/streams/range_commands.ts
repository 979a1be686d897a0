/**
 * XLEN, XRANGE and XREVRANGE.
 *
 * Range bounds are IDs (`ms` alone means ms-0 as a start and ms-(2^64-1) as an end), `-`
 * and `+`, or `(id` for an exclusive bound, turned into the inclusive neighbour right away
 * (so `(1-0` starts at 1-1 and an impossible neighbour is the "invalid start/end ID for the
 * interval" error). A negative COUNT means 0, and COUNT 0 answers a null array, as in Redis.
 * The stream is consulted only after the arguments parsed, so syntax errors win over
 * WRONGTYPE.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { intArg, oneKey, readStream, replyEntry, streamCommand } from "./common.ts";
import { parseRangeBound, type StreamId } from "./stream_id.ts";

function xrange(ctx: CommandContext, argv: string[], rev: boolean): void {
  const start = parseRangeBound(rev ? argv[3] : argv[2], "start");
  const end = parseRangeBound(rev ? argv[2] : argv[3], "end");
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === "count" && j + 1 < argv.length) {
      count = Math.max(0, intArg(argv[++j]));
    } else throw new ReplyError(SYNTAX_ERR);
  }
  const s = readStream(ctx, argv[1]);
  if (s === undefined) return ctx.reply.array(0);
  if (count === 0) return ctx.reply.nullArray();
  const ids: StreamId[] = [];
  const fields: string[][] = [];
  s.range(start, end, rev, (id, f) => {
    ids.push(id);
    fields.push(f);
    return count < 0 || ids.length < count;
  });
  ctx.reply.array(ids.length);
  for (let i = 0; i < ids.length; i++) replyEntry(ctx.reply, ids[i], fields[i]);
}

const RANGE_ARGS = (first: string, second: string) => [
  { name: "key", type: "key" as const, keySpecIndex: 0 },
  { name: first, type: "string" as const },
  { name: second, type: "string" as const },
  { name: "count", type: "integer" as const, token: "COUNT", optional: true },
];

/**
 * XLEN, XRANGE, XREVRANGE.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [...rangeCommands] };
 * ```
 */
export const rangeCommands: CommandSpec[] = [
  streamCommand({
    name: "xlen",
    summary: "Counts the entries of a stream.",
    since: "5.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [oneKey(1, "RO")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    handler(ctx, argv) {
      ctx.reply.int(readStream(ctx, argv[1])?.length ?? 0);
    },
  }),
  streamCommand({
    name: "xrange",
    summary: "Lists the entries of a stream between two IDs, oldest first.",
    since: "5.0.0",
    complexity: "O(N) with N being the number of elements being returned.",
    arity: -4,
    flags: ["readonly"],
    keys: [oneKey(1, "RO", "access")],
    arguments: RANGE_ARGS("start", "end"),
    history: [["6.2.0", "Added exclusive ranges."]],
    handler: (ctx, argv) => xrange(ctx, argv, false),
  }),
  streamCommand({
    name: "xrevrange",
    summary: "Lists the entries of a stream between two IDs, newest first.",
    since: "5.0.0",
    complexity: "O(N) with N being the number of elements returned.",
    arity: -4,
    flags: ["readonly"],
    keys: [oneKey(1, "RO", "access")],
    arguments: RANGE_ARGS("end", "start"),
    history: [["6.2.0", "Added exclusive ranges."]],
    handler: (ctx, argv) => xrange(ctx, argv, true),
  }),
];

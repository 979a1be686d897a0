/**
 * Blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH.
 *
 * Each is its non-blocking core (push_pop.ts) plus a fallback. When the core serves the
 * command it replies and propagates the non-blocking form (LPOP key, LPOP key count, LMOVE,
 * RPOPLPUSH), as Redis rewrites them. When every key is empty:
 *   - a client that may not block (inside MULTI/EXEC, scripts) is answered at once as the
 *     non-blocking command would be (a null array, or a null bulk for BLMOVE/BRPOPLPUSH);
 *   - otherwise `ctx.block(keys, …)` hands the client to core's blocking service, which runs
 *     the same command again, in arrival order, whenever one of the keys is written and
 *     holds a list, after the writing command (or transaction) completes. One LPUSH of three
 *     elements thus serves three waiters, and a BLMOVE that pushes into a key another
 *     client waits on serves that client next (chains), all before the next command runs.
 * Timeouts are seconds as floats ("0.1"), 0 waits forever; errors come from core's parser.
 * A timeout answers a null array for every one of them (BLMOVE included), as Redis does.
 *
 * Argument errors are checked in Redis's order (e.g. BLMOVE's LEFT/RIGHT before its
 * timeout, BLMPOP's numkeys before its timeout) so that the first error reported matches.
 */

import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { parseTimeoutSeconds } from "../../core/blocking.ts";
import { listType } from "./list_type.ts";
import { isLeft, sideArg } from "./common.ts";
import { move, mpop, parseMpop, popFirst } from "./push_pop.ts";

// Redis answers every list timeout with a null array, BLMOVE's included; only a BLMOVE that
// may not block answers like LMOVE, with a null bulk.
const nullArray = (r: ReplyWriter) => r.nullArray();
const nullBulk = (r: ReplyWriter) => r.null();

/** Wait for `keys`, or answer `now` at once when this client may not block. */
function waitFor(
  ctx: CommandContext,
  keys: string[],
  deadline: number,
  now: (r: ReplyWriter) => void,
): void {
  if (!ctx.canBlock) return now(ctx.reply);
  ctx.block(keys, { deadline, type: listType, timeoutReply: nullArray });
}

function blockingPop(ctx: CommandContext, argv: string[], left: boolean): void {
  const deadline = parseTimeoutSeconds(argv[argv.length - 1], ctx.server.now());
  const keys = argv.slice(1, -1);
  if (!popFirst(ctx, keys, left)) waitFor(ctx, keys, deadline, nullArray);
}

function blockingMove(
  ctx: CommandContext,
  argv: string[],
  sides: { fromLeft: boolean; toLeft: boolean },
  timeoutArg: string,
): void {
  const deadline = parseTimeoutSeconds(timeoutArg, ctx.server.now());
  const src = argv[1];
  if (move(ctx, { src, dst: argv[2], ...sides })) {
    ctx.propagate(
      argv.length === 6 ? ["LMOVE", src, argv[2], argv[3], argv[4]] : ["RPOPLPUSH", src, argv[2]],
    );
    return;
  }
  waitFor(ctx, [src], deadline, nullBulk);
}

const BLOCKING_HISTORY: [string, string][] = [[
  "6.0.0",
  "`timeout` is interpreted as a double instead of an integer.",
]];
const TIMEOUT_ARG = { name: "timeout", type: "double" } as const;

function bpopSpec(name: string, left: boolean): CommandSpec {
  return {
    name,
    group: "list",
    summary: `Pops an element from the ${
      left ? "head" : "tail"
    } of the first non-empty list, waiting for one if all are empty.`,
    since: "2.0.0",
    complexity: "O(N) where N is the number of provided keys.",
    arity: -3,
    flags: ["write", "blocking"],
    keys: [{ flags: ["RW", "access", "delete"], begin: 1, find: { lastKey: -2, step: 1 } }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, TIMEOUT_ARG],
    history: BLOCKING_HISTORY,
    handler: (ctx, argv) => blockingPop(ctx, argv, left),
  };
}

const MOVE_KEYS = [
  { flags: ["RW", "access", "delete"], begin: 1 },
  { flags: ["RW", "insert"], begin: 2 },
] satisfies CommandSpec["keys"];

/**
 * The blocking list commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "lists", commands: [...blockingCommands] };
 * ```
 */
export const blockingCommands: CommandSpec[] = [
  bpopSpec("blpop", true),
  bpopSpec("brpop", false),
  {
    name: "blmpop",
    group: "list",
    summary:
      "Pops elements from the first non-empty list among several keys, waiting for one if all are empty.",
    since: "7.0.0",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    arity: -5,
    flags: ["write", "blocking"],
    keys: [{
      flags: ["RW", "access", "delete"],
      begin: 2,
      find: { keyNumIndex: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      TIMEOUT_ARG,
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      sideArg("where"),
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler(ctx, argv) {
      const args = parseMpop(argv, 2);
      const deadline = parseTimeoutSeconds(argv[1], ctx.server.now());
      if (!mpop(ctx, args)) waitFor(ctx, args.keys, deadline, nullArray);
    },
  },
  {
    name: "blmove",
    group: "list",
    summary:
      "Moves an element from one end of a list to an end of another and returns it, waiting for one if the source is empty.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 6,
    flags: ["write", "denyoom", "blocking"],
    keys: MOVE_KEYS,
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      sideArg("wherefrom"),
      sideArg("whereto"),
      TIMEOUT_ARG,
    ],
    handler(ctx, argv) {
      const sides = { fromLeft: isLeft(argv[3]), toLeft: isLeft(argv[4]) };
      blockingMove(ctx, argv, sides, argv[5]);
    },
  },
  {
    name: "brpoplpush",
    group: "list",
    summary:
      "Moves the last element of a list to the head of another and returns it, waiting for one if the source is empty.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom", "blocking"],
    keys: MOVE_KEYS,
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      TIMEOUT_ARG,
    ],
    history: BLOCKING_HISTORY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
    handler: (ctx, argv) => blockingMove(ctx, argv, { fromLeft: false, toLeft: true }, argv[3]),
  },
];

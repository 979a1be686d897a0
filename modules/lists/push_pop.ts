/**
 * The ends of a list: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LMPOP, LMOVE, RPOPLPUSH.
 *
 * One generic function per family, as in Redis: `push` serves the four push commands,
 * `pop` both pops, `mpop` LMPOP (and BLMPOP, in blocking.ts), `move` LMOVE and RPOPLPUSH
 * (and their blocking forms). The cores that blocking.ts reuses (`popFirst`, `mpop`,
 * `move`) return whether they served the command, so a blocking command can fall back to
 * waiting without having written anything.
 *
 * Reply shapes follow Redis exactly: LPOP without a count answers a bulk (null bulk when the
 * key is missing, RESP3 null), with a count an array (null array when the key is missing,
 * empty array for COUNT 0 on an existing key); LMPOP answers [key, [elements]] or a null
 * array. A multi-key pop propagates as the single-key `LPOP key count` it amounted to, so a
 * replica never sees a command whose effect depends on which keys existed.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR, wrongArity } from "../../core/errors.ts";
import { listType } from "./list_type.ts";
import {
  countChanges,
  elementsRemoved,
  isLeft,
  KEY_ARG,
  popCountReply,
  positiveArg,
  pushValues,
  sideArg,
} from "./common.ts";

function push(ctx: CommandContext, argv: string[], left: boolean, onlyIfExists: boolean): void {
  const key = argv[1];
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined && onlyIfExists) return ctx.reply.int(0);
  const values = argv.length === 3 ? [argv[2]] : argv.slice(2);
  ctx.reply.int(pushValues(ctx, { key, list, values, left }).length);
}

function pop(ctx: CommandContext, argv: string[], left: boolean): void {
  if (argv.length > 3) throw new ReplyError(wrongArity(left ? "lpop" : "rpop"));
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveArg(argv[2]) : 0;
  const key = argv[1];
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined) return hasCount ? ctx.reply.nullArray() : ctx.reply.null();
  if (!hasCount) {
    const v = left ? list.popHead()! : list.popTail()!;
    ctx.reply.bulk(v);
    elementsRemoved(ctx, key, list, left);
    return;
  }
  if (count === 0) return ctx.reply.array(0);
  popCountReply(ctx, { key, list, left, count });
}

/**
 * Pop one element from the first non-empty list among `keys` and reply [key, element]
 * (BLPOP/BRPOP). Returns false, having written nothing, when every list is empty.
 *
 * @example
 * ```ts
 * if (!popFirst(ctx, keys, true)) ctx.block(keys, options);
 * ```
 */
export function popFirst(ctx: CommandContext, keys: readonly string[], left: boolean): boolean {
  for (const key of keys) {
    const list = ctx.db.lookupWrite(key, listType);
    if (list === undefined) continue;
    const v = left ? list.popHead()! : list.popTail()!;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(v);
    elementsRemoved(ctx, key, list, left);
    ctx.propagate([left ? "LPOP" : "RPOP", key]);
    return true;
  }
  return false;
}

/**
 * Pop up to `count` elements from the first non-empty list among `keys` and reply
 * [key, [elements]] (LMPOP, BLMPOP). Returns false, having written nothing, when every list
 * is empty.
 *
 * @example
 * ```ts
 * if (!mpop(ctx, { keys, left: true, count: 1 })) ctx.reply.nullArray();
 * ```
 */
export function mpop(
  ctx: CommandContext,
  opts: { keys: readonly string[]; left: boolean; count: number },
): boolean {
  const { keys, left, count } = opts;
  for (const key of keys) {
    const list = ctx.db.lookupWrite(key, listType);
    if (list === undefined) continue;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    const n = popCountReply(ctx, { key, list, left, count });
    ctx.propagate([left ? "LPOP" : "RPOP", key, String(n)]);
    return true;
  }
  return false;
}

/** What LMPOP and BLMPOP parse after their own leading arguments. */
export interface MpopArgs {
  keys: string[];
  left: boolean;
  count: number;
}

/**
 * Parse `numkeys key [key ...] LEFT|RIGHT [COUNT count]` starting at argv[at], with
 * Redis's errors.
 *
 * @example
 * ```ts
 * parseMpop(["LMPOP", "2", "a", "b", "LEFT"], 1); // { keys: ["a", "b"], left: true, count: 1 }
 * ```
 */
export function parseMpop(argv: readonly string[], at: number): MpopArgs {
  const numkeys = positiveArg(argv[at], "numkeys should be greater than 0");
  if (numkeys === 0) throw new ReplyError("ERR numkeys should be greater than 0");
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) throw new ReplyError(SYNTAX_ERR);
  const left = isLeft(argv[whereAt]);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === "count" && j + 1 < argv.length) {
      count = positiveArg(argv[++j], "count should be greater than 0");
      if (count === 0) throw new ReplyError("ERR count should be greater than 0");
    } else throw new ReplyError(SYNTAX_ERR);
  }
  return { keys: argv.slice(at + 1, whereAt), left, count: count === -1 ? 1 : count };
}

/**
 * Move one element from an end of `src` to an end of `dst` and reply with it (LMOVE and
 * friends). Returns false, having written nothing, when `src` does not exist.
 *
 * @example
 * ```ts
 * move(ctx, { src, dst, fromLeft: false, toLeft: true }) || ctx.reply.null();
 * ```
 */
export function move(
  ctx: CommandContext,
  opts: { src: string; dst: string; fromLeft: boolean; toLeft: boolean },
): boolean {
  const { src, dst, fromLeft, toLeft } = opts;
  const from = ctx.db.lookupWrite(src, listType);
  if (from === undefined) return false;
  const to = ctx.db.lookupWrite(dst, listType);
  const v = fromLeft ? from.popHead()! : from.popTail()!;
  pushValues(ctx, { key: dst, list: to, values: [v], left: toLeft });
  ctx.reply.bulk(v);
  elementsRemoved(ctx, src, from, fromLeft);
  countChanges(ctx, 0); // the push and the pop were signalled apart; Redis counts one change
  return true;
}

const PUSH_HISTORY: [string, string][] = [["2.4.0", "Accepts multiple `element` arguments."]];
const ELEMENTS_ARG = { name: "element", type: "string", multiple: true } as const;

function pushSpec(name: string, left: boolean, onlyIfExists: boolean): CommandSpec {
  const end = left ? "head" : "tail";
  return {
    name,
    group: "list",
    summary: onlyIfExists
      ? `Adds elements at the ${end} of a list, only when the list already exists.`
      : `Adds elements at the ${end} of a list, creating the list when missing.`,
    since: onlyIfExists ? "2.2.0" : "1.0.0",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["RW", "insert"], begin: 1 }],
    arguments: [KEY_ARG, ELEMENTS_ARG],
    history: onlyIfExists ? [["4.0.0", "Accepts multiple `element` arguments."]] : PUSH_HISTORY,
    handler: (ctx, argv) => push(ctx, argv, left, onlyIfExists),
  };
}

function popSpec(name: string, left: boolean): CommandSpec {
  return {
    name,
    group: "list",
    summary: `Removes and returns elements from the ${
      left ? "head" : "tail"
    } of a list; deletes the list when emptied.`,
    since: "1.0.0",
    complexity: "O(N) where N is the number of elements returned",
    arity: -2,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "access", "delete"], begin: 1 }],
    arguments: [KEY_ARG, { name: "count", type: "integer", optional: true, since: "6.2.0" }],
    history: [["6.2.0", "Added the `count` argument."]],
    handler: (ctx, argv) => pop(ctx, argv, left),
  };
}

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "lists", commands: [...pushPopCommands] };
 * ```
 */
export const pushPopCommands: CommandSpec[] = [
  pushSpec("lpush", true, false),
  pushSpec("rpush", false, false),
  pushSpec("lpushx", true, true),
  pushSpec("rpushx", false, true),
  popSpec("lpop", true),
  popSpec("rpop", false),
  {
    name: "lmpop",
    group: "list",
    summary:
      "Pops elements from the first non-empty list among several keys; deletes lists it empties.",
    since: "7.0.0",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    arity: -4,
    flags: ["write"],
    keys: [{
      flags: ["RW", "access", "delete"],
      begin: 1,
      find: { keyNumIndex: 0, firstKey: 1, step: 1 },
    }],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      sideArg("where"),
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler(ctx, argv) {
      const args = parseMpop(argv, 1);
      if (!mpop(ctx, args)) ctx.reply.nullArray();
    },
  },
  {
    name: "lmove",
    group: "list",
    summary:
      "Pops an element from one end of a list, pushes it to an end of another list and returns it.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [
      { flags: ["RW", "access", "delete"], begin: 1 },
      { flags: ["RW", "insert"], begin: 2 },
    ],
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      sideArg("wherefrom"),
      sideArg("whereto"),
    ],
    handler(ctx, argv) {
      const fromLeft = isLeft(argv[3]);
      const toLeft = isLeft(argv[4]);
      if (!move(ctx, { src: argv[1], dst: argv[2], fromLeft, toLeft })) ctx.reply.null();
    },
  },
  {
    name: "rpoplpush",
    group: "list",
    summary:
      "Pops the last element of a list, pushes it to the head of another list and returns it.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "denyoom"],
    keys: [
      { flags: ["RW", "access", "delete"], begin: 1 },
      { flags: ["RW", "insert"], begin: 2 },
    ],
    arguments: [{ name: "source", type: "key", keySpecIndex: 0 }, {
      name: "destination",
      type: "key",
      keySpecIndex: 1,
    }],
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    handler(ctx, argv) {
      if (!move(ctx, { src: argv[1], dst: argv[2], fromLeft: false, toLeft: true })) {
        ctx.reply.null();
      }
    },
  },
];

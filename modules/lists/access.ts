/**
 * Reading and editing inside a list: LLEN, LINDEX, LSET, LRANGE, LTRIM, LINSERT, LREM, LPOS.
 *
 * Index rules are Redis's: negative indexes count from the tail; LRANGE/LTRIM clamp their
 * ends and treat an inverted or out-of-range range as empty (LTRIM then deletes the key).
 *
 * Argument checks happen in the order Redis performs them, which decides the reply when
 * several things are wrong: LINDEX and LSET look the key up before parsing the index (a
 * missing key answers nil / "no such key" whatever the index), LRANGE, LTRIM, LREM and LPOS
 * parse everything first. LSET and LINSERT consider the encoding change for the new element
 * before they know whether they will store it, as Redis does (so a failed LSET can still turn
 * a listpack into a quicklist).
 *
 * Element comparisons in LREM, LPOS and LINSERT run on packed nodes without unpacking them
 * (quicklist.ts), so a search through a long list allocates nothing until it edits.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { OUT_OF_RANGE, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { growList, listType, shrinkList } from "./list_type.ts";
import {
  afterRemoval,
  countChanges,
  fillOf,
  intArg,
  KEY_ARG,
  positiveArg,
  replyRange,
  symmetricIntArg,
} from "./common.ts";

/** Resolve a possibly negative index; -1 when outside the list. */
function resolveIndex(index: number, length: number): number {
  const i = index < 0 ? length + index : index;
  return i >= 0 && i < length ? i : -1;
}

/** Clamp a [start, end] range Redis's way: [first, count], count 0 when empty. */
function clampRange(start: number, end: number, length: number): [number, number] {
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) return [0, 0];
  if (end >= length) end = length - 1;
  return [start, end - start + 1];
}

function lindex(ctx: CommandContext, argv: string[]): void {
  const list = ctx.db.lookupRead(argv[1], listType);
  if (list === undefined) return ctx.reply.null();
  const i = resolveIndex(intArg(argv[2]), list.length);
  ctx.reply.bulk(i < 0 ? null : list.get(i));
}

function lset(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined) throw new ReplyError("ERR no such key");
  const index = intArg(argv[2]);
  const fill = fillOf(ctx);
  growList(list, fill, argv[3].length, 1);
  const i = resolveIndex(index, list.length);
  if (i < 0) throw new ReplyError(OUT_OF_RANGE);
  list.set(i, argv[3]);
  shrinkList(list, fill);
  ctx.reply.ok();
  ctx.db.modified(key);
  ctx.db.notify("l", "lset", key);
}

function lrange(ctx: CommandContext, argv: string[]): void {
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const list = ctx.db.lookupRead(argv[1], listType);
  if (list === undefined) return ctx.reply.array(0);
  const [first, count] = clampRange(start, end, list.length);
  replyRange(ctx.reply, list, { start: first, count, reverse: false });
}

function ltrim(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined) return ctx.reply.ok();
  const [first, count] = clampRange(start, end, list.length);
  const tail = list.length - first - count;
  if (tail > 0) list.removeRange(first + count, tail);
  if (first > 0) list.removeRange(0, first);
  ctx.db.notify("l", "ltrim", key);
  afterRemoval(ctx, key, list);
  countChanges(ctx, first + tail);
  ctx.reply.ok();
}

function linsert(ctx: CommandContext, argv: string[]): void {
  const where = argv[2].toLowerCase();
  if (where !== "before" && where !== "after") throw new ReplyError(SYNTAX_ERR);
  const key = argv[1];
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined) return ctx.reply.int(0);
  growList(list, fillOf(ctx), argv[4].length, 1);
  let at = -1;
  list.findAll(argv[3], { fromTail: false, maxlen: 0 }, (i) => {
    at = i;
    return false;
  });
  if (at < 0) return ctx.reply.int(-1);
  list.insert(where === "after" ? at + 1 : at, argv[4]);
  ctx.db.modified(key);
  ctx.db.notify("l", "linsert", key);
  ctx.reply.int(list.length);
}

function lrem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const count = symmetricIntArg(argv[2]);
  const list = ctx.db.lookupWrite(key, listType);
  if (list === undefined) return ctx.reply.int(0);
  const removed = list.removeMatching(argv[3], Math.abs(count), count < 0);
  if (removed > 0) {
    ctx.db.notify("l", "lrem", key);
    afterRemoval(ctx, key, list);
    countChanges(ctx, removed);
  }
  ctx.reply.int(removed);
}

function lpos(ctx: CommandContext, argv: string[]): void {
  let rank = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === "rank" && more) {
      rank = symmetricIntArg(argv[++j]);
      if (rank === 0) {
        throw new ReplyError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else if (opt === "count" && more) count = positiveArg(argv[++j], "COUNT can't be negative");
    else if (opt === "maxlen" && more) maxlen = positiveArg(argv[++j], "MAXLEN can't be negative");
    else throw new ReplyError(SYNTAX_ERR);
  }
  const list = ctx.db.lookupRead(argv[1], listType);
  if (list === undefined) return count !== -1 ? ctx.reply.array(0) : ctx.reply.null();
  const fromTail = rank < 0;
  const skip = Math.abs(rank) - 1;
  let matches = 0;
  const found: number[] = [];
  list.findAll(argv[2], { fromTail, maxlen }, (i) => {
    if (matches++ < skip) return true;
    found.push(i);
    return count > 0 ? found.length < count : count === 0;
  });
  if (count === -1) return found.length > 0 ? ctx.reply.int(found[0]) : ctx.reply.null();
  ctx.reply.array(found.length);
  for (const i of found) ctx.reply.int(i);
}

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "lists", commands: [...accessCommands] };
 * ```
 */
export const accessCommands: CommandSpec[] = [
  {
    name: "llen",
    group: "list",
    summary: "Returns the number of elements of a list.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1 }],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      ctx.reply.int(ctx.db.lookupRead(argv[1], listType)?.length ?? 0);
    },
  },
  {
    name: "lindex",
    group: "list",
    summary: "Returns the element of a list at an index, negative indexes counting from the tail.",
    since: "1.0.0",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    arity: 3,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG, { name: "index", type: "integer" }],
    handler: lindex,
  },
  {
    name: "lset",
    group: "list",
    summary: "Replaces the element of a list at an index.",
    since: "1.0.0",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RW", "update"], begin: 1 }],
    arguments: [KEY_ARG, { name: "index", type: "integer" }, { name: "element", type: "string" }],
    handler: lset,
  },
  {
    name: "lrange",
    group: "list",
    summary: "Returns the elements of a list between two indexes, inclusive.",
    since: "1.0.0",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    arity: 4,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG, { name: "start", type: "integer" }, { name: "stop", type: "integer" }],
    handler: lrange,
  },
  {
    name: "ltrim",
    group: "list",
    summary:
      "Keeps only the elements of a list between two indexes; deletes the list when nothing is left.",
    since: "1.0.0",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    arity: 4,
    flags: ["write"],
    keys: [{ flags: ["RW", "delete"], begin: 1 }],
    arguments: [KEY_ARG, { name: "start", type: "integer" }, { name: "stop", type: "integer" }],
    handler: ltrim,
  },
  {
    name: "linsert",
    group: "list",
    summary: "Inserts an element before or after the first occurrence of a pivot element.",
    since: "2.2.0",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RW", "insert"], begin: 1 }],
    arguments: [
      KEY_ARG,
      {
        name: "where",
        type: "oneof",
        arguments: [
          { name: "before", type: "pure-token", token: "BEFORE" },
          { name: "after", type: "pure-token", token: "AFTER" },
        ],
      },
      { name: "pivot", type: "string" },
      { name: "element", type: "string" },
    ],
    handler: linsert,
  },
  {
    name: "lrem",
    group: "list",
    summary:
      "Removes occurrences of an element from a list, from the head or the tail; deletes the list when emptied.",
    since: "1.0.0",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    arity: 4,
    flags: ["write"],
    keys: [{ flags: ["RW", "delete"], begin: 1 }],
    arguments: [KEY_ARG, { name: "count", type: "integer" }, { name: "element", type: "string" }],
    handler: lrem,
  },
  {
    name: "lpos",
    group: "list",
    summary: "Returns the indexes of the elements of a list equal to a value.",
    since: "6.0.6",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    arity: -3,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [
      KEY_ARG,
      { name: "element", type: "string" },
      { name: "rank", type: "integer", token: "RANK", optional: true },
      { name: "num-matches", type: "integer", token: "COUNT", optional: true },
      { name: "len", type: "integer", token: "MAXLEN", optional: true },
    ],
    handler: lpos,
  },
];

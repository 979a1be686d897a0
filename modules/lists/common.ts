/**
 * Helpers shared by the list command families: argument parsing with Redis's error texts,
 * and the two halves of every list write — adding elements (create the key, check the
 * encoding, push, signal, notify) and the housekeeping after removing some (notify, delete
 * the emptied key with its `del` event, or try the compact form again; then signal).
 *
 * Keeping those two halves here is what makes LPUSH, LMOVE's push, BLMOVE chains, LPOP,
 * LMPOP and the blocking pops announce exactly the same events in the same order.
 */

import type { ArgSpec, CommandContext, ReplyWriter } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { growList, listSettings, ListValue, shrinkList } from "./list_type.ts";

/** The COMMAND DOCS argument of a command's first key. */
export const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

/** A LEFT/RIGHT argument in COMMAND DOCS form. */
export function sideArg(name: string): ArgSpec {
  return {
    name,
    type: "oneof",
    arguments: [
      { name: "left", type: "pure-token", token: "LEFT" },
      { name: "right", type: "pure-token", token: "RIGHT" },
    ],
  };
}

/**
 * Parse an integer argument (exact to 2^53, plenty for indexes and counts), or throw `err`.
 *
 * @example
 * ```ts
 * intArg("-1"); // -1
 * ```
 */
export function intArg(s: string, err: string = NOT_INTEGER): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(err);
  return n;
}

/**
 * Parse an integer in -LONG_MAX..LONG_MAX (LREM's count, LPOS's RANK): int64's minimum is
 * refused with Redis's range message.
 *
 * @example
 * ```ts
 * symmetricIntArg("-3"); // -3
 * ```
 */
export function symmetricIntArg(s: string): number {
  const n = intArg(s);
  // Compare the text: int64's minimum and its neighbour are the same double.
  if (s === "-9223372036854775808") {
    throw new ReplyError(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  return n;
}

/**
 * Parse a non-negative integer, or throw "ERR <msg>" for anything else (Redis's
 * getPositiveLongFromObjectOrReply).
 *
 * @example
 * ```ts
 * positiveArg("2", "COUNT can't be negative"); // 2
 * ```
 */
export function positiveArg(s: string, msg = "value is out of range, must be positive"): number {
  const n = parseInteger(s);
  if (n === null || n < 0) throw new ReplyError("ERR " + msg);
  return n;
}

/**
 * Parse LEFT/RIGHT (any case): true for LEFT (the head).
 *
 * @example
 * ```ts
 * isLeft("left"); // true
 * ```
 */
export function isLeft(s: string): boolean {
  const l = s.toLowerCase();
  if (l === "left") return true;
  if (l === "right") return false;
  throw new ReplyError(SYNTAX_ERR);
}

/**
 * The list-max-listpack-size of the server a command runs on.
 *
 * @example
 * ```ts
 * growList(list, fillOf(ctx), bytes, n);
 * ```
 */
export function fillOf(ctx: CommandContext): number {
  return listSettings(ctx.server).fill;
}

/**
 * Count one signalled modification as `n` dataset changes instead: Redis's dirty counter
 * (INFO rdb_changes_since_last_save) counts elements pushed or popped, while core counts one
 * change per `db.modified` call. n = 0 also means "nothing to propagate", as in Redis.
 *
 * @example
 * ```ts
 * ctx.db.modified(key); // +1
 * countChanges(ctx, removed); // now +removed
 * ```
 */
export function countChanges(ctx: CommandContext, n: number): void {
  ctx.server.dirty += n - 1;
}

/**
 * Push `values` to the head (`left`) or tail of the list at `key` (creating it when `list`
 * is undefined), then signal and notify. Returns the list.
 *
 * @example
 * ```ts
 * const list = pushValues(ctx, { key, list: ctx.db.lookupWrite(key, listType), values, left: true });
 * ctx.reply.int(list.length);
 * ```
 */
export function pushValues(
  ctx: CommandContext,
  opts: { key: string; list: ListValue | undefined; values: readonly string[]; left: boolean },
): ListValue {
  const { key, values, left } = opts;
  let list = opts.list;
  if (list === undefined) {
    list = new ListValue();
    ctx.db.add(key, list);
  }
  let bytes = 0;
  for (let i = 0; i < values.length; i++) bytes += values[i].length;
  growList(list, fillOf(ctx), bytes, values.length);
  if (left) { for (let i = 0; i < values.length; i++) list.pushHead(values[i]); }
  else for (let i = 0; i < values.length; i++) list.pushTail(values[i]);
  ctx.db.modified(key);
  countChanges(ctx, values.length);
  ctx.db.notify("l", left ? "lpush" : "rpush", key);
  return list;
}

/**
 * After elements were popped from the head (`left`) or tail of `list`: the pop event, then
 * deletion of an emptied key (with its `del` event) or a try at the compact form, then the
 * modification signal (Redis's listElementsRemoved).
 *
 * @example
 * ```ts
 * const v = list.popHead()!;
 * elementsRemoved(ctx, key, list, true);
 * ```
 */
export function elementsRemoved(
  ctx: CommandContext,
  key: string,
  list: ListValue,
  left: boolean,
): void {
  ctx.db.notify("l", left ? "lpop" : "rpop", key);
  afterRemoval(ctx, key, list);
}

/**
 * Delete `key` if `list` is now empty (announcing `del`), else try the compact form; then
 * signal the modification.
 *
 * @example
 * ```ts
 * ctx.db.notify("l", "lrem", key);
 * afterRemoval(ctx, key, list);
 * ```
 */
export function afterRemoval(ctx: CommandContext, key: string, list: ListValue): void {
  if (list.length === 0) {
    ctx.db.remove(key);
    ctx.db.notify("g", "del", key);
  } else shrinkList(list, fillOf(ctx));
  ctx.db.modified(key);
}

/**
 * Write `count` elements of `list` from `start` (towards the head when `reverse`, then
 * `start` is the highest index) as an array reply.
 *
 * @example
 * ```ts
 * replyRange(ctx.reply, list, { start: 0, count: list.length, reverse: false });
 * ```
 */
export function replyRange(
  reply: ReplyWriter,
  list: ListValue,
  range: { start: number; count: number; reverse: boolean },
): void {
  reply.array(range.count);
  list.forEach(range.start, range.count, range.reverse, (s) => reply.bulk(s));
}

/**
 * Pop up to `count` elements from one end, writing them as an array reply in pop order,
 * and do the removal housekeeping. Returns how many were popped.
 *
 * @example
 * ```ts
 * popCountReply(ctx, { key, list, left: true, count: 3 });
 * ```
 */
export function popCountReply(
  ctx: CommandContext,
  opts: { key: string; list: ListValue; left: boolean; count: number },
): number {
  const { key, list, left } = opts;
  const n = Math.min(opts.count, list.length);
  replyRange(ctx.reply, list, { start: left ? 0 : list.length - 1, count: n, reverse: !left });
  list.removeRange(left ? 0 : list.length - n, n);
  elementsRemoved(ctx, key, list, left);
  countChanges(ctx, n);
  return n;
}

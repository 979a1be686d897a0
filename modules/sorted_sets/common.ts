/**
 * Helpers shared by the sorted set command families: COMMAND metadata shorthands, integer
 * arguments with Redis's error texts, the write-side lookup that creates or deletes keys,
 * and the reply shapes Redis uses for (member, score) lists — a flat array in RESP2, an
 * array of [member, score] pairs in RESP3 (never a map: order matters).
 */

import type {
  ArgSpec,
  CommandContext,
  CommandSpec,
  KeySpec,
  ReplyWriter,
} from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import type { ZSet } from "./zset.ts";

/** COMMAND DOCS argument for a command's first key. */
export const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

/**
 * A key spec for one key at argv[`begin`].
 *
 * @example
 * ```ts
 * oneKey(1, "RO", "access");
 * ```
 */
export function oneKey(begin: number, ...flags: KeySpec["flags"]): KeySpec {
  return { flags, begin, find: { lastKey: 0, step: 1, limit: 0 } };
}

/**
 * A key spec for `numkeys key [key ...]` with numkeys at argv[`begin`].
 *
 * @example
 * ```ts
 * numKeys(1, "RO", "access"); // ZUNION numkeys key...
 * ```
 */
export function numKeys(begin: number, ...flags: KeySpec["flags"]): KeySpec {
  return { flags, begin, find: { keyNumIndex: 0, firstKey: 1, step: 1 } };
}

/**
 * A sorted_set group command spec with defaults filled in.
 *
 * @example
 * ```ts
 * zcommand({ name: "zcard", summary: "...", since: "1.2.0", arity: 2, flags: ["readonly", "fast"], handler });
 * ```
 */
export function zcommand(spec: Omit<CommandSpec, "group">): CommandSpec {
  return { group: "sorted_set", ...spec };
}

/**
 * Parse a (long) integer argument or throw `err`.
 *
 * @example
 * ```ts
 * intArg("-1"); // -1
 * ```
 */
export function intArg(s: string, err = NOT_INTEGER): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(err);
  return n;
}

/**
 * Parse an integer that must be at least `min` (Redis's getRangeLongFromObjectOrReply with
 * a message: the same error for "not an integer" and "out of range").
 *
 * @example
 * ```ts
 * atLeastArg("0", 1, "ERR count should be greater than 0"); // throws
 * ```
 */
export function atLeastArg(s: string, min: number, err: string): number {
  const n = parseInteger(s);
  if (n === null || n < min) throw new ReplyError(err);
  return n;
}

/**
 * After removing elements: delete the key if the set is now empty, then signal and send
 * the command's event (plus "del" when the key went). Returns whether the key was deleted.
 *
 * @example
 * ```ts
 * finishRemoval(ctx, key, z, "zrem");
 * ```
 */
export function finishRemoval(ctx: CommandContext, key: string, z: ZSet, event: string): boolean {
  const gone = z.size === 0;
  if (gone) ctx.db.remove(key);
  ctx.db.modified(key);
  ctx.db.notify("z", event, key);
  if (gone) ctx.db.notify("g", "del", key);
  return gone;
}

/**
 * Reply with one (member, score) pair inside a list: [m, s] in RESP3, m s inline in RESP2.
 *
 * @example
 * ```ts
 * r.array(pairCount(r, n)); for (...) pair(r, m, s);
 * ```
 */
export function pair(r: ReplyWriter, member: string, score: number): void {
  if (r.resp === 3) r.array(2);
  r.bulk(member);
  r.double(score);
}

/**
 * Reply with `count` elements of `z` walked from rank `start`, with or without scores.
 *
 * @example
 * ```ts
 * replyWalk(ctx.reply, z, { start: 0, count: z.size, reverse: false, withScores: true });
 * ```
 */
export function replyWalk(
  r: ReplyWriter,
  z: ZSet,
  opts: { start: number; count: number; reverse: boolean; withScores: boolean },
): void {
  const { start, count, reverse, withScores } = opts;
  r.array(withScores && r.resp === 2 ? count * 2 : count);
  if (count <= 0) return;
  let left = count;
  z.walk(start, reverse, (m, s) => {
    if (withScores) pair(r, m, s);
    else r.bulk(m);
    return --left > 0;
  });
}

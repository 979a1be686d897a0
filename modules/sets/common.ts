/**
 * Pieces the set command families share: COMMAND DOCS/INFO building blocks (key specs and
 * arguments that recur), replying with members, and storing a computed set into a
 * destination key the way every *STORE command does.
 */

import type { ArgSpec, CommandContext, KeySpec } from "../../core/spec.ts";
import type { SetValue } from "./set_value.ts";

/** The single key at argv[1], read-only. */
export const READ_KEY: KeySpec[] = [{ flags: ["RO", "access"], begin: 1 }];

/** Every argument from argv[1] on is a key, read-only (SINTER, SUNION, SDIFF). */
export const READ_ALL_KEYS: KeySpec[] = [{
  flags: ["RO", "access"],
  begin: 1,
  find: { lastKey: -1 },
}];

/** A destination at argv[1] and source keys from argv[2] on (the *STORE commands). */
export const STORE_KEYS: KeySpec[] = [
  { flags: ["OW", "update"], begin: 1 },
  { flags: ["RO", "access"], begin: 2, find: { lastKey: -1 } },
];

/** COMMAND DOCS arguments: `key`. */
export const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

/** COMMAND DOCS arguments: `key [key ...]`. */
export const KEYS_ARGS: ArgSpec[] = [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }];

/** COMMAND DOCS arguments: `destination key [key ...]`. */
export const STORE_ARGS: ArgSpec[] = [
  { name: "destination", type: "key", keySpecIndex: 0 },
  { name: "key", type: "key", keySpecIndex: 1, multiple: true },
];

/**
 * Reply with members as a set (RESP3 `~`, RESP2 array).
 *
 * @example
 * ```ts
 * replyMembers(ctx, set.toArray());
 * ```
 */
export function replyMembers(ctx: CommandContext, members: readonly string[]): void {
  const r = ctx.reply;
  r.set(members.length);
  for (let i = 0; i < members.length; i++) r.bulk(members[i]);
}

/**
 * Store `result` under `dst` and reply with its size, as SINTERSTORE/SUNIONSTORE/SDIFFSTORE
 * do: a non-empty result replaces whatever was there (TTL included) and fires `event`; an
 * empty one deletes the destination instead (firing `del` if it existed), since Redis never
 * keeps an empty set.
 *
 * @example
 * ```ts
 * storeResult(ctx, argv[1], result, "sunionstore");
 * ```
 */
export function storeResult(
  ctx: CommandContext,
  dst: string,
  result: SetValue,
  event: string,
): void {
  const db = ctx.db;
  const size = result.size;
  if (size > 0) {
    db.setKey(dst, result);
    db.notify("s", event, dst);
  } else if (db.remove(dst)) {
    db.modified(dst);
    db.notify("g", "del", dst);
  }
  ctx.reply.int(size);
}

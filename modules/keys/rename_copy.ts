/**
 * RENAME, RENAMENX, MOVE and COPY: commands that give a value another name or another
 * database.
 *
 * RENAME and MOVE move the value object itself (no copy, O(1) whatever its size) and carry
 * its TTL along; an existing destination is replaced together with its own TTL. COPY
 * duplicates the value through its TypeSpec's `copy`, so the two keys evolve independently
 * afterwards, and copies the TTL too. A string's "raw" encoding mark travels with it, since
 * Redis moves or duplicates the object together with its encoding.
 *
 * Edge cases kept from Redis: RENAME of a key onto itself answers OK (RENAMENX: 0) when the
 * key exists and "no such key" when it does not; MOVE or COPY onto the same key of the same
 * database is an error ("source and destination objects are the same"); the source's
 * absence is checked before the destination's presence.
 *
 * Events: rename_from / rename_to in the current db, move_from in the source db and move_to
 * in the target db, copy_to in the target db. Overwriting a destination sends no separate
 * `del`, as in Redis. Both keys are signalled as modified (WATCH, client tracking).
 */

import type { CommandContext, CommandSpec, Value } from "../../core/spec.ts";
import { type Db, typeOf } from "../../core/keyspace.ts";
import { NO_SUCH_KEY, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { dbAt, parseDbIndex, SAME_OBJECT_ERR } from "./lookup.ts";

/**
 * Whether `key` holds a string core marks as raw-encoded (APPEND and friends leave one):
 * Redis moves or duplicates the object with its encoding, so the new key keeps the mark.
 */
function isRawString(db: Db, key: string, value: Value): boolean {
  return typeof value === "string" && db.objectEncoding(key) === "raw";
}

/** The shared body of RENAME and RENAMENX. */
function renameKey(ctx: CommandContext, argv: string[], nx: boolean): void {
  const db = ctx.db;
  const src = argv[1];
  const dst = argv[2];
  const value = db.lookupWrite<Value>(src);
  if (value === undefined) throw new ReplyError(NO_SUCH_KEY);
  if (src === dst) {
    if (nx) ctx.reply.int(0);
    else ctx.reply.ok();
    return;
  }
  const expireAt = db.getExpire(src);
  const raw = isRawString(db, src, value);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) {
      ctx.reply.int(0);
      return;
    }
    db.remove(dst);
  }
  db.remove(src);
  db.add(dst, value);
  if (raw) db.markRaw(dst);
  if (expireAt !== -1) db.setExpire(dst, expireAt);
  db.modified(src);
  db.modified(dst);
  db.notify("g", "rename_from", src);
  db.notify("g", "rename_to", dst);
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

const renameKeys = (dstFlags: "update" | "insert") => [
  { flags: ["RW" as const, "access" as const, "delete" as const], begin: 1 },
  { flags: ["OW" as const, dstFlags], begin: 2 },
];
const renameArgs = [
  { name: "key", type: "key" as const, keySpecIndex: 0 },
  { name: "newkey", type: "key" as const, keySpecIndex: 1 },
];

/**
 * RENAME, RENAMENX, MOVE and COPY.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [...renameCopyCommands] };
 * ```
 */
export const renameCopyCommands: CommandSpec[] = [
  {
    name: "rename",
    group: "generic",
    summary: "Gives a key a new name, replacing any key already called so.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write"],
    keys: renameKeys("update"),
    arguments: renameArgs,
    handler: (ctx, argv) => renameKey(ctx, argv, false),
  },
  {
    name: "renamenx",
    group: "generic",
    summary: "Gives a key a new name only when no key has that name yet.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "fast"],
    keys: renameKeys("insert"),
    arguments: renameArgs,
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
    handler: (ctx, argv) => renameKey(ctx, argv, true),
  },
  {
    name: "move",
    group: "generic",
    summary: "Moves a key, with its TTL, to another database.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "access", "update"], begin: 1 }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "db", type: "integer" }],
    handler(ctx, argv) {
      const src = ctx.db;
      const dst = dbAt(ctx, parseDbIndex(argv[2]));
      if (dst === src) throw new ReplyError(SAME_OBJECT_ERR);
      const key = argv[1];
      const value = src.lookupWrite<Value>(key);
      if (value === undefined) {
        ctx.reply.int(0);
        return;
      }
      const expireAt = src.getExpire(key);
      if (dst.lookupWrite(key) !== undefined) {
        ctx.reply.int(0);
        return;
      }
      dst.add(key, value);
      if (isRawString(src, key, value)) dst.markRaw(key);
      if (expireAt !== -1) dst.setExpire(key, expireAt);
      src.remove(key);
      src.modified(key);
      dst.modified(key);
      src.notify("g", "move_from", key);
      dst.notify("g", "move_to", key);
      ctx.reply.int(1);
    },
  },
  {
    name: "copy",
    group: "generic",
    summary: "Duplicates a key's value, and its TTL, under another name or database.",
    since: "6.2.0",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RO", "access"], begin: 1 }, { flags: ["OW", "update"], begin: 2 }],
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      { name: "destination-db", type: "integer", token: "DB", optional: true },
      { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
    ],
    handler(ctx, argv) {
      const src = ctx.db;
      let dst = src;
      let replace = false;
      for (let i = 3; i < argv.length; i++) {
        const opt = argv[i].toLowerCase();
        if (opt === "replace") replace = true;
        else if (opt === "db" && i + 1 < argv.length) dst = dbAt(ctx, parseDbIndex(argv[++i]));
        else throw new ReplyError(SYNTAX_ERR);
      }
      const key = argv[1];
      const newKey = argv[2];
      if (src === dst && key === newKey) throw new ReplyError(SAME_OBJECT_ERR);
      const value = src.lookup(key);
      if (value === undefined) {
        ctx.reply.int(0);
        return;
      }
      const expireAt = src.getExpire(key);
      if (dst.lookupWrite(newKey) !== undefined) {
        if (!replace) {
          ctx.reply.int(0);
          return;
        }
        dst.remove(newKey);
      }
      dst.add(newKey, typeOf(value).copy(value));
      if (isRawString(src, key, value)) dst.markRaw(newKey);
      if (expireAt !== -1) dst.setExpire(newKey, expireAt);
      dst.modified(newKey);
      dst.notify("g", "copy_to", newKey);
      ctx.reply.int(1);
    },
  },
];

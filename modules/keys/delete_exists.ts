/**
 * DEL, UNLINK, EXISTS, TOUCH and TYPE: the commands that ask about or drop whole keys.
 *
 * DEL and UNLINK share one implementation. In Redis they differ only in where the memory of
 * a big value is released: DEL frees it on the main thread (O(elements)), UNLINK hands it to
 * a background thread (`lazyfree-lazy-user-del` makes DEL behave like UNLINK). In Modis
 * removing a key only unhooks a reference from the keyspace Dict, which is O(1) whatever the
 * value's size; the objects are reclaimed by the runtime's garbage collector, whose marking
 * and sweeping run incrementally and largely on helper threads in both V8 (Deno) and
 * JavaScriptCore (Bun). So both commands are already "lazy" and the config changes nothing
 * observable; there is no time-sliced freeing to schedule because there is no free() to call.
 *
 * Expired keys count as absent: a key past its deadline is deleted by lazy expiry (with its
 * own `expired` event and propagated DEL) and does not count as deleted by the command. A
 * replica keeps such keys until its master's DEL arrives, and that DEL does remove them.
 *
 * EXISTS counts a key as many times as it is named (EXISTS k k → 2). EXISTS and TYPE do not
 * refresh access times; TOUCH exists precisely to refresh them, even for a client in
 * CLIENT NO-TOUCH mode (as in Redis, where TOUCH is exempt from no-touch).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { typeOf } from "../../core/keyspace.ts";
import { lookupNoTouch } from "./lookup.ts";

/** The shared body of DEL and UNLINK. */
function deleteKeys(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    // Lazy expiry first: a master deletes a key past its deadline here (it counts as absent);
    // a replica keeps it for its master's DEL, and this DEL is that one.
    if (db.volatileCount > 0) db.expireIfDue(key);
    if (!db.remove(key)) continue;
    db.modified(key);
    db.notify("g", "del", key);
    deleted++;
  }
  ctx.reply.int(deleted);
}

const multiKeyTips = ["request_policy:multi_shard", "response_policy:agg_sum"];
const keysArg = [{ name: "key", type: "key" as const, keySpecIndex: 0, multiple: true }];

/**
 * DEL, UNLINK, EXISTS, TOUCH and TYPE.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [...deleteExistsCommands] };
 * ```
 */
export const deleteExistsCommands: CommandSpec[] = [
  {
    name: "del",
    group: "generic",
    summary: "Removes keys and their values.",
    since: "1.0.0",
    complexity: "O(N) where N is the number of keys; O(1) per key whatever its value's size.",
    arity: -2,
    flags: ["write"],
    keys: [{ flags: ["RM", "delete"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: keysArg,
    tips: multiKeyTips,
    handler: deleteKeys,
  },
  {
    name: "unlink",
    group: "generic",
    summary: "Removes keys, leaving the reclamation of their memory for later.",
    since: "4.0.0",
    complexity: "O(1) for each key removed regardless of its size.",
    arity: -2,
    flags: ["write", "fast"],
    keys: [{ flags: ["RM", "delete"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: keysArg,
    tips: multiKeyTips,
    handler: deleteKeys,
  },
  {
    name: "exists",
    group: "generic",
    summary: "Counts how many of the named keys exist.",
    since: "1.0.0",
    complexity: "O(N) where N is the number of keys to check.",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: keysArg,
    tips: multiKeyTips,
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    handler(ctx, argv) {
      let count = 0;
      for (let i = 1; i < argv.length; i++) {
        if (lookupNoTouch(ctx, argv[i]) !== undefined) count++;
      }
      ctx.reply.int(count);
    },
  },
  {
    name: "touch",
    group: "generic",
    summary: "Refreshes the last access time of keys and counts those that exist.",
    since: "3.2.1",
    complexity: "O(N) where N is the number of keys that will be touched.",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: keysArg,
    tips: multiKeyTips,
    handler(ctx, argv) {
      const client = ctx.client;
      const noTouch = client.noTouch;
      client.noTouch = false;
      let touched = 0;
      try {
        for (let i = 1; i < argv.length; i++) {
          if (ctx.db.lookup(argv[i]) !== undefined) touched++;
        }
      } finally {
        client.noTouch = noTouch;
      }
      ctx.reply.int(touched);
    },
  },
  {
    name: "type",
    group: "generic",
    summary: "Tells the type of the value stored at a key.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1 }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    handler(ctx, argv) {
      const value = lookupNoTouch(ctx, argv[1]);
      ctx.reply.simple(value === undefined ? "none" : typeOf(value).name);
    },
  },
];

/**
 * Membership commands: SADD, SREM, SMOVE (writes) and SCARD, SISMEMBER, SMISMEMBER,
 * SMEMBERS (reads).
 *
 * Writes follow core's discipline: lookup (WRONGTYPE) → mutate → `db.modified` → keyspace
 * event → reply, and only when something changed: SADD of members already present and SREM
 * of absent ones neither signal nor propagate. Removing the last member deletes the key and
 * fires `del` after the command's own event, as Redis does.
 *
 * SADD picks the encoding of a new set from its first member and the number of members the
 * command carries, and converts an existing small set up front when that number alone is
 * over the limit (set_value.ts explains the rules). SMOVE's checks run in Redis's order,
 * which is observable: a missing source answers 0 before the destination's type is looked
 * at, and moving within one key only reports membership.
 */

import type { CommandSpec, Value } from "../../core/spec.ts";
import { ReplyError, WRONGTYPE } from "../../core/errors.ts";
import { typeOf } from "../../core/keyspace.ts";
import { createSet, setType, type SetValue } from "./set_value.ts";
import { setLimits } from "./limits.ts";
import { KEY_ARG, READ_KEY, replyMembers } from "./common.ts";

const MEMBERS_ARG = { name: "member", type: "string" as const, multiple: true };

/**
 * SADD, SREM, SMOVE, SCARD, SISMEMBER, SMISMEMBER and SMEMBERS.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sets", commands: [...memberCommands] };
 * ```
 */
export const memberCommands: CommandSpec[] = [
  {
    name: "sadd",
    group: "set",
    summary: "Adds members to a set, creating it when missing.",
    since: "1.0.0",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["RW", "insert"], begin: 1 }],
    arguments: [KEY_ARG, MEMBERS_ARG],
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler(ctx, argv) {
      const db = ctx.db;
      const key = argv[1];
      const limits = setLimits(ctx.server);
      const hint = argv.length - 2;
      let set = db.lookupWrite(key, setType);
      if (set === undefined) {
        set = createSet(argv[2], hint, limits);
        db.add(key, set);
      } else {
        set.fitFor(hint, limits);
      }
      let added = 0;
      for (let j = 2; j < argv.length; j++) if (set.add(argv[j], limits)) added++;
      if (added > 0) {
        db.modified(key);
        db.notify("s", "sadd", key);
      }
      ctx.reply.int(added);
    },
  },
  {
    name: "srem",
    group: "set",
    summary: "Removes members from a set, deleting it when it becomes empty.",
    since: "1.0.0",
    complexity: "O(N) where N is the number of members to be removed.",
    arity: -3,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "delete"], begin: 1 }],
    arguments: [KEY_ARG, MEMBERS_ARG],
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler(ctx, argv) {
      const db = ctx.db;
      const key = argv[1];
      const set = db.lookupWrite(key, setType);
      if (set === undefined) return ctx.reply.int(0);
      let removed = 0;
      let emptied = false;
      for (let j = 2; j < argv.length; j++) {
        if (!set.delete(argv[j])) continue;
        removed++;
        if (set.size === 0) {
          db.remove(key);
          emptied = true;
          break;
        }
      }
      if (removed > 0) {
        db.modified(key);
        db.notify("s", "srem", key);
        if (emptied) db.notify("g", "del", key);
      }
      ctx.reply.int(removed);
    },
  },
  {
    name: "smove",
    group: "set",
    summary: "Moves a member from one set to another.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "fast"],
    keys: [
      { flags: ["RW", "access", "delete"], begin: 1 },
      { flags: ["RW", "insert"], begin: 2 },
    ],
    arguments: [
      { name: "source", type: "key", keySpecIndex: 0 },
      { name: "destination", type: "key", keySpecIndex: 1 },
      { name: "member", type: "string" },
    ],
    handler(ctx, argv) {
      const db = ctx.db;
      const [, srcKey, dstKey, member] = argv;
      const src = db.lookupWrite<Value>(srcKey);
      const dstValue = db.lookupWrite<Value>(dstKey);
      if (src === undefined) return ctx.reply.int(0);
      if (typeOf(src) !== setType || (dstValue !== undefined && typeOf(dstValue) !== setType)) {
        throw new ReplyError(WRONGTYPE);
      }
      const srcSet = src as SetValue;
      if (srcKey === dstKey) return ctx.reply.int(srcSet.has(member) ? 1 : 0);
      if (!srcSet.delete(member)) return ctx.reply.int(0);
      db.notify("s", "srem", srcKey);
      if (srcSet.size === 0) {
        db.remove(srcKey);
        db.notify("g", "del", srcKey);
      }
      const limits = setLimits(ctx.server);
      let dst = dstValue as SetValue | undefined;
      if (dst === undefined) {
        dst = createSet(member, 1, limits);
        db.add(dstKey, dst);
      }
      db.modified(srcKey);
      if (dst.add(member, limits)) {
        db.modified(dstKey);
        db.notify("s", "sadd", dstKey);
      }
      ctx.reply.int(1);
    },
  },
  {
    name: "scard",
    group: "set",
    summary: "Returns the number of members of a set.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1 }],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      ctx.reply.int(ctx.db.lookupRead(argv[1], setType)?.size ?? 0);
    },
  },
  {
    name: "sismember",
    group: "set",
    summary: "Tells whether a value is a member of a set.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1 }],
    arguments: [KEY_ARG, { name: "member", type: "string" }],
    handler(ctx, argv) {
      const set = ctx.db.lookupRead(argv[1], setType);
      ctx.reply.int(set !== undefined && set.has(argv[2]) ? 1 : 0);
    },
  },
  {
    name: "smismember",
    group: "set",
    summary: "Tells, for each of several values, whether it is a member of a set.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of elements being checked for membership",
    arity: -3,
    flags: ["readonly", "fast"],
    keys: READ_KEY,
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler(ctx, argv) {
      const set = ctx.db.lookupRead(argv[1], setType);
      const r = ctx.reply;
      r.array(argv.length - 2);
      for (let j = 2; j < argv.length; j++) r.int(set !== undefined && set.has(argv[j]) ? 1 : 0);
    },
  },
  {
    name: "smembers",
    group: "set",
    summary: "Returns every member of a set.",
    since: "1.0.0",
    complexity: "O(N) where N is the set cardinality.",
    arity: 2,
    flags: ["readonly"],
    keys: READ_KEY,
    arguments: [KEY_ARG],
    tips: ["nondeterministic_output_order"],
    handler(ctx, argv) {
      const set = ctx.db.lookupRead(argv[1], setType);
      replyMembers(ctx, set === undefined ? [] : set.toArray());
    },
  },
];

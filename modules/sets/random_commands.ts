/**
 * Random sampling: SPOP and SRANDMEMBER.
 *
 * Every draw is uniform: each encoding can pick a member by position in O(1) (a hashtable
 * set keeps its members in a dense array for exactly this), so there is no chain bias to
 * correct for as in a bucket-sampling hash table.
 *
 * SPOP with a count follows Redis's three cases, because two of them are observable:
 * - count >= size: the whole set is returned and the key deleted; it propagates as DEL (or
 *   UNLINK under lazyfree-lazy-server-del);
 * - few members (the remainder is more than a fifth of the count): pop them one by one;
 * - most members: draw the *remaining* members into a new set (intset from an intset, else a
 *   listpack converting as it grows), reply with what is left in the old one, and store the
 *   new one (keeping the TTL). This is faster and changes the encoding like Redis does.
 * Either way the popped members propagate as SREM commands of at most 1024 members, never
 * as SPOP, so replicas and the AOF remove exactly the same members.
 *
 * SRANDMEMBER with a count follows Redis's cases too: a negative count samples with
 * repetition; a count covering the set returns all of it; a listpack is sampled in one
 * ordered pass (selection sampling); a count close to the size copies the set and drops
 * random members (cheaper than rejecting duplicates); a small count draws until it has
 * enough distinct members.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { emptySet, setType } from "./set_value.ts";
import { setLimits } from "./limits.ts";
import { KEY_ARG, replyMembers } from "./common.ts";

/** SPOP's switch to rebuilding: when the remainder times this is at most the count. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER's switch to copy-and-drop: when the count times this exceeds the size. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;
/** Most members one propagated SREM carries. */
const SREM_BATCH = 1024;

const LONG_MIN_TEXT = "-9223372036854775808";

/** SPOP key count: the pop-many variant. */
function spopWithCount(ctx: CommandContext, argv: string[]): void {
  const count = parseInteger(argv[2]);
  if (count === null || count < 0) {
    throw new ReplyError("ERR value is out of range, must be positive");
  }
  const db = ctx.db;
  const key = argv[1];
  const set = db.lookupWrite(key, setType);
  if (set === undefined || count === 0) return ctx.reply.set(0);
  const size = set.size;
  db.notify("s", "spop", key);

  if (count >= size) {
    replyMembers(ctx, set.toArray());
    db.remove(key);
    db.notify("g", "del", key);
    ctx.propagate([
      ctx.server.config.get("lazyfree-lazy-server-del") === "yes" ? "UNLINK" : "DEL",
      key,
    ]);
    db.modified(key);
    return;
  }

  const r = ctx.reply;
  r.set(count);
  let srem = ["SREM", key];
  const emit = (m: string) => {
    r.bulk(m);
    srem.push(m);
    if (srem.length === 2 + SREM_BATCH) {
      ctx.server.propagate(db.index, srem);
      srem = ["SREM", key];
    }
  };
  const remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0; i < count; i++) emit(set.popRandom());
  } else {
    const limits = setLimits(ctx.server);
    const kept = emptySet(set.encoding === "intset" ? "intset" : "listpack");
    for (let i = 0; i < remaining; i++) kept.add(set.popRandom(), limits);
    for (let i = 0; i < count; i++) emit(set.at(i));
    db.overwrite(key, kept);
  }
  if (srem.length > 2) ctx.server.propagate(db.index, srem);
  ctx.preventPropagation();
  db.modified(key);
}

/** SRANDMEMBER key count. */
function srandmemberWithCount(ctx: CommandContext, argv: string[]): void {
  const l = parseInteger(argv[2]);
  if (l === null) throw new ReplyError(NOT_INTEGER);
  if (argv[2] === LONG_MIN_TEXT) {
    throw new ReplyError(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  const unique = l >= 0;
  const count = Math.abs(l);
  const set = ctx.db.lookupRead(argv[1], setType);
  const r = ctx.reply;
  if (set === undefined || count === 0) return r.array(0);
  const size = set.size;

  // With repetition (and the trivial count of 1): independent uniform draws.
  if (!unique || count === 1) {
    r.array(count);
    for (let i = 0; i < count; i++) r.bulk(set.random());
    return;
  }
  // The whole set.
  if (count >= size) return r.bulks(set.toArray());

  let picked: string[];
  if (set.encoding === "listpack") {
    // Selection sampling: one ordered pass, each member taken with probability
    // (still needed) / (still available), which yields a uniform subset.
    picked = [];
    for (let i = 0; picked.length < count; i++) {
      if (Math.random() * (size - i) < count - picked.length) picked.push(set.at(i));
    }
  } else if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Copy everything, then drop random members until `count` are left.
    picked = set.toArray();
    while (picked.length > count) {
      const i = Math.floor(Math.random() * picked.length);
      picked[i] = picked[picked.length - 1];
      picked.pop();
    }
  } else {
    // Draw until enough distinct members have come up.
    const seen = new Set<string>();
    while (seen.size < count) seen.add(set.random());
    picked = [...seen];
  }
  r.bulks(picked);
}

/**
 * SPOP and SRANDMEMBER.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sets", commands: [...randomCommands] };
 * ```
 */
export const randomCommands: CommandSpec[] = [
  {
    name: "spop",
    group: "set",
    summary: "Removes and returns random members of a set, deleting it when it becomes empty.",
    since: "1.0.0",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    arity: -2,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "access", "delete"], begin: 1 }],
    arguments: [KEY_ARG, { name: "count", type: "integer", optional: true, since: "3.2.0" }],
    history: [["3.2.0", "Added the `count` argument."]],
    tips: ["nondeterministic_output"],
    handler(ctx, argv) {
      if (argv.length === 3) return spopWithCount(ctx, argv);
      if (argv.length > 3) throw new ReplyError(SYNTAX_ERR);
      const db = ctx.db;
      const key = argv[1];
      const set = db.lookupWrite(key, setType);
      if (set === undefined) return ctx.reply.null();
      const member = set.popRandom();
      db.notify("s", "spop", key);
      ctx.propagate(["SREM", key, member]);
      ctx.reply.bulk(member);
      if (set.size === 0) {
        db.remove(key);
        db.notify("g", "del", key);
      }
      db.modified(key);
    },
  },
  {
    name: "srandmember",
    group: "set",
    summary: "Returns random members of a set without removing them.",
    since: "1.0.0",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    arity: -2,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG, { name: "count", type: "integer", optional: true, since: "2.6.0" }],
    history: [["2.6.0", "Added the optional `count` argument."]],
    tips: ["nondeterministic_output"],
    handler(ctx, argv) {
      if (argv.length === 3) return srandmemberWithCount(ctx, argv);
      if (argv.length > 3) throw new ReplyError(SYNTAX_ERR);
      const set = ctx.db.lookupRead(argv[1], setType);
      ctx.reply.bulk(set === undefined ? null : set.random());
    },
  },
];

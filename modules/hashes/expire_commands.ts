/**
 * The field-expiry commands (Redis 7.4): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT (one core),
 * HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME (one core) and HPERSIST.
 *
 * All take `FIELDS numfields field...` and answer one integer per field:
 *   set commands   -2 no such field, 0 NX/XX/GT/LT condition not met, 1 deadline set,
 *                  2 deleted because the deadline is already past;
 *   TTL commands   -2 no such field (or expired), -1 no deadline, else the time;
 *   HPERSIST       -2 no such field (or expired), -1 no deadline, 1 deadline removed.
 * A missing key behaves as an empty hash (all -2). A field without a deadline counts as
 * "infinite" for GT/LT: LT and NX may set it, XX and GT may not.
 *
 * Deadlines are absolute unix milliseconds internally, limited to 2^46-1 (Redis's
 * HFE_MAX_ABS_TIME_MSEC) so they always fit its expiry structures. A deadline in the past
 * deletes the field at once (HDEL propagated). Propagation: the set commands go out as
 * HPEXPIREAT with the absolute time and only the fields that were really set (none: not
 * propagated at all), so a replica or AOF replay never computes a relative time itself.
 *
 * Events: `hexpire` when deadlines were set, `hdel` instead when a past deadline deleted
 * fields (plus `del` if the hash emptied), `hpersist` when HPERSIST removed one.
 * The listpack → listpackex conversion happens on any set command that finds the hash, as
 * in Redis, even when no field ends up with a deadline.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { parseInt64 } from "../../core/numbers.ts";
import { isExpired, trackHash } from "./field_expiry.ts";
import { FIELDS_ARG, hashCommand, readableHash, writableHash } from "./common.ts";

/** Redis's HFE_MAX_ABS_TIME_MSEC: (2^48 - 1) >> 2. */
const MAX_ABS_MS = 2 ** 46 - 1;

const MISSING_FIELDS = "ERR Mandatory argument FIELDS is missing or not at the right position";
const COUNT_MISMATCH = "ERR The `numfields` parameter must match the number of arguments";

/**
 * Validate `FIELDS numfields field...` starting at `at` (the FIELDS token); returns the
 * fields. `countError` is the command's message for a bad numfields.
 */
function fieldsArg(argv: string[], at: number, countError: string): string[] {
  if (argv[at].toLowerCase() !== "fields") throw new ReplyError(MISSING_FIELDS);
  const n = parseInt64(argv[at + 1]);
  if (n === null || n < 1n) throw new ReplyError(countError);
  if (n !== BigInt(argv.length - at - 2)) throw new ReplyError(COUNT_MISMATCH);
  return argv.slice(at + 2);
}

/** Reply with one -2 per field (the key does not exist). */
function allMissing(ctx: CommandContext, n: number): void {
  ctx.reply.array(n);
  for (let i = 0; i < n; i++) ctx.reply.int(-2);
}

type Condition = "nx" | "xx" | "gt" | "lt" | null;

/** Whether a deadline change from `prev` (0 = none) to `at` meets the condition. */
function conditionMet(cond: Condition, prev: number, at: number): boolean {
  if (prev === 0) return cond !== "xx" && cond !== "gt";
  if (cond === "nx") return false;
  if (cond === "gt") return at > prev;
  if (cond === "lt") return at < prev;
  return true;
}

/** The HEXPIRE family: `unitMs` 1000 or 1, `relative` for HEXPIRE/HPEXPIRE. */
function hexpire(
  ctx: CommandContext,
  argv: string[],
  name: string,
  unitMs: number,
  relative: boolean,
): void {
  const key = argv[1];
  const db = ctx.db;
  const hash = writableHash(ctx, key);
  const t = parseInt64(argv[2]);
  if (t === null) throw new ReplyError(NOT_INTEGER);
  if (t < 0n) throw new ReplyError("ERR invalid expire time, must be >= 0");
  const tooBig = `ERR invalid expire time in '${name}' command`;
  if (t > BigInt(Math.floor(MAX_ABS_MS / unitMs))) throw new ReplyError(tooBig);
  const base = relative ? ctx.server.now() : 0;
  let at = Number(t) * unitMs;
  if (at > MAX_ABS_MS - base) throw new ReplyError(tooBig);
  at += base;
  const word = argv[3].toLowerCase();
  const cond: Condition = word === "nx" || word === "xx" || word === "gt" || word === "lt"
    ? word
    : null;
  const fieldsAt = cond === null ? 3 : 4;
  const fields = fieldsArg(argv, fieldsAt, "ERR Parameter `numFields` should be greater than 0");
  if (hash === undefined) return allMissing(ctx, fields.length);
  hash.allowTtls();
  const now = ctx.server.now();
  const pastDue = at <= now && !ctx.server.isReplica && ctx.client.kind !== "master";
  const set: string[] = [];
  let deleted = 0;
  ctx.reply.array(fields.length);
  for (const field of fields) {
    if (!hash.has(field)) {
      ctx.reply.int(-2);
      continue;
    }
    if (!conditionMet(cond, hash.ttlOf(field), at)) {
      ctx.reply.int(0);
      continue;
    }
    if (pastDue) {
      hash.delete(field);
      ctx.server.propagate(db.index, ["HDEL", key, field]);
      deleted++;
      ctx.reply.int(2);
      continue;
    }
    hash.setTtl(field, at);
    set.push(field);
    ctx.reply.int(1);
  }
  if (deleted + set.length === 0) return ctx.preventPropagation();
  if (hash.size === 0) {
    db.remove(key);
    db.modified(key);
    db.notify("h", "hdel", key);
    db.notify("g", "del", key);
  } else {
    db.modified(key);
    db.notify("h", deleted > 0 ? "hdel" : "hexpire", key);
    trackHash(ctx.server, db, key, hash);
  }
  if (set.length === 0) return ctx.preventPropagation();
  const condArg = cond === null ? [] : [argv[3]];
  ctx.propagate(["HPEXPIREAT", key, String(at), ...condArg, "FIELDS", String(set.length), ...set]);
}

/** The HTTL family: `unitMs` 1000 or 1, `relative` for HTTL/HPTTL. */
function httl(ctx: CommandContext, argv: string[], unitMs: number, relative: boolean): void {
  const hash = readableHash(ctx, argv[1]);
  const fields = fieldsArg(argv, 2, "ERR Number of fields must be a positive integer");
  if (hash === undefined) return allMissing(ctx, fields.length);
  const now = ctx.server.now();
  const base = relative ? now : 0;
  ctx.reply.array(fields.length);
  for (const field of fields) {
    if (!hash.has(field)) {
      ctx.reply.int(-2);
      continue;
    }
    const at = hash.ttlOf(field);
    if (at === 0) ctx.reply.int(-1);
    else if (isExpired(at, now)) ctx.reply.int(-2);
    else ctx.reply.int(unitMs === 1 ? at - base : Math.floor((at + 999 - base) / 1000));
  }
}

function hpersist(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const hash = writableHash(ctx, key);
  const fields = fieldsArg(argv, 2, "ERR Number of fields must be a positive integer");
  if (hash === undefined) return allMissing(ctx, fields.length);
  const now = ctx.server.now();
  let changed = false;
  ctx.reply.array(fields.length);
  for (const field of fields) {
    if (!hash.has(field)) {
      ctx.reply.int(-2);
      continue;
    }
    const at = hash.ttlOf(field);
    if (at === 0) ctx.reply.int(-1);
    else if (isExpired(at, now)) ctx.reply.int(-2);
    else {
      hash.persist(field);
      changed = true;
      ctx.reply.int(1);
    }
  }
  if (changed) {
    ctx.db.notify("h", "hpersist", key);
    ctx.db.modified(key);
  }
}

const SET_VARIANTS: [string, string, string, number, boolean][] = [
  ["hexpire", "Sets a time to live in seconds on hash fields.", "seconds", 1000, true],
  ["hpexpire", "Sets a time to live in milliseconds on hash fields.", "milliseconds", 1, true],
  [
    "hexpireat",
    "Sets an absolute expiry time (unix seconds) on hash fields.",
    "unix-time-seconds",
    1000,
    false,
  ],
  [
    "hpexpireat",
    "Sets an absolute expiry time (unix milliseconds) on hash fields.",
    "unix-time-milliseconds",
    1,
    false,
  ],
];

const TTL_VARIANTS: [string, string, number, boolean][] = [
  ["httl", "Returns the remaining time to live of hash fields, in seconds.", 1000, true],
  ["hpttl", "Returns the remaining time to live of hash fields, in milliseconds.", 1, true],
  ["hexpiretime", "Returns the absolute expiry time of hash fields, in unix seconds.", 1000, false],
  [
    "hpexpiretime",
    "Returns the absolute expiry time of hash fields, in unix milliseconds.",
    1,
    false,
  ],
];

/**
 * The field-expiry commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "hashes", commands: [...expireCommands] };
 * ```
 */
export const expireCommands: CommandSpec[] = [
  ...SET_VARIANTS.map(([name, summary, argName, unitMs, relative]) =>
    hashCommand({
      name,
      summary,
      since: "7.4.0",
      complexity: "O(N) where N is the number of specified fields",
      arity: -6,
      flags: ["write", "denyoom", "fast"],
      keyFlags: ["RW", "update"],
      args: [
        { name: argName, type: relative ? "integer" : "unix-time" },
        {
          name: "condition",
          type: "oneof",
          optional: true,
          arguments: ["nx", "xx", "gt", "lt"].map((t) => ({
            name: t,
            type: "pure-token" as const,
            token: t.toUpperCase(),
          })),
        },
        FIELDS_ARG,
      ],
      handler: (ctx, argv) => hexpire(ctx, argv, name, unitMs, relative),
    })
  ),
  ...TTL_VARIANTS.map(([name, summary, unitMs, relative]) =>
    hashCommand({
      name,
      summary,
      since: "7.4.0",
      complexity: "O(N) where N is the number of specified fields",
      arity: -5,
      flags: ["readonly", "fast"],
      keyFlags: ["RO", "access"],
      args: [FIELDS_ARG],
      handler: (ctx, argv) => httl(ctx, argv, unitMs, relative),
    })
  ),
  hashCommand({
    name: "hpersist",
    summary: "Removes the expiry time of hash fields.",
    since: "7.4.0",
    complexity: "O(N) where N is the number of specified fields",
    arity: -5,
    flags: ["write", "fast"],
    keyFlags: ["RW", "update"],
    args: [FIELDS_ARG],
    handler: hpersist,
  }),
];

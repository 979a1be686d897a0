/**
 * Key expiry: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME and
 * PERSIST.
 *
 * The four setters are one function parameterised by unit (seconds or ms) and base time
 * (the command's time snapshot for relative forms, 0 for absolute ones). Deadlines are
 * absolute unix times in ms. The argument is an int64 and the arithmetic is checked in
 * BigInt the way Redis checks it in C: seconds beyond ±LLONG_MAX/1000, or a sum past
 * LLONG_MAX, is "invalid expire time in '<command>' command". Negative and past deadlines
 * are legal and mean "delete now".
 *
 * NX / XX / GT / LT compare with the current deadline, a key without TTL counting as an
 * infinite one (so GT never applies to it and LT always does). A condition that does not
 * hold, or a missing key, answers 0 and changes nothing.
 *
 * Effects, as in Redis: a deadline at or before now deletes the key at once (event `del`,
 * propagated as DEL, or UNLINK under `lazyfree-lazy-expire`), except on a replica, which
 * stores the past deadline and waits for its master's DEL. Otherwise the TTL is set (event
 * `expire`) and relative or second-based forms propagate as PEXPIREAT with the absolute ms
 * time, so a replica or a reloaded AOF computes the same deadline whenever it applies it.
 *
 * The getters do not refresh the key's access time. TTL rounds to the nearest second
 * ((ms + 500) / 1000) as Redis does; a key past its deadline but not yet reclaimed reads as
 * absent because lookups expire it first.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { INT64_MAX, INT64_MIN, parseInt64, parseInteger } from "../../core/numbers.ts";
import { NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { configYes, lookupNoTouch } from "./lookup.ts";

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

const SECONDS_MAX = INT64_MAX / 1000n;
const SECONDS_MIN = INT64_MIN / 1000n;

/** Parse the NX/XX/GT/LT options from argv[3] on, with Redis's checks and texts. */
function parseConditions(argv: string[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === "nx") flags |= NX;
    else if (opt === "xx") flags |= XX;
    else if (opt === "gt") flags |= GT;
    else if (opt === "lt") flags |= LT;
    else throw new ReplyError(`ERR Unsupported option ${argv[i]}`);
  }
  if ((flags & NX) && (flags & (XX | GT | LT))) {
    throw new ReplyError("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((flags & GT) && (flags & LT)) {
    throw new ReplyError("ERR GT and LT options at the same time are not compatible");
  }
  return flags;
}

/** Whether the conditions allow replacing deadline `current` (-1 = none) with `when`. */
function conditionsHold(flags: number, current: number, when: number): boolean {
  if ((flags & NX) && current !== -1) return false;
  if ((flags & XX) && current === -1) return false;
  if ((flags & GT) && (current === -1 || when <= current)) return false;
  if ((flags & LT) && current !== -1 && when >= current) return false;
  return true;
}

interface ExpireForm {
  /** Lower-case command name, for the error text. */
  name: string;
  seconds: boolean;
  relative: boolean;
}

/**
 * The absolute deadline in ms that an expire argument asks for (a bigint when it is past
 * what a number holds exactly, so propagation stays exact). Arguments of up to 12
 * digits (every real deadline) are computed in plain numbers, exactly: even in seconds and
 * relative they stay far below 2^53. Longer ones go through int64 arithmetic for Redis's
 * overflow checks.
 */
function deadlineOf(arg: string, form: ExpireForm, now: number): number | bigint {
  const invalid = () => new ReplyError(`ERR invalid expire time in '${form.name}' command`);
  if (arg.length <= 12) {
    const n = parseInteger(arg);
    if (n === null) throw new ReplyError(NOT_INTEGER);
    const ms = form.seconds ? n * 1000 : n;
    return form.relative ? ms + now : ms;
  }
  let when = parseInt64(arg);
  if (when === null) throw new ReplyError(NOT_INTEGER);
  if (form.seconds) {
    if (when > SECONDS_MAX || when < SECONDS_MIN) throw invalid();
    when *= 1000n;
  }
  if (form.relative) {
    const base = BigInt(now);
    if (when > INT64_MAX - base) throw invalid();
    when += base;
  }
  return when;
}

/** The shared body of the four setters. */
function setExpire(ctx: CommandContext, argv: string[], form: ExpireForm): void {
  const flags = parseConditions(argv);
  const now = ctx.server.now();
  const when = deadlineOf(argv[2], form, now);
  const at = Number(when);
  const db = ctx.db;
  const key = argv[1];
  if (db.lookupWrite(key) === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (flags !== 0 && !conditionsHold(flags, db.getExpire(key), at)) {
    ctx.reply.int(0);
    return;
  }
  if (at <= now && !ctx.server.isReplica) {
    db.remove(key);
    db.modified(key);
    db.notify("g", "del", key);
    ctx.propagate([configYes(ctx, "lazyfree-lazy-expire") ? "UNLINK" : "DEL", key]);
    ctx.reply.int(1);
    return;
  }
  db.setExpire(key, at);
  if (form.relative || form.seconds) {
    ctx.propagate(["PEXPIREAT", key, String(when), ...argv.slice(3)]);
  }
  db.modified(key);
  db.notify("g", "expire", key);
  ctx.reply.int(1);
}

/** The shared body of TTL, PTTL, EXPIRETIME and PEXPIRETIME. */
function readExpire(ctx: CommandContext, key: string, ms: boolean, absolute: boolean): void {
  if (lookupNoTouch(ctx, key) === undefined) {
    ctx.reply.int(-2);
    return;
  }
  const at = ctx.db.getExpire(key);
  if (at === -1) {
    ctx.reply.int(-1);
    return;
  }
  const t = Math.max(0, absolute ? at : at - ctx.server.now());
  ctx.reply.int(ms ? t : Math.floor((t + 500) / 1000));
}

const conditionArg = {
  name: "condition",
  type: "oneof" as const,
  optional: true,
  since: "7.0.0",
  arguments: ["nx", "xx", "gt", "lt"].map((n) => ({
    name: n,
    type: "pure-token" as const,
    token: n.toUpperCase(),
  })),
};
const setterHistory: [string, string][] = [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]];

function setter(form: ExpireForm, since: string, summary: string, argName: string): CommandSpec {
  return {
    name: form.name,
    group: "generic",
    summary,
    since,
    complexity: "O(1)",
    arity: -3,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "update"], begin: 1 }],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: argName, type: form.relative ? "integer" : "unix-time" },
      conditionArg,
    ],
    history: setterHistory,
    handler: (ctx, argv) => setExpire(ctx, argv, form),
  };
}

function getter(
  name: string,
  since: string,
  summary: string,
  ms: boolean,
  absolute: boolean,
): CommandSpec {
  return {
    name,
    group: "generic",
    summary,
    since,
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    history: absolute ? undefined : [["2.8.0", "Added the -2 reply."]],
    tips: absolute ? undefined : ["nondeterministic_output"],
    handler: (ctx, argv) => readExpire(ctx, argv[1], ms, absolute),
  };
}

/**
 * The expiry commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [...expireCommands] };
 * ```
 */
export const expireCommands: CommandSpec[] = [
  setter(
    { name: "expire", seconds: true, relative: true },
    "1.0.0",
    "Sets a key's time to live in seconds.",
    "seconds",
  ),
  setter(
    { name: "pexpire", seconds: false, relative: true },
    "2.6.0",
    "Sets a key's time to live in milliseconds.",
    "milliseconds",
  ),
  setter(
    { name: "expireat", seconds: true, relative: false },
    "1.2.0",
    "Sets the unix time, in seconds, at which a key expires.",
    "unix-time-seconds",
  ),
  setter(
    { name: "pexpireat", seconds: false, relative: false },
    "2.6.0",
    "Sets the unix time, in milliseconds, at which a key expires.",
    "unix-time-milliseconds",
  ),
  getter("ttl", "1.0.0", "Tells a key's remaining time to live in seconds.", false, false),
  getter("pttl", "2.6.0", "Tells a key's remaining time to live in milliseconds.", true, false),
  getter(
    "expiretime",
    "7.0.0",
    "Tells the unix time, in seconds, at which a key expires.",
    false,
    true,
  ),
  getter(
    "pexpiretime",
    "7.0.0",
    "Tells the unix time, in milliseconds, at which a key expires.",
    true,
    true,
  ),
  {
    name: "persist",
    group: "generic",
    summary: "Removes a key's time to live.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "update"], begin: 1 }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    handler(ctx, argv) {
      const key = argv[1];
      const db = ctx.db;
      if (db.lookupWrite(key) === undefined || !db.persist(key)) {
        ctx.reply.int(0);
        return;
      }
      db.modified(key);
      db.notify("g", "persist", key);
      ctx.reply.int(1);
    },
  },
];

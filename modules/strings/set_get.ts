/**
 * Setting and getting whole values: SET and its older variants (SETNX, SETEX, PSETEX,
 * GETSET), GET, GETEX, GETDEL, MGET, MSET and MSETNX.
 *
 * One core, `setGeneric`, runs every SET variant; the variants only differ in how they
 * spell their options and what they reply (SETNX answers 1/0 where SET answers OK/nil).
 * The order of checks is Redis's, because clients can observe it: option syntax first,
 * then the expire value, then (with GET) the old value's type, then the NX/XX condition.
 *
 * Expiry and propagation. A relative expiry (EX, PX, SETEX, PSETEX) is turned into an
 * absolute unix time in ms using the command's time snapshot, and the command propagates
 * as `SET key value PXAT <ms>` so that a replica or an AOF replay expires the key at the
 * same instant instead of "10 seconds after it happened to read the command". GETEX never
 * propagates as itself: it becomes PEXPIREAT, PERSIST or DEL/UNLINK, or nothing when it
 * changed nothing. GET-style variants drop their GET token, GETDEL propagates as DEL.
 */

import type { ArgSpec, CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR, wrongArity } from "../../core/errors.ts";
import { INT64_MAX, parseInteger } from "../../core/numbers.ts";
import { stringType } from "../../core/string_type.ts";
import { KEY_ARG } from "./common.ts";

type ExpireUnit = "EX" | "PX" | "EXAT" | "PXAT";

/** The options SET and GETEX understand, once parsed. */
export interface ExtendedOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  unit: ExpireUnit | null;
  /** The expire argument as given (validated later, after the syntax). */
  expire: string | null;
}

/**
 * Parse SET's options (from argv[3]) or GETEX's (from argv[2]). Tokens are
 * case-insensitive and may repeat; contradicting ones (NX with XX, two different expiry
 * units, an expiry with KEEPTTL or PERSIST) are a syntax error, as is a token the command
 * does not know or an expiry token without its value.
 *
 * @example
 * ```ts
 * parseExtendedOptions(["SET", "k", "v", "nx", "ex", "10"], true).unit; // "EX"
 * ```
 */
export function parseExtendedOptions(argv: string[], forSet: boolean): ExtendedOptions {
  const o: ExtendedOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    unit: null,
    expire: null,
  };
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].length <= 7 ? argv[j].toUpperCase() : "";
    const hasNext = j + 1 < argv.length;
    if (forSet && opt === "NX" && !o.xx) o.nx = true;
    else if (forSet && opt === "XX" && !o.nx) o.xx = true;
    else if (forSet && opt === "GET") o.get = true;
    else if (forSet && opt === "KEEPTTL" && !o.persist && o.unit === null) o.keepTtl = true;
    else if (!forSet && opt === "PERSIST" && !o.keepTtl && o.unit === null) o.persist = true;
    else if (
      (opt === "EX" || opt === "PX" || opt === "EXAT" || opt === "PXAT") &&
      !o.keepTtl && !o.persist && (o.unit === null || o.unit === opt) && hasNext
    ) {
      o.unit = opt;
      o.expire = argv[++j];
    } else throw new ReplyError(SYNTAX_ERR);
  }
  return o;
}

/**
 * Turn an expire argument into an absolute unix time in ms, with Redis's checks: not an
 * int64 → NOT_INTEGER; zero, negative or overflowing int64 once in ms → "invalid expire
 * time in '<cmd>' command".
 */
function absoluteExpire(
  ctx: CommandContext,
  arg: string,
  unit: ExpireUnit,
  cmd: string,
): number {
  const v = parseInteger(arg);
  if (v === null) throw new ReplyError(NOT_INTEGER);
  const invalid = () => new ReplyError(`ERR invalid expire time in '${cmd}' command`);
  if (v <= 0) throw invalid();
  const seconds = unit === "EX" || unit === "EXAT";
  const relative = unit === "EX" || unit === "PX";
  const ms = v * (seconds ? 1000 : 1) + (relative ? ctx.server.now() : 0);
  if (Number.isSafeInteger(ms)) return ms;
  // Beyond 2^53 redo the arithmetic exactly to detect int64 overflow like Redis.
  let big = BigInt(arg);
  if (seconds) {
    if (big > INT64_MAX / 1000n) throw invalid();
    big *= 1000n;
  }
  if (relative) big += BigInt(ctx.server.now());
  if (big > INT64_MAX) throw invalid();
  return Number(big);
}

/** How a SET variant spells its request. */
interface SetVariant {
  /** The command name used in error texts. */
  cmd: string;
  options: ExtendedOptions;
  /** Reply 1/0 instead of OK/nil (SETNX). */
  intReply?: boolean;
}

/** The SET core behind SET, SETNX, SETEX, PSETEX and GETSET. */
function setGeneric(ctx: CommandContext, argv: string[], variant: SetVariant): void {
  const { cmd, options: o, intReply = false } = variant;
  const db = ctx.db;
  const key = argv[1];
  const value = cmd === "setex" || cmd === "psetex" ? argv[3] : argv[2];
  const at = o.unit !== null ? absoluteExpire(ctx, o.expire!, o.unit, cmd) : -1;
  if (o.get) ctx.reply.bulk(db.lookupRead(key, stringType) ?? null);
  const found = db.lookupWrite(key) !== undefined;
  if ((o.nx && found) || (o.xx && !found)) {
    if (o.get) return;
    if (intReply) ctx.reply.int(0);
    else ctx.reply.null();
    return;
  }
  // With an expiry the old TTL is kept by setKey and replaced right after, not deleted.
  db.setKey(key, value, o.keepTtl || at >= 0);
  db.notify("$", "set", key);
  if (at >= 0) {
    db.setExpire(key, at);
    if (o.unit !== "PXAT") ctx.propagate(["SET", key, value, "PXAT", String(at)]);
    db.notify("g", "expire", key);
  } else if (o.get) {
    // Propagate without GET: a replica has nobody to reply to.
    const rest = argv.slice(3).filter((a) => a.length !== 3 || a.toUpperCase() !== "GET");
    ctx.propagate([cmd === "set" ? argv[0] : "SET", key, value, ...rest]);
  }
  if (o.get) return;
  if (intReply) ctx.reply.int(1);
  else ctx.reply.ok();
}

const NO_OPTIONS: ExtendedOptions = {
  nx: false,
  xx: false,
  get: false,
  keepTtl: false,
  persist: false,
  unit: null,
  expire: null,
};

/** GETEX: reply with the value, then apply the expiry change and announce what it became. */
function getex(ctx: CommandContext, argv: string[]): void {
  const o = parseExtendedOptions(argv, false);
  const db = ctx.db;
  const key = argv[1];
  const value = db.lookupRead(key, stringType);
  if (value === undefined) {
    ctx.reply.null();
    return;
  }
  const at = o.unit !== null ? absoluteExpire(ctx, o.expire!, o.unit, "getex") : -1;
  ctx.reply.bulk(value);
  const absolute = o.unit === "EXAT" || o.unit === "PXAT";
  if (absolute && at <= ctx.server.now() && !ctx.server.isReplica) {
    // A deadline already past deletes the key now (replicas wait for the master's DEL).
    db.remove(key);
    const lazy = ctx.server.config.get("lazyfree-lazy-expire") === "yes";
    ctx.propagate([lazy ? "UNLINK" : "DEL", key]);
    db.modified(key);
    db.notify("g", "del", key);
  } else if (at >= 0) {
    db.setExpire(key, at);
    ctx.propagate(["PEXPIREAT", key, String(at)]);
    db.modified(key);
    db.notify("g", "expire", key);
  } else if (o.persist && db.persist(key)) {
    ctx.propagate(["PERSIST", key]);
    db.modified(key);
    db.notify("g", "persist", key);
  }
}

/** MSET and MSETNX: `nx` sets nothing (and answers 0) when any key exists. */
function msetGeneric(ctx: CommandContext, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) throw new ReplyError(wrongArity(nx ? "msetnx" : "mset"));
  const db = ctx.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.lookupWrite(argv[j]) !== undefined) {
        ctx.reply.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    db.setKey(argv[j], argv[j + 1]);
    db.notify("$", "set", argv[j]);
  }
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

const EXPIRY_ARGS: ArgSpec[] = [
  { name: "seconds", type: "integer", token: "EX" },
  { name: "milliseconds", type: "integer", token: "PX" },
  { name: "unix-time-seconds", type: "unix-time", token: "EXAT" },
  { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" },
];

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [...setGetCommands] };
 * ```
 */
/** SETEX / PSETEX: SET with a time to live in seconds (EX) or milliseconds (PX). */
function timedSet(name: string, unit: "EX" | "PX", argName: string, since: string): CommandSpec {
  return {
    name,
    group: "string",
    summary: `Stores a string value with a time to live in ${argName}.`,
    since,
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["OW", "update"], begin: 1 }],
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: `\`SET\` with the \`${unit}\` argument`,
    arguments: [KEY_ARG, { name: argName, type: "integer" }, { name: "value", type: "string" }],
    handler(ctx, argv) {
      setGeneric(ctx, argv, { cmd: name, options: { ...NO_OPTIONS, unit, expire: argv[2] } });
    },
  };
}

/** MSET / MSETNX's repeated key-value argument block (COMMAND DOCS). */
const KEY_VALUE_PAIRS: ArgSpec = {
  name: "data",
  type: "block",
  multiple: true,
  arguments: [KEY_ARG, { name: "value", type: "string" }],
};

export const setGetCommands: CommandSpec[] = [
  {
    name: "set",
    group: "string",
    summary: "Stores a string value under a key, optionally with an expiry or a condition.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [{
      notes: "RW and ACCESS due to the optional `GET` argument",
      flags: ["RW", "access", "update", "variable_flags"],
      begin: 1,
    }],
    // Without GET the old value is never read: the key is only overwritten.
    variableKeyFlags: (argv) =>
      argv.some((a, i) => i >= 3 && a.toLowerCase() === "get")
        ? ["RW", "access", "update"]
        : ["OW", "update"],
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    arguments: [
      KEY_ARG,
      { name: "value", type: "string" },
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "2.6.12",
        arguments: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "get", type: "pure-token", token: "GET", optional: true, since: "6.2.0" },
      {
        name: "expiration",
        type: "oneof",
        optional: true,
        arguments: [
          { ...EXPIRY_ARGS[0], since: "2.6.12" },
          { ...EXPIRY_ARGS[1], since: "2.6.12" },
          { ...EXPIRY_ARGS[2], since: "6.2.0" },
          { ...EXPIRY_ARGS[3], since: "6.2.0" },
          { name: "keepttl", type: "pure-token", token: "KEEPTTL", since: "6.0.0" },
        ],
      },
    ],
    handler(ctx, argv) {
      setGeneric(ctx, argv, { cmd: "set", options: parseExtendedOptions(argv, true) });
    },
  },
  {
    name: "setnx",
    group: "string",
    summary: "Stores a string value only when the key does not exist yet.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["OW", "insert"], begin: 1 }],
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `NX` argument",
    arguments: [KEY_ARG, { name: "value", type: "string" }],
    handler(ctx, argv) {
      setGeneric(ctx, argv, { cmd: "setnx", options: { ...NO_OPTIONS, nx: true }, intReply: true });
    },
  },
  timedSet("setex", "EX", "seconds", "2.0.0"),
  timedSet("psetex", "PX", "milliseconds", "2.6.0"),
  {
    name: "getset",
    group: "string",
    summary: "Stores a new string value and returns the previous one.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["RW", "access", "update"], begin: 1 }],
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    arguments: [KEY_ARG, { name: "value", type: "string" }],
    handler(ctx, argv) {
      setGeneric(ctx, argv, { cmd: "getset", options: { ...NO_OPTIONS, get: true } });
    },
  },
  {
    name: "get",
    group: "string",
    summary: "Returns the string value of a key.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      ctx.reply.bulk(ctx.db.lookupRead(argv[1], stringType) ?? null);
    },
  },
  {
    name: "getex",
    group: "string",
    summary: "Returns the string value of a key after changing or removing its expiry.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: -2,
    flags: ["write", "fast"],
    keys: [{
      notes: "RW and UPDATE because it changes the TTL",
      flags: ["RW", "access", "update"],
      begin: 1,
    }],
    arguments: [
      KEY_ARG,
      {
        name: "expiration",
        type: "oneof",
        optional: true,
        arguments: [...EXPIRY_ARGS, { name: "persist", type: "pure-token", token: "PERSIST" }],
      },
    ],
    handler: getex,
  },
  {
    name: "getdel",
    group: "string",
    summary: "Returns the string value of a key and deletes the key.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["write", "fast"],
    keys: [{ flags: ["RW", "access", "delete"], begin: 1 }],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      const db = ctx.db;
      const key = argv[1];
      const value = db.lookupRead(key, stringType);
      ctx.reply.bulk(value ?? null);
      if (value === undefined) return;
      db.remove(key);
      ctx.propagate(["DEL", key]);
      db.modified(key);
      db.notify("g", "del", key);
    },
  },
  {
    name: "mget",
    group: "string",
    summary: "Returns the string values of several keys (nil for missing or non-string keys).",
    since: "1.0.0",
    complexity: "O(N) where N is the number of keys to retrieve.",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: [{ ...KEY_ARG, multiple: true }],
    handler(ctx, argv) {
      const r = ctx.reply;
      r.array(argv.length - 1);
      for (let j = 1; j < argv.length; j++) {
        const v = ctx.db.lookup(argv[j]);
        r.bulk(typeof v === "string" ? v : null);
      }
    },
  },
  {
    name: "mset",
    group: "string",
    summary: "Stores several key/value pairs at once.",
    since: "1.0.1",
    complexity: "O(N) where N is the number of keys to set.",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["OW", "update"], begin: 1, find: { lastKey: -1, step: 2 } }],
    arguments: [KEY_VALUE_PAIRS],
    handler(ctx, argv) {
      msetGeneric(ctx, argv, false);
    },
  },
  {
    name: "msetnx",
    group: "string",
    summary: "Stores several key/value pairs only when none of the keys exists.",
    since: "1.0.1",
    complexity: "O(N) where N is the number of keys to set.",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["OW", "insert"], begin: 1, find: { lastKey: -1, step: 2 } }],
    arguments: [KEY_VALUE_PAIRS],
    handler(ctx, argv) {
      msetGeneric(ctx, argv, true);
    },
  },
];

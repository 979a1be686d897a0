/**
 * The field commands: HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS,
 * HVALS, HGETALL, HINCRBY, HINCRBYFLOAT.
 *
 * Writes follow core's discipline: lookup (WRONGTYPE) → mutate → `db.modified` → event
 * (class h: hset, hdel, hincrby, hincrbyfloat; class g: del when the last field goes) →
 * reply. A hash is created on the first write and deleted with its last field.
 *
 * Field expiry shows up in three ways (field_expiry.ts has the rules). Single-field reads
 * go through `readField`, which deletes an expired field on the spot; HGETALL/HKEYS/HVALS
 * skip expired fields without deleting; HLEN counts them. HSET overwrites a field and drops
 * its deadline; the counters keep it. A counter whose field just expired starts from 0, and
 * if that expiry emptied the hash, a fresh hash is created, as in Redis.
 *
 * HINCRBY has int64 semantics: plain numbers while they stay exact, BigInt past 2^53.
 * HINCRBYFLOAT uses the strings module's x87 long-double arithmetic so its digits match
 * Redis's, and propagates as HSET of the result so replicas store the same digits.
 */

import type { ArgSpec, CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, ReplyError, wrongArity } from "../../core/errors.ts";
import { INT64_MAX, INT64_MIN } from "../../core/numbers.ts";
import {
  addLongDouble,
  formatLongDouble,
  type LongDouble,
  parseLongDouble,
} from "../strings/long_double.ts";
import type { HashValue } from "./hash_value.ts";
import { hashLimits } from "./config.ts";
import { isExpired, readField } from "./field_expiry.ts";
import { createHash, hashCommand, int64, readableHash, writableHash } from "./common.ts";

const ZERO: LongDouble = { kind: "finite", neg: false, m: 0n, e: 0 };

/** HSET / HMSET: set pairs; HSET answers how many fields were new, HMSET answers OK. */
function hset(ctx: CommandContext, argv: string[], name: "hset" | "hmset"): void {
  if (argv.length % 2 === 1) throw new ReplyError(wrongArity(name));
  const key = argv[1];
  const limits = hashLimits(ctx.server);
  const hash = writableHash(ctx, key) ?? createHash(ctx, key);
  hash.reserve((argv.length - 2) / 2, limits);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i], argv[i + 1], limits)) created++;
  ctx.db.modified(key);
  ctx.db.notify("h", "hset", key);
  if (name === "hset") ctx.reply.int(created);
  else ctx.reply.ok();
}

/**
 * The current value of `field` for a counter (lazily expiring it), and the hash to write
 * into: undefined when the key is absent or the expiry just emptied it.
 */
function counterInput(
  ctx: CommandContext,
  key: string,
  field: string,
): [HashValue | undefined, string | undefined] {
  const hash = writableHash(ctx, key);
  if (hash === undefined) return [undefined, undefined];
  const old = readField(ctx, key, hash, field);
  return [hash.size === 0 ? undefined : hash, old];
}

/** Store a counter's result and announce it. */
function storeCounter(
  ctx: CommandContext,
  hash: HashValue | undefined,
  argv: string[],
  text: string,
): void {
  const key = argv[1];
  (hash ?? createHash(ctx, key)).set(argv[2], text, hashLimits(ctx.server), true);
  ctx.db.modified(key);
}

function hincrby(ctx: CommandContext, argv: string[]): void {
  const incr = int64(argv[3]);
  if (incr === null) throw new ReplyError(NOT_INTEGER);
  const [hash, old] = counterInput(ctx, argv[1], argv[2]);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const n = int64(old);
    if (n === null) throw new ReplyError("ERR hash value is not an integer");
    cur = n;
  }
  let result: number | bigint = typeof cur === "number" && typeof incr === "number"
    ? cur + incr
    : NaN;
  if (!Number.isSafeInteger(result)) {
    const exact = BigInt(cur) + BigInt(incr);
    if (exact > INT64_MAX || exact < INT64_MIN) throw new ReplyError(OVERFLOW);
    result = exact;
  }
  storeCounter(ctx, hash, argv, String(result));
  ctx.db.notify("h", "hincrby", argv[1]);
  ctx.reply.int(result);
}

function hincrbyfloat(ctx: CommandContext, argv: string[]): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) throw new ReplyError(NOT_FLOAT);
  if (incr.kind !== "finite") throw new ReplyError("ERR value is NaN or Infinity");
  const [hash, old] = counterInput(ctx, argv[1], argv[2]);
  const cur = old === undefined ? ZERO : parseLongDouble(old);
  if (cur === null) throw new ReplyError("ERR hash value is not a float");
  const sum = addLongDouble(cur, incr);
  if (sum.kind !== "finite") throw new ReplyError("ERR increment would produce NaN or Infinity");
  const text = formatLongDouble(sum);
  storeCounter(ctx, hash, argv, text);
  ctx.db.notify("h", "hincrbyfloat", argv[1]);
  ctx.reply.bulk(text);
  ctx.propagate(["HSET", argv[1], argv[2], text]);
}

/** HKEYS / HVALS / HGETALL: every live field, value, or both (a map). */
function getAll(ctx: CommandContext, key: string, what: "keys" | "vals" | "all"): void {
  const r = ctx.reply;
  const hash = readableHash(ctx, key);
  if (hash === undefined) return what === "all" ? r.map(0) : r.array(0);
  const now = ctx.server.now();
  const skip = hash.volatile;
  let n = hash.size;
  if (skip) hash.forEach((_f, _v, at) => isExpired(at, now) && n--);
  if (what === "all") r.map(n);
  else r.array(n);
  hash.forEach((f, v, at) => {
    if (skip && isExpired(at, now)) return;
    if (what !== "vals") r.bulk(f);
    if (what !== "keys") r.bulk(v);
  });
}

/** HSET / HMSET's repeated field-value argument block (COMMAND DOCS). */
const FIELD_VALUE_PAIRS: ArgSpec = {
  name: "data",
  type: "block",
  multiple: true,
  arguments: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
};

/**
 * The field commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "hashes", commands: [...fieldCommands] };
 * ```
 */
export const fieldCommands: CommandSpec[] = [
  hashCommand({
    name: "hset",
    summary: "Sets one or more fields of a hash, creating the hash if needed.",
    since: "2.0.0",
    complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keyFlags: ["RW", "update"],
    args: [FIELD_VALUE_PAIRS],
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    handler: (ctx, argv) => hset(ctx, argv, "hset"),
  }),
  hashCommand({
    name: "hmset",
    summary: "Sets several fields of a hash (the older spelling of HSET).",
    since: "2.0.0",
    complexity: "O(N) where N is the number of fields being set.",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keyFlags: ["RW", "update"],
    args: [FIELD_VALUE_PAIRS],
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    handler: (ctx, argv) => hset(ctx, argv, "hmset"),
  }),
  hashCommand({
    name: "hsetnx",
    summary: "Sets a hash field only when it does not exist yet.",
    since: "2.0.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keyFlags: ["RW", "insert"],
    args: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
    handler(ctx, argv) {
      const key = argv[1];
      let hash = writableHash(ctx, key);
      if (hash !== undefined) {
        if (readField(ctx, key, hash, argv[2]) !== undefined) return ctx.reply.int(0);
        if (hash.size === 0) hash = undefined;
      }
      (hash ?? createHash(ctx, key)).set(argv[2], argv[3], hashLimits(ctx.server));
      ctx.db.modified(key);
      ctx.db.notify("h", "hset", key);
      ctx.reply.int(1);
    },
  }),
  hashCommand({
    name: "hget",
    summary: "Returns the value of a hash field.",
    since: "2.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keyFlags: ["RO", "access"],
    args: [{ name: "field", type: "string" }],
    handler(ctx, argv) {
      const hash = readableHash(ctx, argv[1]);
      const v = hash === undefined ? undefined : readField(ctx, argv[1], hash, argv[2]);
      if (v === undefined) ctx.reply.null();
      else ctx.reply.bulk(v);
    },
  }),
  hashCommand({
    name: "hmget",
    summary: "Returns the values of several hash fields.",
    since: "2.0.0",
    complexity: "O(N) where N is the number of fields being requested.",
    arity: -3,
    flags: ["readonly", "fast"],
    keyFlags: ["RO", "access"],
    args: [{ name: "field", type: "string", multiple: true }],
    handler(ctx, argv) {
      const key = argv[1];
      const hash = readableHash(ctx, key);
      const r = ctx.reply;
      r.array(argv.length - 2);
      let expired = false;
      for (let i = 2; i < argv.length; i++) {
        if (hash === undefined || hash.size === 0) {
          r.null();
          continue;
        }
        const had = hash.has(argv[i]);
        const v = readField(ctx, key, hash, argv[i], true);
        if (v === undefined) {
          expired ||= had;
          r.null();
        } else r.bulk(v);
      }
      if (expired) {
        ctx.db.notify("h", "hexpired", key);
        if (hash!.size === 0) ctx.db.notify("g", "del", key);
      }
    },
  }),
  hashCommand({
    name: "hdel",
    summary: "Deletes fields of a hash, and the hash with its last field.",
    since: "2.0.0",
    complexity: "O(N) where N is the number of fields to be removed.",
    arity: -3,
    flags: ["write", "fast"],
    keyFlags: ["RW", "delete"],
    args: [{ name: "field", type: "string", multiple: true }],
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    handler(ctx, argv) {
      const key = argv[1];
      const hash = writableHash(ctx, key);
      if (hash === undefined) return ctx.reply.int(0);
      let deleted = 0;
      for (let i = 2; i < argv.length; i++) {
        if (!hash.delete(argv[i])) continue;
        deleted++;
        if (hash.size === 0) {
          ctx.db.remove(key);
          break;
        }
      }
      if (deleted > 0) {
        ctx.db.modified(key);
        ctx.db.notify("h", "hdel", key);
        if (hash.size === 0) ctx.db.notify("g", "del", key);
      }
      ctx.reply.int(deleted);
    },
  }),
  hashCommand({
    name: "hlen",
    summary: "Returns the number of fields of a hash (expired ones not yet reclaimed included).",
    since: "2.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keyFlags: ["RO"],
    handler(ctx, argv) {
      ctx.reply.int(readableHash(ctx, argv[1])?.size ?? 0);
    },
  }),
  hashCommand({
    name: "hstrlen",
    summary: "Returns the length in bytes of a hash field's value.",
    since: "3.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keyFlags: ["RO"],
    args: [{ name: "field", type: "string" }],
    handler(ctx, argv) {
      const hash = readableHash(ctx, argv[1]);
      ctx.reply.int(hash === undefined ? 0 : readField(ctx, argv[1], hash, argv[2])?.length ?? 0);
    },
  }),
  hashCommand({
    name: "hexists",
    summary: "Tells whether a hash field exists.",
    since: "2.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keyFlags: ["RO"],
    args: [{ name: "field", type: "string" }],
    handler(ctx, argv) {
      const hash = readableHash(ctx, argv[1]);
      ctx.reply.int(
        hash !== undefined && readField(ctx, argv[1], hash, argv[2]) !== undefined ? 1 : 0,
      );
    },
  }),
  ...([["hkeys", "keys", "Returns every field name of a hash."], [
    "hvals",
    "vals",
    "Returns every value of a hash.",
  ], ["hgetall", "all", "Returns every field and value of a hash."]] as const).map((
    [name, what, summary],
  ) =>
    hashCommand({
      name,
      summary,
      since: "2.0.0",
      complexity: "O(N) where N is the size of the hash.",
      arity: 2,
      flags: ["readonly"],
      keyFlags: ["RO", "access"],
      tips: ["nondeterministic_output_order"],
      handler: (ctx, argv) => getAll(ctx, argv[1], what),
    })
  ),
  hashCommand({
    name: "hincrby",
    summary: "Adds an integer to the integer value of a hash field.",
    since: "2.0.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keyFlags: ["RW", "access", "update"],
    args: [{ name: "field", type: "string" }, { name: "increment", type: "integer" }],
    handler: hincrby,
  }),
  hashCommand({
    name: "hincrbyfloat",
    summary: "Adds a floating-point number to the numeric value of a hash field.",
    since: "2.6.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keyFlags: ["RW", "access", "update"],
    args: [{ name: "field", type: "string" }, { name: "increment", type: "double" }],
    handler: hincrbyfloat,
  }),
];

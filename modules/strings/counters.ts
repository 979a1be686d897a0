/**
 * Counters: INCR, DECR, INCRBY, DECRBY (one core, `incrDecr`) and INCRBYFLOAT.
 *
 * Integer counters have int64 semantics. JS numbers are exact only to 2^53, so the common
 * case (both the stored value and the increment have at most 15 digits, and the sum stays
 * a safe integer) runs on plain numbers, and only values that leave that range go through
 * BigInt, where the int64 overflow check is exact. The stored value must be a canonical
 * integer, exactly what Redis's string2ll accepts: no spaces, no '+', no leading zeros.
 *
 * Counters keep the key's TTL (they replace the value, they do not re-create the key).
 * INCRBYFLOAT propagates as `SET key <result> KEEPTTL`, so replicas and AOF replays store
 * the very same digits instead of redoing floating-point arithmetic.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, ReplyError } from "../../core/errors.ts";
import { INT64_MAX, INT64_MIN, parseInt64, parseInteger } from "../../core/numbers.ts";
import { stringType } from "../../core/string_type.ts";
import { KEY_ARG } from "./common.ts";
import {
  addLongDouble,
  formatLongDouble,
  type LongDouble,
  parseLongDouble,
} from "./long_double.ts";

const ZERO: LongDouble = { kind: "finite", neg: false, m: 0n, e: 0 };

/** Parse an int64 as a number when it has at most 15 digits, else as a BigInt. */
function int64Of(s: string): number | bigint | null {
  return s.length <= 15 ? parseInteger(s) : parseInt64(s);
}

/** The INCR family's core: add `incr` to the integer stored at `key` (0 when missing). */
function incrDecr(ctx: CommandContext, key: string, incr: number | bigint): void {
  const db = ctx.db;
  const old = db.lookupWrite(key, stringType);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const n = int64Of(old);
    if (n === null) throw new ReplyError(NOT_INTEGER);
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
  const text = String(result);
  if (old === undefined) db.add(key, text);
  else db.overwrite(key, text);
  db.modified(key);
  db.notify("$", "incrby", key);
  ctx.reply.int(result);
}

/** Parse an INCRBY/DECRBY increment argument. */
function incrementArg(s: string): number | bigint {
  const n = int64Of(s);
  if (n === null) throw new ReplyError(NOT_INTEGER);
  return n;
}

/** INCRBYFLOAT: long-double arithmetic and formatting like Redis on x86-64. */
function incrbyfloat(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  const key = argv[1];
  const old = db.lookupWrite(key, stringType);
  const value = old === undefined ? ZERO : parseLongDouble(old);
  const incr = parseLongDouble(argv[2]);
  if (value === null || incr === null) throw new ReplyError(NOT_FLOAT);
  const sum = addLongDouble(value, incr);
  if (sum.kind !== "finite") throw new ReplyError("ERR increment would produce NaN or Infinity");
  const text = formatLongDouble(sum);
  if (old === undefined) db.add(key, text);
  else db.overwrite(key, text);
  db.markPlainString(key);
  db.modified(key);
  db.notify("$", "incrbyfloat", key);
  ctx.reply.bulk(text);
  ctx.propagate(["SET", key, text, "KEEPTTL"]);
}

const COUNTER_KEYS: CommandSpec["keys"] = [{ flags: ["RW", "access", "update"], begin: 1 }];

function counter(
  name: string,
  summary: string,
  arg: string | null,
  handler: CommandSpec["handler"],
): CommandSpec {
  return {
    name,
    group: "string",
    summary,
    since: name === "incrbyfloat" ? "2.6.0" : "1.0.0",
    complexity: "O(1)",
    arity: arg === null ? 2 : 3,
    flags: ["write", "denyoom", "fast"],
    keys: COUNTER_KEYS,
    arguments: arg === null
      ? [KEY_ARG]
      : [KEY_ARG, { name: arg, type: name === "incrbyfloat" ? "double" : "integer" }],
    handler,
  };
}

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [...counterCommands] };
 * ```
 */
export const counterCommands: CommandSpec[] = [
  counter("incr", "Adds one to the integer value of a key.", null, (ctx, argv) => {
    incrDecr(ctx, argv[1], 1);
  }),
  counter("decr", "Subtracts one from the integer value of a key.", null, (ctx, argv) => {
    incrDecr(ctx, argv[1], -1);
  }),
  counter("incrby", "Adds an integer to the integer value of a key.", "increment", (ctx, argv) => {
    incrDecr(ctx, argv[1], incrementArg(argv[2]));
  }),
  counter(
    "decrby",
    "Subtracts an integer from the integer value of a key.",
    "decrement",
    (ctx, argv) => {
      const by = incrementArg(argv[2]);
      if (by === INT64_MIN) throw new ReplyError("ERR decrement would overflow");
      incrDecr(ctx, argv[1], -by);
    },
  ),
  counter(
    "incrbyfloat",
    "Adds a floating-point number to the numeric value of a key.",
    "increment",
    incrbyfloat,
  ),
];

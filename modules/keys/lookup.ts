/**
 * Key lookups and argument parsing shared by the keys module's command families.
 *
 * Redis looks keys up in several flavours that differ in their side effects: a read counts a
 * keyspace hit or miss and fires the `keymiss` event, a "no-touch" read leaves the access
 * time alone (TTL, TYPE, EXISTS, OBJECT must not make a key look recently used), a write
 * lookup does neither statistic. Core's Db offers `lookup` (read + touch), `lookupWrite`
 * (write + touch) and `peek` (nothing); the no-touch read is composed here from `peek`
 * plus the statistics, so every command of this module that needs it spells it one way.
 *
 * Database indexes (MOVE, COPY ... DB, SWAPDB) are parsed as Redis's getIntFromObject does:
 * a canonical int64 first ("value is not an integer"), then the C int range ("value is out
 * of range"), then the server's database count. SWAPDB replaces the first two messages with
 * its own, hence the optional `notInteger` text.
 */

import type { CommandContext, Value } from "../../core/spec.ts";
import type { Db } from "../../core/keyspace.ts";
import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { parseInt64 } from "../../core/numbers.ts";

/** MOVE and COPY onto the very same key of the same database. */
export const SAME_OBJECT_ERR = "ERR source and destination objects are the same";

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/**
 * Read a key without refreshing its access time (Redis's LOOKUP_NOTOUCH): lazy expiry
 * applies, the hit/miss statistics count, and a miss fires `keymiss` unless `notifyMiss`
 * is false (OBJECT looks keys up silently).
 *
 * @example
 * ```ts
 * const value = lookupNoTouch(ctx, argv[1]);
 * ctx.reply.simple(value === undefined ? "none" : typeOf(value).name);
 * ```
 */
export function lookupNoTouch(
  ctx: CommandContext,
  key: string,
  notifyMiss = true,
): Value | undefined {
  const value = ctx.db.peek(key);
  ctx.server.hit(value !== undefined);
  if (value === undefined && notifyMiss) ctx.db.notify("m", "keymiss", key);
  return value;
}

/**
 * Parse a database index argument (a canonical integer in the C int range) without checking
 * it against the number of databases. `notInteger` replaces both integer errors (SWAPDB's
 * "invalid first DB index").
 *
 * @example
 * ```ts
 * parseDbIndex("3"); // 3
 * parseDbIndex("x", "ERR invalid first DB index"); // throws that error
 * ```
 */
export function parseDbIndex(arg: string, notInteger?: string): number {
  const n = parseInt64(arg);
  if (n === null) throw new ReplyError(notInteger ?? NOT_INTEGER);
  if (n < INT32_MIN || n > INT32_MAX) {
    throw new ReplyError(notInteger ?? "ERR value is out of range");
  }
  return Number(n);
}

/**
 * The database at `index`, or "ERR DB index is out of range".
 *
 * @example
 * ```ts
 * const target = dbAt(ctx, parseDbIndex(argv[2]));
 * ```
 */
export function dbAt(ctx: CommandContext, index: number): Db {
  if (index < 0 || index >= ctx.server.dbs.length) throw new ReplyError(DB_INDEX_OUT_OF_RANGE);
  return ctx.server.dbs[index];
}

/**
 * Whether a config directive of type bool is "yes".
 *
 * @example
 * ```ts
 * configYes(ctx, "lazyfree-lazy-expire"); // false by default
 * ```
 */
export function configYes(ctx: CommandContext, name: string): boolean {
  return ctx.server.config.get(name) === "yes";
}

/**
 * The hashes module: every Redis 7.4 command of the `hash` group, field expiry included.
 *
 * Representation (hash_value.ts). A hash is a `HashValue` in one of Redis's encodings:
 * listpack (a flat array of field/value strings, for small hashes), listpackex (the same
 * plus a deadline per field once field expiry is used) and hashtable (core's Dict, with a
 * Map + heap of deadlines when some field has one). The thresholds are the
 * hash-max-listpack-entries / hash-max-listpack-value directives (config.ts); conversion is
 * one way, as in Redis. Values are binary strings, stored as they came, never re-encoded.
 *
 * Field expiry (field_expiry.ts) is lazy on single-field reads, skipped over by whole-hash
 * reads, and active through this module's cron hook, which works from a per-server index
 * of hashes that have volatile fields (never a scan of the keyspace), in ~1 ms slices.
 *
 * Layout, one family per file:
 *   field_commands.ts   HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS
 *                       HGETALL HINCRBY HINCRBYFLOAT
 *   random_scan.ts      HRANDFIELD HSCAN
 *   expire_commands.ts  HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME
 *                       HPEXPIRETIME HPERSIST
 *   field_expiry.ts     lazy and active field expiry, the volatile-hash index
 *   hash_value.ts       the value class and the `hash` TypeSpec
 *   time_heap.ts        the min-heap of deadlines both levels of expiry use
 *   config.ts           the two encoding directives, kept parsed per server
 *   common.ts           command-spec builder, lookups, int64 parsing
 *
 * Memory (memory_bench.ts, one hash of 1M 15-byte fields / 15-byte values, RSS growth):
 * redis-server 7.0.15 116 B/field, Modis on Bun 189 B (1.63x), on Deno 178 B (1.54x). With
 * a deadline on every field Modis needs 355 / 336 B/field (the Map + heap of FieldTtls).
 *
 * Persistence (later) needs only `HashValue.entries()` / `HashValue.fromEntries()` and
 * `encoding`.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { hashType } from "./hash_value.ts";
import { hashConfigs } from "./config.ts";
import { fieldCommands } from "./field_commands.ts";
import { randomScanCommands } from "./random_scan.ts";
import { expireCommands } from "./expire_commands.ts";
import { activeExpireFields, expiredFieldCount, noteFlush, subexpiryInfo } from "./field_expiry.ts";

export { hashType, HashValue } from "./hash_value.ts";
export { hashLimits } from "./config.ts";
export { expiredFieldCount, volatileHashCount } from "./field_expiry.ts";

/**
 * The hashes module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, hashesModule] });
 * await modis.call("HSET", "h", "f", "v"); // 1
 * ```
 */
export const hashesModule: ModuleSpec = {
  name: "hashes",
  commands: [...fieldCommands, ...randomScanCommands, ...expireCommands],
  types: [hashType],
  configs: hashConfigs,
  hooks: {
    cron: activeExpireFields,
    flushed: noteFlush,
    info: {
      stats: (server) => [`expired_subkeys:${expiredFieldCount(server)}`],
      keyspace: subexpiryInfo,
    },
  },
};

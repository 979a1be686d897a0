/**
 * The keys module: Redis's generic keyspace commands, the ones that work on keys whatever
 * their values are.
 *
 * Families, one file each:
 * - delete_exists.ts: DEL, UNLINK, EXISTS, TOUCH, TYPE
 * - rename_copy.ts:   RENAME, RENAMENX, MOVE, COPY
 * - expire.ts:        EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME,
 *                     PEXPIRETIME, PERSIST
 * - scan_keys.ts:     KEYS, SCAN, RANDOMKEY
 * - databases.ts:     DBSIZE, FLUSHDB, FLUSHALL, SWAPDB
 * - object.ts:        OBJECT ENCODING | IDLETIME | FREQ | REFCOUNT | HELP
 * - lookup.ts:        the lookup flavours and argument parsers they share
 *
 * The module owns no data. Everything it does goes through core's keyspace (`ctx.db`, the
 * Dicts behind it, `server.dbs`) and announces its effects the way every write command in
 * Modis does: lookup → mutate → `db.modified(key)` (WATCH, tracking, dirty counter) →
 * `db.notify(...)` (keyspace events, class `g` for generic) → reply. Time comes from the
 * command's snapshot `server.now()`, so a key cannot expire half-way through a command or
 * a MULTI block. Propagation is the verbatim command unless Redis rewrites it: relative
 * expiries go out as absolute PEXPIREAT, an expiry in the past as DEL (or UNLINK), and
 * FLUSHDB / FLUSHALL always, even on empty databases.
 *
 * Freeing memory never costs the event loop more than O(1) per key here: removing a key
 * drops one reference and the runtime's garbage collector (incremental and mostly
 * concurrent in V8 and JavaScriptCore) reclaims big values later. That is why UNLINK and
 * DEL, FLUSHALL SYNC and ASYNC share their implementations (see delete_exists.ts).
 *
 * Expired keys: lookups here expire keys lazily, KEYS hides them, SCAN and RANDOMKEY delete
 * the ones they meet. Keys nobody touches are reclaimed by core's active expire cycle
 * (core/server.ts, core/keyspace.ts), not by this module.
 *
 * Not here, though Redis lists some of them as generic: DUMP / RESTORE (persistence),
 * SORT / SORT_RO, WAIT / WAITAOF (replication), OBJECT FREQ's real counter (see object.ts).
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { deleteExistsCommands } from "./delete_exists.ts";
import { renameCopyCommands } from "./rename_copy.ts";
import { expireCommands } from "./expire.ts";
import { scanKeysCommands } from "./scan_keys.ts";
import { databaseCommands } from "./databases.ts";
import { objectCommand } from "./object.ts";

/**
 * The keys module.
 *
 * @example
 * ```ts
 * import { createServer } from "../../mod.ts";
 * const modis = createServer({ builtins: [keysModule], log: false });
 * await modis.call("DBSIZE"); // 0
 * ```
 */
export const keysModule: ModuleSpec = {
  name: "keys",
  commands: [
    ...deleteExistsCommands,
    ...renameCopyCommands,
    ...expireCommands,
    ...scanKeysCommands,
    ...databaseCommands,
    objectCommand,
  ],
};

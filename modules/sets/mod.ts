/**
 * The sets module: every Redis 7.4 command of the `set` group, the set type and its three
 * encoding directives.
 *
 * Representation (set_value.ts). A set is a `SetValue` holding one of Redis's encodings,
 * chosen and converted exactly when Redis 7.4 would, because clients can see it (OBJECT
 * ENCODING, reply order) and Redis's tests check it:
 *   int_set.ts     intset: sorted integers in a typed array, binary search
 *   (plain array)  listpack: small sets in insertion order, linear search
 *   hash_set.ts    hashtable: dense member array + open-addressing index, giving O(1)
 *                  access, exactly uniform O(1) random draws and a resize-proof SSCAN cursor
 * A million-member hashtable costs about 20 bytes per member beyond the member strings.
 *
 * Commands, one family per file:
 *   member_commands.ts   SADD SREM SMOVE SCARD SISMEMBER SMISMEMBER SMEMBERS
 *   random_commands.ts   SPOP SRANDMEMBER (Redis's sampling cases; SPOP propagates as SREM)
 *   algebra_commands.ts  SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE
 *   sscan.ts             SSCAN
 *   limits.ts            set-max-intset-entries, set-max-listpack-entries/-value
 *   common.ts            key specs, member replies, storing a result
 *
 * Every write follows core's discipline (lookup → mutate → `db.modified` → event → reply)
 * with Redis's events: sadd, srem, spop, sinterstore, sunionstore, sdiffstore (class `s`)
 * and `del` (class `g`) when a set loses its last member or a store empties its destination.
 *
 * Persistence hooks come later; a set converts to and from a plain member array
 * (`SetValue.toArray()`, `setFromArray()` re-deriving the encoding, `setWithEncoding()` keeping
 * a saved one), and `encoding` says which one a value has.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { setType } from "./set_value.ts";
import { setConfigs } from "./limits.ts";
import { memberCommands } from "./member_commands.ts";
import { randomCommands } from "./random_commands.ts";
import { algebraCommands } from "./algebra_commands.ts";
import { sscanCommand } from "./sscan.ts";

export { setFromArray, setType, SetValue } from "./set_value.ts";

/**
 * The sets module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, setsModule] });
 * await modis.call("SADD", "s", "a", "b"); // 2
 * ```
 */
export const setsModule: ModuleSpec = {
  name: "sets",
  commands: [...memberCommands, ...randomCommands, ...algebraCommands, sscanCommand],
  types: [setType],
  configs: setConfigs,
};

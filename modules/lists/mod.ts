/**
 * The lists module: every Redis 7.4 command of the `list` group.
 *
 * Representation (quicklist.ts, list_type.ts). A list value is a chain of small chunks:
 * the end chunks are plain arrays (pushes and pops touch only them, so both ends are O(1)),
 * inner chunks are "packed" into one latin1 string plus a typed array of boundaries, which
 * keeps a million short elements within a small multiple of Redis's own footprint. Small
 * lists are a single flat array (OBJECT ENCODING "listpack") until they would exceed
 * list-max-listpack-size — computed on the byte sizes a real listpack would have
 * (listpack_size.ts) — and come back to it when they shrink to half the limit, as Redis does.
 *
 * Layout, one family per file:
 *   push_pop.ts       LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP LMOVE RPOPLPUSH
 *   blocking_pops.ts  BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH (core's blocking service)
 *   access.ts         LLEN LINDEX LSET LRANGE LTRIM LINSERT LREM LPOS
 *   common.ts         argument parsing, the push and post-pop housekeeping every write shares
 *   list_type.ts      the value class, TypeSpec, settings and encoding rules
 *   quicklist.ts      the chunked list
 *   quicklist_node.ts its chunks: open arrays or packed strings
 *   listpack_size.ts  listpack byte sizes and Redis's node limits
 *
 * Every write follows core's discipline: lookup (with the type check) → mutate →
 * `db.modified` → keyspace event (class `l`: lpush, rpush, lpop, rpop, lset, ltrim,
 * linsert, lrem; `g`: del when the last element goes) → reply. Blocking commands propagate
 * as the non-blocking command they amounted to.
 */

import type { ConfigSpec, ModuleSpec } from "../../core/spec.ts";
import { listSettings, listType } from "./list_type.ts";
import { pushPopCommands } from "./push_pop.ts";
import { blockingCommands } from "./blocking_pops.ts";
import { accessCommands } from "./access.ts";

const listConfigs: ConfigSpec[] = [
  {
    name: "list-max-listpack-size",
    aliases: ["list-max-ziplist-size"],
    kind: "int",
    default: "-2",
    min: -2147483648,
    max: 2147483647,
    apply: (value, server) => {
      listSettings(server).fill = Number(value);
    },
  },
  {
    name: "list-compress-depth",
    kind: "int",
    default: "0",
    min: 0,
    max: 2147483647,
    apply: (value, server) => {
      listSettings(server).compressDepth = Number(value);
    },
  },
];

/**
 * The lists module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, listsModule] });
 * await modis.call("RPUSH", "k", "a", "b"); // 2
 * ```
 */
export const listsModule: ModuleSpec = {
  name: "lists",
  types: [listType],
  configs: listConfigs,
  commands: [...pushPopCommands, ...blockingCommands, ...accessCommands],
};

export { listType, ListValue } from "./list_type.ts";

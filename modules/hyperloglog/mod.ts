/**
 * The hyperloglog module: Redis's probabilistic distinct counter, PFADD / PFCOUNT / PFMERGE
 * plus the internal PFDEBUG and PFSELFTEST.
 *
 * A HyperLogLog is not a type of its own: it is a string value holding Redis's exact HLL
 * representation (the "HYLL" header, sparse or dense registers, the cached cardinality), so
 * GET, SET, APPEND, DUMP/RESTORE and snapshots treat it as the string it is, and the bytes
 * travel between Redis and Modis unchanged. Element hashing (MurmurHash64A with Redis's
 * seed), register updates, sparse-to-dense promotion and the estimator reproduce Redis's, so
 * the same elements give the same bytes and the same PFCOUNT.
 *
 *   murmur.ts    MurmurHash64A over binary strings, in 32-bit halves (no BigInt per element)
 *   hll.ts       the representation: validation, sparse and dense updates, histogram,
 *                estimator, merge
 *   commands.ts  the commands
 *
 * It owns one directive, hll-sparse-max-bytes (read per command, so CONFIG SET applies at
 * once). Writes follow core's discipline and send `pfadd` events (class `$`), PFMERGE too.
 */

import type { ConfigSpec, ModuleSpec } from "../../core/spec.ts";
import { hllCommands } from "./commands.ts";

/**
 * hll-sparse-max-bytes: the size past which a sparse HLL turns dense.
 *
 * @example
 * ```ts
 * await m.call("CONFIG", "SET", "hll-sparse-max-bytes", "30");
 * ```
 */
export const hllConfigs: ConfigSpec[] = [
  {
    name: "hll-sparse-max-bytes",
    kind: "memory",
    default: "3000",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  },
];

/**
 * The hyperloglog module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, stringsModule, hyperloglogModule] });
 * await modis.call("PFADD", "h", "a", "b"); // 1
 * ```
 */
export const hyperloglogModule: ModuleSpec = {
  name: "hyperloglog",
  commands: hllCommands,
  configs: hllConfigs,
};

export { checkHll, Hll, INVALID_HLL, NOT_HLL } from "./hll.ts";
export { murmurHash64A } from "./murmur.ts";

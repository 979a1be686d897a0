/**
 * The hash encoding thresholds: hash-max-listpack-entries and hash-max-listpack-value (with
 * their old ziplist aliases). The config registry stores and validates the text; `apply`
 * keeps the parsed numbers per server in a WeakMap, so commands read two numbers instead of
 * parsing config text on every write, and two embedded servers never share limits.
 */

import type { ConfigSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import type { HashLimits } from "./hash_value.ts";

const limitsByServer = new WeakMap<ServerApi, HashLimits>();

/**
 * The limits in force on `server` (Redis's defaults until the module's configs applied).
 *
 * @example
 * ```ts
 * hash.set(field, value, hashLimits(ctx.server));
 * ```
 */
export function hashLimits(server: ServerApi): HashLimits {
  let limits = limitsByServer.get(server);
  if (limits === undefined) {
    limits = { maxEntries: 512, maxValue: 64 };
    limitsByServer.set(server, limits);
  }
  return limits;
}

/**
 * The module's config directives.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "hashes", configs: hashConfigs };
 * ```
 */
export const hashConfigs: ConfigSpec[] = [
  {
    name: "hash-max-listpack-entries",
    aliases: ["hash-max-ziplist-entries"],
    kind: "int",
    default: "512",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (value, server) => {
      hashLimits(server).maxEntries = Number(value);
    },
  },
  {
    name: "hash-max-listpack-value",
    aliases: ["hash-max-ziplist-value"],
    kind: "memory",
    default: "64",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (value, server) => {
      hashLimits(server).maxValue = Number(value);
    },
  },
];

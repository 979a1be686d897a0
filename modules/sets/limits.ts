/**
 * The set encoding directives: set-max-intset-entries, set-max-listpack-entries and
 * set-max-listpack-value, registered as the module's ConfigSpecs.
 *
 * The registry validates and stores the text; `apply` keeps the parsed numbers per server in
 * a WeakMap, so a handler reads them with one lookup and two servers in one process (tests)
 * never share thresholds. Like Redis, a change applies to sets as they are next modified:
 * existing sets keep their encoding.
 */

import type { ConfigSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { DEFAULT_LIMITS, type SetLimits } from "./set_value.ts";

const perServer = new WeakMap<ServerApi, SetLimits>();

/** Redis caps an intset at 2^30 members whatever the directive says. */
const INTSET_HARD_MAX = 2 ** 30;

/**
 * The thresholds in force on `server`.
 *
 * @example
 * ```ts
 * const limits = setLimits(ctx.server);
 * set.add(member, limits);
 * ```
 */
export function setLimits(server: ServerApi): SetLimits {
  let l = perServer.get(server);
  if (l === undefined) {
    l = { ...DEFAULT_LIMITS };
    perServer.set(server, l);
  }
  return l;
}

function limitConfig(
  name: string,
  def: number,
  field: keyof SetLimits,
  cap = Infinity,
): ConfigSpec {
  return {
    name,
    kind: "int",
    default: String(def),
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply(value, server) {
      setLimits(server)[field] = Math.min(Number(value), cap);
    },
  };
}

/**
 * The three directives.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sets", configs: setConfigs };
 * ```
 */
export const setConfigs: ConfigSpec[] = [
  limitConfig(
    "set-max-intset-entries",
    DEFAULT_LIMITS.intsetEntries,
    "intsetEntries",
    INTSET_HARD_MAX,
  ),
  limitConfig("set-max-listpack-entries", DEFAULT_LIMITS.listpackEntries, "listpackEntries"),
  limitConfig("set-max-listpack-value", DEFAULT_LIMITS.listpackValue, "listpackValue"),
];

/**
 * The stream node limits: stream-node-max-bytes and stream-node-max-entries. The registry
 * stores and validates the text; `apply` keeps the parsed numbers per server (a WeakMap, so
 * two embedded servers never share limits and XADD reads two numbers, not config text).
 */

import type { ConfigSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import type { StreamLimits } from "./stream.ts";

const limitsByServer = new WeakMap<ServerApi, StreamLimits>();

/**
 * The node limits in force on `server` (Redis's defaults until the configs applied).
 *
 * @example
 * ```ts
 * stream.append(id, argv, 3, streamLimits(ctx.server));
 * ```
 */
export function streamLimits(server: ServerApi): StreamLimits {
  let limits = limitsByServer.get(server);
  if (limits === undefined) {
    limits = { nodeMaxBytes: 4096, nodeMaxEntries: 100 };
    limitsByServer.set(server, limits);
  }
  return limits;
}

/**
 * The module's config directives.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", configs: streamConfigs };
 * ```
 */
export const streamConfigs: ConfigSpec[] = [
  {
    name: "stream-node-max-bytes",
    kind: "memory",
    default: "4096",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (value, server) => {
      streamLimits(server).nodeMaxBytes = Number(value);
    },
  },
  {
    name: "stream-node-max-entries",
    kind: "int",
    default: "100",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (value, server) => {
      streamLimits(server).nodeMaxEntries = Number(value);
    },
  },
];

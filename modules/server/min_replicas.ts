/**
 * min-replicas-to-write / min-replicas-max-lag: a master with fewer good replicas than asked
 * refuses writes with "-NOREPLICAS Not enough good replicas to write." (Redis's
 * checkGoodReplicasStatus). Modis has no replicas yet, so with both settings above 0 every
 * write is refused, as on a Redis master whose replicas are all gone.
 *
 * A write is judged by its run flags (a script declaring no-writes is not one; EXEC by its
 * queue), by a beforeCommand gate attached only while the setting is on. Scripts without a
 * shebang are judged per command instead, when they call a write (`replicasMissing`, used
 * by the scripting module).
 */

import { runFlagsOf } from "../../core/commands.ts";
import type { ServerApi } from "../../core/server.ts";
import type { CommandContext, CommandSpec, ConfigSpec } from "../../core/spec.ts";
import { queuedCommands } from "../transactions/mod.ts";

/** Redis's error for writes refused for lack of replicas. */
export const NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

const settings = new WeakMap<ServerApi, { toWrite: number; maxLag: number }>();

/**
 * Whether writes must be refused for lack of good replicas (both settings above 0; Modis
 * has no replica to count).
 *
 * @example
 * ```ts
 * if (e.isWrite && replicasMissing(server)) refuse(NOREPLICAS);
 * ```
 */
export function replicasMissing(server: ServerApi): boolean {
  const s = settings.get(server);
  return s !== undefined && s.toWrite > 0 && s.maxLag > 0;
}

function writes(server: ServerApi, cmd: CommandSpec, argv: string[]): boolean {
  return runFlagsOf(cmd, server, argv).includes("write");
}

/** The gate: refuse a write (or an EXEC that would write) while replicas are missing. */
function noReplicasGate(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const server = ctx.server;
  if (server.currentClient !== null) return false; // nested: judged with its caller
  const c = ctx.client;
  const write = writes(server, cmd, argv) ||
    (cmd.name === "exec" && queuedCommands(c).some((q) => writes(server, q.entry.spec, q.argv)));
  if (!write) return false;
  server.reject(c, null, NOREPLICAS);
  return true;
}

function apply(server: ServerApi, change: { toWrite?: number; maxLag?: number }): void {
  const before = replicasMissing(server);
  const s = settings.get(server) ?? { toWrite: 0, maxLag: 10 };
  settings.set(server, { ...s, ...change });
  const after = replicasMissing(server);
  if (after && !before) server.addHook("beforeCommand", noReplicasGate, "server");
  else if (before && !after) server.removeHook("beforeCommand", noReplicasGate);
}

/**
 * The two directives, made effective.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "server", configs: [...minReplicasConfigs] };
 * ```
 */
export const minReplicasConfigs: ConfigSpec[] = [
  {
    name: "min-replicas-to-write",
    aliases: ["min-slaves-to-write"],
    kind: "int",
    default: "0",
    min: 0,
    max: 2147483647,
    apply: (v, server) => apply(server, { toWrite: Number(v) }),
  },
  {
    name: "min-replicas-max-lag",
    aliases: ["min-slaves-max-lag"],
    kind: "int",
    default: "10",
    min: 0,
    max: 2147483647,
    apply: (v, server) => apply(server, { maxLag: Number(v) }),
  },
];

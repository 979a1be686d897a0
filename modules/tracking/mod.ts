/**
 * The tracking module: server-assisted client-side caching (CLIENT TRACKING and friends),
 * built on core's hooks alone.
 *
 * - afterCommand: after a read-only command of a tracking client (default mode), remember
 *   the keys it read, found from the command's key specs with core's `commandKeys` — so a
 *   plugin's read command is tracked with no work on its side. It also ends the effect of
 *   CLIENT CACHING after the next command (or transaction), and drops tracking on RESET.
 * - keyModified: every write, expiry and script write invalidates the key (and feeds
 *   broadcast prefixes); `flushed` invalidates everything.
 * - cron and beforeCommand: keep the table within tracking-table-max-keys.
 * - clientDisconnected: forget the client.
 *
 * The three per-command hooks (beforeCommand, afterCommand, keyModified) are attached, in
 * the module's load-order place, only while at least one client of the server has tracking
 * on: an attached hook costs every command ~10 ns even when it returns at once.
 *
 * The subcommands (commands.ts) join the connection module's CLIENT command, which is why
 * this module requires "connection". Data structures and messages: table.ts.
 */

import type { CommandContext, CommandSpec, ModuleSpec } from "../../core/spec.ts";
import type { Db } from "../../core/keyspace.ts";
import type { ServerApi } from "../../core/server.ts";
import { commandKeys } from "../../core/commands.ts";
import { trackingCommands } from "./commands.ts";
import {
  disableTracking,
  enforceLimit,
  invalidateAll,
  invalidateKey,
  rememberKeys,
  trackingOf,
  trackingState,
} from "./table.ts";

function beforeCommand(ctx: CommandContext): boolean {
  const st = trackingState(ctx.server);
  if (ctx.server.currentClient === null) st.caller = ctx.client;
  enforceLimit(ctx.server);
  return false;
}

function afterCommand(ctx: CommandContext, cmd: CommandSpec, argv: string[]): void {
  // Inside a script, the caller's tracking applies to the keys the script's commands read.
  const st = trackingState(ctx.server);
  const c = ctx.server.currentClient !== null && st.caller !== null ? st.caller : ctx.client;
  const t = trackingOf(c);
  if (t === undefined) return;
  if (
    !t.bcast && cmd.flags.includes("readonly") && !cmd.flags.includes("pubsub") &&
    cmd.group !== "scripting"
  ) {
    const idx = commandKeys(cmd, argv);
    if (idx !== null && idx.length > 0) rememberKeys(c, t, idx.map((i) => argv[i]));
  }
  // CLIENT CACHING applies to the next command, or to the whole of the next transaction.
  if (
    t.caching && ctx.server.currentClient === null && argv[0].toLowerCase() !== "client" &&
    !c.flagLetters.has("x")
  ) {
    t.caching = false;
  }
}

function keyModified(_db: Db, key: string, server: ServerApi): void {
  invalidateKey(server, key, true);
}

/** Attach the per-command hooks while some client tracks; detach them after the last. */
function syncHooks(server: ServerApi, active: boolean): void {
  if (active) {
    server.addHook("beforeCommand", beforeCommand, "tracking");
    server.addHook("afterCommand", afterCommand, "tracking");
    server.addHook("keyModified", keyModified, "tracking");
  } else {
    server.removeHook("beforeCommand", beforeCommand);
    server.removeHook("afterCommand", afterCommand);
    server.removeHook("keyModified", keyModified);
  }
}

/**
 * The tracking module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, stringsModule, trackingModule] });
 * ```
 */
export const trackingModule: ModuleSpec = {
  name: "tracking",
  requires: ["connection"],
  commands: trackingCommands,
  configs: [{
    name: "tracking-table-max-keys",
    kind: "int",
    default: "1000000",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply(value, server) {
      trackingState(server).maxKeys = Number(value);
    },
  }],
  setup(server) {
    trackingState(server).onActive = (active) => syncHooks(server, active);
  },
  hooks: {
    clientReset: disableTracking,
    flushed: (_db, server) => invalidateAll(server),
    clientDisconnected: disableTracking,
    cron: enforceLimit,
    info: {
      stats(server) {
        const st = trackingState(server);
        return [
          `tracking_total_keys:${st.table.size}`,
          `tracking_total_items:${st.items}`,
          `tracking_total_prefixes:${st.prefixes.size}`,
        ];
      },
    },
  },
};

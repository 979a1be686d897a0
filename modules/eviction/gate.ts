/**
 * The OOM gate: a beforeCommand hook attached only while maxmemory is set (servers without
 * a limit pay nothing for it), placed at this module's load-order rank so that it runs
 * before MULTI queueing, as Redis's processCommand checks memory before queueing.
 *
 * Every command first gives eviction a chance (Redis evicts before any command, not only
 * before writes: a GETBIT may be what evicts a key, and its invalidation message then
 * precedes its reply). If memory is still over the limit — noeviction, nothing eligible
 * left — the command is refused with Redis's OOM error when it may use memory:
 *
 * - a command flagged denyoom;
 * - inside MULTI, any command but EXEC, DISCARD, QUIT and RESET (queueing itself uses
 *   memory); the refusal goes through `server.reject`, so the transaction is marked failed
 *   and its EXEC answers EXECABORT, as in Redis;
 * - EXEC of a queue holding a command the gate would refuse (EXECABORT ... OOM ...);
 * - EVAL / EVALSHA of a script declaring flags (a `#!lua` shebang) without allow-oom or
 *   no-writes, and FCALL of such a function; scripts without a shebang run in Redis's
 *   compatibility mode and are not refused up front: the scripting module is told, and the
 *   script's first denyoom command is refused instead (if it has not written yet).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import type { ClientState } from "../../core/client.ts";
import { runFlagsOf } from "../../core/commands.ts";
import { scriptsStartOutOfMemory } from "../scripting/state.ts";
import { queuedCommands } from "../transactions/mod.ts";
import { performEvictions } from "./evict.ts";

/** Redis's error for commands refused over the limit. */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Commands a client in MULTI may still send over the limit. */
const MULTI_ALLOWED = new Set(["exec", "discard", "quit", "reset"]);

/**
 * The beforeCommand hook.
 *
 * @example
 * ```ts
 * server.addHook("beforeCommand", oomGate, "eviction");
 * ```
 */
export function oomGate(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const server = ctx.server;
  // Commands run by other commands (scripts through execute) were checked with their caller.
  if (server.currentClient !== null) return false;
  if (performEvictions(server) !== "fail") return false;
  const c = ctx.client;
  const inMulti = c.flagLetters.has("x");
  if (!(inMulti && !MULTI_ALLOWED.has(cmd.name)) && !usesMemory(server, c, cmd, argv)) return false;
  server.reject(c, null, OOM_ERROR);
  return true;
}

/**
 * Whether a call counts as denyoom: by its run flags (a script's declared flags decide for
 * EVAL / FCALL, see scripting's run_flags.ts), and EXEC by its queue.
 */
function usesMemory(server: ServerApi, c: ClientState, cmd: CommandSpec, argv: string[]): boolean {
  if (runFlagsOf(cmd, server, argv).includes("denyoom")) return true;
  switch (cmd.name) {
    case "exec":
      return queuedCommands(c).some((q) => usesMemory(server, c, q.entry.spec, q.argv));
    case "eval":
    case "evalsha":
    case "fcall":
      // Let it run; its first denyoom redis.call will be refused (compatibility mode).
      scriptsStartOutOfMemory(server, argv);
      return false;
    default:
      return false;
  }
}

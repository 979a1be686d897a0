/**
 * CLIENT PAUSE / CLIENT UNPAUSE: hold clients' commands for a while (failovers, upgrades).
 *
 * The subcommands are added to the connection module's CLIENT container (a module may add
 * "parent|child" subcommands to another module's container) because pausing needs a gate
 * on the command path, which this module installs as a `beforeCommand` hook: while paused,
 * a command from a normal client (every command in ALL mode; in WRITE mode only commands
 * flagged write or may_replicate) is not run. Its connection is suspended and the command
 * kept; when the pause ends (timeout or UNPAUSE) each postponed command runs, in arrival
 * order, and its connection resumes with whatever it pipelined meanwhile. Replication links
 * are never paused.
 *
 * Like Redis, a new PAUSE keeps the later of the two end times and takes the new mode.
 * The gate is attached only while a pause is in force (a hook costs every command ~10 ns).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import { NetworkClient } from "../../core/connection.ts";
import { ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { runFlagsOf } from "../../core/commands.ts";
import { queuedCommands } from "../transactions/mod.ts";

interface PauseState {
  until: number;
  all: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  postponed: { client: ClientState; argv: string[] }[];
}

const pauses = new WeakMap<ServerApi, PauseState>();

function release(server: ServerApi): void {
  const p = pauses.get(server);
  if (!p) return;
  pauses.delete(server);
  server.writesPaused = false;
  server.removeHook("beforeCommand", postponeIfPaused);
  if (p.timer) clearTimeout(p.timer);
  for (const { client, argv } of p.postponed) {
    if (client instanceof NetworkClient && client.isClosed) continue;
    server.execute(client, argv);
    client.resume();
  }
}

/**
 * Clients whose command waits for the pause to end (Redis counts them in INFO
 * blocked_clients).
 *
 * @example
 * ```ts
 * postponedCount(server); // 1
 * ```
 */
export function postponedCount(server: ServerApi): number {
  return pauses.get(server)?.postponed.length ?? 0;
}

/** What CLIENT PAUSE WRITE holds back: writes and calls that may replicate (run flags). */
function mayWrite(server: ServerApi, cmd: CommandSpec, argv: string[]): boolean {
  const flags = runFlagsOf(cmd, server, argv);
  return flags.includes("write") || flags.includes("may_replicate");
}

/**
 * The pause gate (the beforeCommand hook's half for CLIENT PAUSE): true when the command
 * was postponed.
 *
 * @example
 * ```ts
 * hooks: { beforeCommand: (ctx, cmd, argv) => postponeIfPaused(ctx, cmd, argv) }
 * ```
 */
export function postponeIfPaused(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const p = pauses.get(ctx.server);
  if (!p) return false;
  const c = ctx.client;
  if (!(c instanceof NetworkClient) || c.kind === "replica" || c.kind === "master") return false;
  if (
    !p.all && !mayWrite(ctx.server, cmd, argv) &&
    !(cmd.name === "exec" &&
      queuedCommands(c).some((q) => mayWrite(ctx.server, q.entry.spec, q.argv)))
  ) {
    return false;
  }
  c.suspend();
  p.postponed.push({ client: c, argv });
  return true;
}

/**
 * CLIENT PAUSE and CLIENT UNPAUSE, registered into the CLIENT container.
 *
 * @example
 * ```ts
 * commands: [...pauseSubcommands]
 * ```
 */
export const pauseSubcommands: CommandSpec[] = [
  {
    name: "client|pause",
    group: "connection",
    summary: "Suspends commands processing.",
    since: "3.0.0",
    complexity: "O(1)",
    arity: -3,
    flags: ["admin", "noscript", "loading", "stale"],
    history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
    arguments: [
      { name: "timeout", type: "integer" },
      {
        name: "mode",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [{ name: "write", type: "pure-token", token: "WRITE" }, {
          name: "all",
          type: "pure-token",
          token: "ALL",
        }],
      },
    ],
    handler(ctx, argv) {
      if (argv.length > 4) {
        throw new ReplyError(
          "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.",
        );
      }
      let all = true;
      if (argv.length === 4) {
        const mode = argv[3].toLowerCase();
        if (mode === "write") all = false;
        else if (mode !== "all") throw new ReplyError("ERR CLIENT PAUSE mode must be WRITE or ALL");
      }
      const ms = parseInteger(argv[2]);
      if (ms === null) throw new ReplyError("ERR timeout is not an integer or out of range");
      if (ms < 0) throw new ReplyError("ERR timeout is negative");
      const server = ctx.server;
      const until = Date.now() + ms;
      let p = pauses.get(server);
      if (!p) {
        pauses.set(server, p = { until, all, timer: null, postponed: [] });
        server.writesPaused = true;
        server.addHook("beforeCommand", postponeIfPaused, "server");
      }
      p.until = Math.max(p.until, until);
      p.all = all;
      if (p.timer) clearTimeout(p.timer);
      p.timer = setTimeout(() => release(server), Math.max(0, p.until - Date.now()));
      ctx.reply.ok();
    },
  },
  {
    name: "client|unpause",
    group: "connection",
    summary: "Resumes processing commands from paused clients.",
    since: "6.2.0",
    complexity: "O(N) Where N is the number of paused clients",
    arity: 2,
    flags: ["admin", "noscript", "loading", "stale"],
    handler(ctx) {
      // Postponed commands run after this reply, as they would after the pause ends.
      const server = ctx.server;
      queueMicrotask(() => release(server));
      ctx.reply.ok();
    },
  },
];

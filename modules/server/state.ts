/**
 * Per-server state of the server module, and small helpers its command files share.
 *
 * A ModuleSpec is one object shared by every server that loads it (tests create many
 * servers in one process), so nothing per-server may live in module-level variables. The
 * state sits in a WeakMap keyed by the server and is created on first use: MONITOR
 * clients, the slow log, latency samples, replication ids shown until the replication
 * module takes over, and the memory figures INFO reports.
 *
 * The helpers here are the Redis conventions several commands share: the HELP reply
 * layout, the "subcommand syntax" error, the protected-command gate of
 * `enable-debug-command` / `enable-module-command`, and reading a field of an INFO section
 * a module contributed (LASTSAVE and ROLE read persistence's and replication's sections
 * that way, so those modules need no API of ours).
 */

import type { CommandContext } from "../../core/spec.ts";
import type { CommandEntry } from "../../core/commands.ts";
import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import { ReplyError } from "../../core/errors.ts";
import { NetworkClient } from "../../core/connection.ts";
import { parseInteger } from "../../core/numbers.ts";
import { LatencyHistogram } from "./latency_histogram.ts";

/** One SLOWLOG entry. */
export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  usec: number;
  argv: string[];
  peer: string;
  name: string;
}

/** A LATENCY event series (LATENCY LATEST / HISTORY). */
export interface LatencyEvent {
  /** [unix seconds, ms] samples, oldest first (at most 160, like Redis). */
  samples: [number, number][];
  max: number;
}

/** What the server module keeps per server. */
export interface ServerModuleState {
  monitors: Set<ClientState>;
  /** MONITOR lines of nested commands, held until the outermost command ends. */
  monitorPending: string[];
  slowlog: SlowlogEntry[];
  slowlogNextId: number;
  histograms: Map<CommandEntry, LatencyHistogram>;
  latencyEvents: Map<string, LatencyEvent>;
  replId: string;
  replId2: string;
  peakMemory: number;
  startupMemory: number;
}

const states = new WeakMap<ServerApi, ServerModuleState>();

/** 40 random hex digits (run ids, replication ids). */
export function randomHex40(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(20)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * The server module's state for `server`, created on first use.
 *
 * @example
 * ```ts
 * stateOf(ctx.server).monitors.add(ctx.client);
 * ```
 */
export function stateOf(server: ServerApi): ServerModuleState {
  let s = states.get(server);
  if (!s) {
    const rss = server.host?.rss() ?? 0;
    s = {
      monitors: new Set(),
      monitorPending: [],
      slowlog: [],
      slowlogNextId: 0,
      histograms: new Map(),
      latencyEvents: new Map(),
      replId: randomHex40(),
      replId2: "0".repeat(40),
      peakMemory: rss,
      startupMemory: rss,
    };
    states.set(server, s);
  }
  return s;
}

/**
 * Reply with a HELP text in Redis's layout: a header line naming the command, the given
 * lines, then the HELP entry itself; every line a status reply.
 *
 * @example
 * ```ts
 * replyHelp(ctx, "CONFIG", ["GET <pattern>", "    Return matching parameters."]);
 * ```
 */
export function replyHelp(ctx: CommandContext, command: string, lines: string[]): void {
  const r = ctx.reply;
  r.array(lines.length + 3);
  r.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple("HELP");
  r.simple("    Print this help.");
}

/**
 * The error for a bad subcommand of a command that parses its own subcommands (DEBUG).
 *
 * @example
 * ```ts
 * throw subcommandSyntaxError(argv); // ERR unknown subcommand or wrong number of arguments for 'x'. Try DEBUG HELP.
 * ```
 */
export function subcommandSyntaxError(argv: string[]): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${
      argv[0].toUpperCase()
    } HELP.`,
  );
}

/**
 * Refuse a protected command (DEBUG, MODULE LOAD...) unless `option` (enable-debug-command
 * or enable-module-command) allows it for this client: "yes", or "local" from a local
 * connection.
 *
 * @example
 * ```ts
 * checkProtected(ctx, "DEBUG", ctx.server.settings.enableDebugCommand, "enable-debug-command");
 * ```
 */
export function checkProtected(
  ctx: CommandContext,
  what: string,
  value: string,
  option: string,
): void {
  if (value === "yes" || (value === "local" && ctx.client.isLocal)) return;
  throw new ReplyError(
    `ERR ${what} command not allowed. If the ${option} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
  );
}

/**
 * A field of an INFO section contributed by a module (hooks.info), or undefined when no
 * module contributes that section or field.
 *
 * @example
 * ```ts
 * moduleInfoField(server, "persistence", "rdb_last_save_time"); // "1700000000" once persistence is loaded
 * ```
 */
export function moduleInfoField(
  server: ServerApi,
  section: string,
  field: string,
): string | undefined {
  const render = server.infoSections.get(section);
  if (!render) return undefined;
  const prefix = field + ":";
  for (const line of render(server)) if (line.startsWith(prefix)) return line.slice(prefix.length);
  return undefined;
}

/**
 * Parse an integer argument strictly; throws `message` (default: Redis's "not an integer")
 * when it is not one.
 *
 * @example
 * ```ts
 * intArg("10"); // 10
 * ```
 */
export function intArg(s: string, message = "ERR value is not an integer or out of range"): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(message);
  return n;
}

/**
 * Reply to a command whose work is asynchronous (loading a plugin file, rewriting the
 * config file) while handlers are synchronous: the connection is suspended, so commands it
 * pipelined meanwhile keep their order, and gets `+OK` or `onError(err)` when `work`
 * settles. In-process callers (embedded `call()`, scripts) cannot wait and get an error.
 *
 * @example
 * ```ts
 * replyAfter(ctx, () => server.loadModuleFile(path).then(() => {}), () => "ERR failed");
 * ```
 */
export function replyAfter(
  ctx: CommandContext,
  work: () => Promise<void>,
  onError: (err: unknown) => string,
): void {
  const c = ctx.client;
  if (!(c instanceof NetworkClient)) {
    throw new ReplyError(
      "ERR this command needs a network connection (embedders: use the server API)",
    );
  }
  c.suspend();
  work().then(
    () => {
      if (!c.isClosed) c.reply.ok();
    },
    (err) => {
      if (!c.isClosed) c.reply.error(onError(err));
    },
  ).finally(() => c.resume());
}

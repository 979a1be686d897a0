/**
 * MONITOR: stream every command the server executes to the clients that asked, one
 * status line per command in Redis's format:
 *
 *   +1700000000.123456 [0 127.0.0.1:52100] "set" "foo" "bar"
 *
 * (time with microseconds, the db, the client's address — "lua" for commands run by
 * scripts and other in-process callers, "unix:<path>" over the Unix socket — then every
 * argument quoted with C-style escapes).
 *
 * The feed is an `afterCommand` hook, so it sees exactly the commands that ran: commands
 * inside EXEC and scripts one by one, and not the ones rejected before running (unknown,
 * wrong arity, refused by a gate, queued by MULTI). Admin commands are not shown and
 * passwords are redacted, like Redis; the order of nested commands is Redis's too (see
 * feedMonitors).
 *
 * Lines go out through core's `client.deliver()`, which coalesces everything delivered
 * to a client in one event-loop turn into one socket write.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import { NetworkClient } from "../../core/connection.ts";
import { ReplyError } from "../../core/errors.ts";
import { stateOf } from "./state.ts";

/** Escape a binary string as Redis's sdscatrepr does, quotes included. */
export function reprArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c < 0x20 || c > 0x7e) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/**
 * Arguments hidden from MONITOR and SLOWLOG: passwords of AUTH, HELLO ... AUTH and
 * MIGRATE ... AUTH/AUTH2. Returns argv itself when nothing needs hiding.
 *
 * @example
 * ```ts
 * redactArgv(["AUTH", "secret"]); // ["AUTH", "(redacted)"]
 * ```
 */
export function redactArgv(argv: string[]): string[] {
  const name = argv[0].toLowerCase();
  const hidden = new Set<number>();
  if (name === "auth") {
    for (let i = 1; i < argv.length; i++) hidden.add(i);
  } else if (name === "hello" || name === "migrate") {
    for (let i = 1; i < argv.length; i++) {
      const w = argv[i].toLowerCase();
      if (w === "auth" && name === "hello") [1, 2].forEach((k) => hidden.add(i + k));
      else if (w === "auth" && name === "migrate") hidden.add(i + 1);
      else if (w === "auth2") [1, 2].forEach((k) => hidden.add(i + k));
    }
  }
  if (hidden.size === 0) return argv;
  return argv.map((a, i) => (hidden.has(i) && i < argv.length ? "(redacted)" : a));
}

/** The argv a client was blocked in, to recognize the re-run that serves it. */
const blockedArgv = new WeakMap<ClientState, string[]>();

/** The client as MONITOR and SLOWLOG name it. */
export function peerName(server: ServerApi, c: ClientState): string {
  if (c.addr === "") return "lua";
  const sock = server.settings.unixsocket;
  if (sock !== "" && c.addr.startsWith(sock + ":")) return `unix:${sock}`;
  return c.addr;
}

/**
 * Attach or detach the MONITOR feed: it runs after every command, so it is attached only
 * while at least one client monitors.
 *
 * @example
 * ```ts
 * st.monitors.add(c); syncMonitorHook(server);
 * ```
 */
export function syncMonitorHook(server: ServerApi): void {
  if (stateOf(server).monitors.size > 0) server.addHook("afterCommand", feedMonitors);
  else server.removeHook("afterCommand", feedMonitors);
}

/** Send the command that just ran to every monitor (after nested ones, in Redis's order). */
function feedMonitors(ctx: CommandContext, cmd: CommandSpec, argv: string[]): void {
  const server = ctx.server;
  const st = stateOf(server);
  if (st.monitors.size === 0) return;
  // A blocked command is run again when its key is ready (same argv array): show it once.
  const c = ctx.client;
  const rerun = blockedArgv.get(c) === argv;
  if (server.blocking.isBlocked(c)) blockedArgv.set(c, argv);
  else blockedArgv.delete(c);
  const line = rerun || cmd.flags.includes("admin") ? null : monitorLine(ctx, argv);
  if (server.currentClient !== null) {
    if (line !== null) st.monitorPending.push(line);
    return;
  }
  const inner = st.monitorPending;
  st.monitorPending = [];
  const lines = cmd.flags.includes("skip_monitor") ? [line, ...inner] : [...inner, line];
  for (const m of st.monitors) {
    m.deliver((r) => {
      for (const l of lines) if (l !== null) r.simple(l);
    });
  }
}

function monitorLine(ctx: CommandContext, argv: string[]): string {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const stamp = `${Math.floor(now / 1e6)}.${String(now % 1e6).padStart(6, "0")}`;
  return `${stamp} [${ctx.client.db.index} ${peerName(ctx.server, ctx.client)}] ${
    redactArgv(argv).map(reprArg).join(" ")
  }`;
}

/**
 * The MONITOR command.
 *
 * @example
 * ```ts
 * commands.push(monitorCommand);
 * ```
 */
export const monitorCommand: CommandSpec = {
  name: "monitor",
  group: "server",
  summary: "Listens for all requests received by the server in real-time.",
  since: "1.0.0",
  arity: 1,
  flags: ["admin", "noscript", "loading", "stale"],
  handler(ctx) {
    const c = ctx.client;
    const st = stateOf(ctx.server);
    if (!(c instanceof NetworkClient) || c.denyBlocking) {
      throw new ReplyError("ERR MONITOR isn't allowed for DENY BLOCKING client");
    }
    // A second MONITOR (or one from a replica link) is ignored without a reply, as in Redis.
    if (st.monitors.has(c) || c.kind === "replica") return;
    st.monitors.add(c);
    syncMonitorHook(ctx.server);
    c.flagLetters.add("O");
    ctx.reply.ok();
  },
};

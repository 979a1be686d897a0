/**
 * Small server commands: TIME, LASTSAVE, ROLE, SHUTDOWN, LOLWUT.
 *
 * LASTSAVE and ROLE answer from facts other modules own: the persistence module's INFO
 * section (rdb_last_save_time) and the replication module's (role, master link, replica
 * lines). Until those modules are loaded the answers are a fresh master's: LASTSAVE is the
 * start time, ROLE is ["master", 0, []]. Reading their INFO fields keeps this module free
 * of any dependency on them, and the answers can never disagree with INFO.
 *
 * SHUTDOWN runs the shutdown hooks (a persistence module saves there), then ends the
 * process; embedded, it disconnects every client and leaves the host process alone. There
 * is no shutdown in progress to abort, since shutting down is immediate.
 */

import type { CommandSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { moduleInfoField } from "./state.ts";

/**
 * The TIME command.
 *
 * @example
 * ```ts
 * await modis.call("TIME"); // ["1700000000", "123456"]
 * ```
 */
export const timeCommand: CommandSpec = {
  name: "time",
  group: "server",
  summary: "Returns the server time.",
  since: "2.6.0",
  complexity: "O(1)",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  tips: ["nondeterministic_output"],
  handler(ctx) {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    ctx.reply.bulks([String(Math.floor(us / 1e6)), String(us % 1e6)]);
  },
};

/** Unix time (seconds) of the last successful save, or the start time before any. */
export function lastSaveTime(server: ServerApi): number {
  const reported = moduleInfoField(server, "persistence", "rdb_last_save_time");
  return reported !== undefined ? Number(reported) : Math.floor(server.startTime / 1000);
}

/**
 * The LASTSAVE command.
 *
 * @example
 * ```ts
 * await modis.call("LASTSAVE"); // 1700000000
 * ```
 */
export const lastsaveCommand: CommandSpec = {
  name: "lastsave",
  group: "server",
  summary: "Returns the Unix timestamp of the last successful save to disk.",
  since: "1.0.0",
  complexity: "O(1)",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  aclCategories: ["admin", "dangerous"],
  tips: ["nondeterministic_output"],
  handler(ctx) {
    ctx.reply.int(lastSaveTime(ctx.server));
  },
};

/** The replica link state ROLE reports, from INFO replication's fields. */
function replicaState(server: ServerApi): string {
  if (moduleInfoField(server, "replication", "master_link_status") === "up") return "connected";
  if (moduleInfoField(server, "replication", "master_sync_in_progress") === "1") return "sync";
  return "connect";
}

/**
 * The ROLE command.
 *
 * @example
 * ```ts
 * await modis.call("ROLE"); // ["master", 0, []]
 * ```
 */
export const roleCommand: CommandSpec = {
  name: "role",
  group: "server",
  summary: "Returns the replication role.",
  since: "2.8.12",
  complexity: "O(1)",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast"],
  aclCategories: ["admin", "dangerous"],
  handler(ctx) {
    const server = ctx.server;
    const field = (name: string) => moduleInfoField(server, "replication", name);
    const r = ctx.reply;
    if (server.isReplica || field("role") === "slave") {
      r.array(5);
      r.bulk("slave");
      r.bulk(field("master_host") ?? "");
      r.int(Number(field("master_port") ?? 0));
      r.bulk(replicaState(server));
      r.int(Number(field("slave_repl_offset") ?? -1));
      return;
    }
    const replicas: [string, string, string][] = [];
    for (const line of server.infoSections.get("replication")?.(server) ?? []) {
      const m = /^slave\d+:ip=([^,]*),port=(\d+),state=[^,]*,offset=(-?\d+)/.exec(line);
      if (m) replicas.push([m[1], m[2], m[3]]);
    }
    r.array(3);
    r.bulk("master");
    r.int(Number(field("master_repl_offset") ?? 0));
    r.array(replicas.length);
    for (const rep of replicas) r.bulks(rep);
  },
};

/**
 * The SHUTDOWN command.
 *
 * @example
 * ```ts
 * commands.push(shutdownCommand);
 * ```
 */
export const shutdownCommand: CommandSpec = {
  name: "shutdown",
  group: "server",
  summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
  since: "1.0.0",
  complexity:
    "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
  arity: -1,
  flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
  history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
  arguments: [
    {
      name: "save-selector",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "nosave", type: "pure-token", token: "NOSAVE" },
        { name: "save", type: "pure-token", token: "SAVE" },
      ],
    },
    { name: "now", type: "pure-token", token: "NOW", optional: true, since: "7.0.0" },
    { name: "force", type: "pure-token", token: "FORCE", optional: true, since: "7.0.0" },
    { name: "abort", type: "pure-token", token: "ABORT", optional: true, since: "7.0.0" },
  ],
  handler(ctx, argv) {
    const opts = new Set<string>();
    for (const a of argv.slice(1)) {
      const w = a.toLowerCase();
      if (!["nosave", "save", "now", "force", "abort"].includes(w)) {
        throw new ReplyError(SYNTAX_ERR);
      }
      opts.add(w);
    }
    if ((opts.has("abort") && opts.size > 1) || (opts.has("save") && opts.has("nosave"))) {
      throw new ReplyError(SYNTAX_ERR);
    }
    if (opts.has("abort")) throw new ReplyError("ERR No shutdown in progress.");
    const server = ctx.server;
    server.log("warning", "User requested shutdown...");
    // No reply: the client sees the connection close, as with Redis.
    const clients = [...server.clients.values()];
    server.shutdown().then(() => {
      server.log("warning", "Modis is now ready to exit, bye bye...");
      for (const c of clients) c.kill();
      ctx.client.kill();
      server.exitProcess?.(0);
    }, (err) => {
      server.log(
        "warning",
        `Errors trying to shut down: ${err instanceof Error ? err.message : err}`,
      );
    });
  },
};

/**
 * LOLWUT: a little art and the version, as Redis does for fun.
 *
 * @example
 * ```ts
 * await modis.call("LOLWUT"); // "...\nModis ver. 0.1.0 (Redis 7.4.1 compatible)\n"
 * ```
 */
export const lolwutCommand: CommandSpec = {
  name: "lolwut",
  group: "server",
  summary: "Displays computer art and the Redis version",
  since: "5.0.0",
  arity: -1,
  flags: ["readonly", "fast"],
  arguments: [{ name: "version", type: "integer", token: "VERSION", optional: true }],
  handler(ctx) {
    const rows: string[] = [];
    for (let y = 0; y < 6; y++) {
      let row = "";
      for (let x = 0; x < 32; x++) {
        row += (x * 7 + y * 13) % 5 < 2 ? "." : (x + y) % 3 === 0 ? "#" : " ";
      }
      rows.push(row);
    }
    const art = rows.join("\n");
    ctx.reply.verbatim(
      `${art}\n\nModis ver. ${ctx.server.modisVersion} (Redis ${ctx.server.version} compatible)\n`,
    );
  },
};

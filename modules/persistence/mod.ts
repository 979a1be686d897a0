/**
 * The persistence module: RDB snapshots (SAVE, BGSAVE, save points, load at startup, final
 * save on shutdown, DEBUG RELOAD), the append-only file (Redis 7 multi-part layout,
 * appendfsync, BGREWRITEAOF, automatic rewrites, DEBUG LOADAOF) and DUMP / RESTORE /
 * MIGRATE — all in Redis's own formats, so operators move between Redis and Modis with their
 * files: redis-server 7.0+ loads what Modis writes, and the other way round.
 *
 * How it fits together:
 *   - format/: pure codecs (RDB, listpacks, LZF, CRC-64, DUMP payloads, AOF manifest and
 *     commands). No I/O, no server state.
 *   - forms.ts + module_io.ts: each type saves itself through its TypeSpec (`toRdb` /
 *     `fromRdb` for built-ins, `rdbSave` / `rdbLoad` / `aofRewrite` for plugin types).
 *   - snapshot.ts: point-in-time snapshots without fork() (pre-images of keys about to be
 *     written; see that file for why this beats fork's copy-on-write here).
 *   - save_job.ts: temp file → fsync → rename; sliced in the background.
 *   - rdb_file.ts, aof.ts: the two file kinds; state.ts: per-server state, save points,
 *     shutdown; functions.ts: function libraries handed to/from the scripting module.
 *
 * Hooks used: `loading` (startup load; a corrupt or truncated file stops the server with the
 * file, offset and reason), `cron` (save points, everysec fsync, scheduled and automatic
 * rewrites), `shutdown` (final save, AOF fsync), `info` (INFO persistence), and
 * `beforeCommand` only to learn SHUTDOWN's NOSAVE/SAVE/FORCE flags (the server module owns
 * SHUTDOWN and runs the shutdown hooks) and to answer DEBUG RELOAD / DEBUG LOADAOF (the
 * server module's DEBUG has no persistence behind it). `beforeKeyWrite` (snapshots),
 * `propagated` (AOF) and the MISCONF write gate are attached with `addHook` only while they
 * are needed, so a server with persistence idle pays nothing per command.
 */

import { waitCommands } from "./wait_commands.ts";
import type { CommandContext, CommandSpec, ConfigSpec, ModuleSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { ReplyError } from "../../core/errors.ts";
import { dumpCommands } from "./dump_commands.ts";
import { saveCommands } from "./save_commands.ts";
import { parseSavePoints, persistenceOf } from "./state.ts";

export { type FunctionLibraryStore, provideFunctionLibraries } from "./functions.ts";
export { LoadError } from "./rdb_file.ts";
export { dumpPayload } from "./dump_commands.ts";
export { persistenceOf } from "./state.ts";

const configs: ConfigSpec[] = [
  {
    name: "save",
    kind: "special",
    default: "3600 1 300 100 60 10000",
    apply(value, server) {
      persistenceOf(server).savePoints = parseSavePoints(value);
    },
  },
  {
    name: "appendonly",
    kind: "bool",
    default: "no",
    apply(value, server) {
      const p = persistenceOf(server);
      if (!p.started) return; // startup: the loading hook decides
      if (value === "yes") p.aof.enable();
      else p.aof.disable();
    },
  },
  {
    name: "dir",
    kind: "special",
    default: ".",
    apply(value, server) {
      if (server.host && server.host.fileSize(value) < 0) {
        throw new Error(`No such file or directory: ${value}`);
      }
    },
    format: (value, server) =>
      value.startsWith("/")
        ? value
        : `${server.host?.cwd() ?? "."}${value === "." ? "" : "/" + value}`,
  },
  {
    name: "dbfilename",
    kind: "string",
    default: "dump.rdb",
    apply(value) {
      if (value.includes("/")) throw new Error("dbfilename can't be a path, just a filename");
    },
  },
];

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] and DEBUG LOADAOF, answered here. */
function debugPersistence(ctx: CommandContext, argv: string[]): boolean {
  const sub = argv[1]?.toLowerCase();
  if (sub !== "reload" && sub !== "loadaof") return false;
  const allowed = ctx.server.config.get("enable-debug-command");
  if (allowed === "no" || (allowed === "local" && !ctx.client.isLocal)) return false;
  const p = persistenceOf(ctx.server);
  try {
    if (sub === "loadaof") {
      if (!p.aof.on) throw new ReplyError("ERR AOF is not enabled");
      p.reloadAof();
    } else {
      const opts = new Set(argv.slice(2).map((a) => a.toLowerCase()));
      for (const o of opts) {
        if (!["merge", "noflush", "nosave"].includes(o)) throw new ReplyError("ERR syntax error");
      }
      p.reload({ save: !opts.has("nosave"), flush: !opts.has("noflush") && !opts.has("merge") });
    }
  } catch (e) {
    const msg = e instanceof ReplyError
      ? e.message
      : `ERR Error trying to load the data: ${e instanceof Error ? e.message : e}`;
    ctx.server.countError(msg);
    ctx.reply.error(msg);
    return true;
  }
  ctx.reply.ok();
  return true;
}

function beforeCommand(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const name = cmd.name;
  if (name === "shutdown") {
    persistenceOf(ctx.server).shutdownFlags = new Set(argv.slice(1).map((a) => a.toLowerCase()));
    return false;
  }
  return name === "debug" && debugPersistence(ctx, argv);
}

/**
 * The persistence module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [...builtinModules], config: { dir: "/data", save: "60 1" } });
 * ```
 */
export const persistenceModule: ModuleSpec = {
  name: "persistence",
  commands: [...saveCommands, ...dumpCommands, ...waitCommands],
  configs,
  hooks: {
    beforeCommand,
    loading: (server: ServerApi) => persistenceOf(server).loadAtStartup(),
    cron: (server) => persistenceOf(server).cron(),
    shutdown: (server) => persistenceOf(server).shutdown(),
    info: { persistence: (server) => persistenceOf(server).info() },
  },
};

/**
 * The server module: the commands an operator uses to look at and steer the server.
 *
 * INFO, COMMAND, CONFIG, MONITOR, SLOWLOG, LATENCY, MEMORY, DEBUG, MODULE, TIME, LASTSAVE,
 * ROLE, SHUTDOWN and LOLWUT, plus CLIENT PAUSE / UNPAUSE added to the connection module's
 * CLIENT container (hence `requires: ["connection"]`). None of them owns data: they read
 * what core keeps (command
 * table and its counters, config registry, clients, statistics, loaded modules) and what
 * other modules publish through INFO sections, and they reach the rest of the server only
 * through the public module interface, like any plugin.
 *
 * Three hooks do the bookkeeping: `beforeCommand` holds commands while clients are paused
 * (pause.ts), `afterCommand` feeds MONITOR clients and times every call for SLOWLOG /
 * LATENCY / INFO latencystats (monitor.ts, slowlog.ts), and `clientDisconnected` forgets
 * monitors that went away. Per-server state lives in
 * state.ts, keyed by the server, since one ModuleSpec serves every server in a process.
 *
 * Not here on purpose: SAVE / BGSAVE / BGREWRITEAOF (the persistence module), REPLICAOF /
 * SYNC (replication), FLUSHALL / DBSIZE (keyspace commands), ACL (acl).
 *
 * Files: info.ts (INFO), command_command.ts (COMMAND), config_command.ts +
 * config_rewrite.ts (CONFIG), monitor.ts, slowlog.ts (+ latency_histogram.ts), debug_command.ts
 * (+ digest.ts), module_command.ts, memory_command.ts, admin_commands.ts (TIME, LASTSAVE,
 * ROLE, SHUTDOWN, LOLWUT), pause.ts (CLIENT PAUSE / UNPAUSE).
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { infoCommand } from "./info.ts";
import { commandCommand } from "./command_command.ts";
import { configCommand } from "./config_command.ts";
import { monitorCommand, syncMonitorHook } from "./monitor.ts";
import {
  batchRecorder,
  commandRecorder,
  latencyCommand,
  slowlogCommand,
  timingConfigs,
} from "./slowlog.ts";
import { debugCommand } from "./debug_command.ts";
import { moduleCommand } from "./module_command.ts";
import { memoryCommand } from "./memory_command.ts";
import {
  lastsaveCommand,
  lolwutCommand,
  roleCommand,
  shutdownCommand,
  timeCommand,
} from "./admin_commands.ts";
import { stateOf } from "./state.ts";
import { pauseSubcommands } from "./pause.ts";
import { minReplicasConfigs } from "./min_replicas.ts";

/**
 * The server module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, serverModule] });
 * await modis.call("INFO", "server");
 * ```
 */
export const serverModule: ModuleSpec = {
  name: "server",
  commands: [
    infoCommand,
    commandCommand,
    configCommand,
    monitorCommand,
    slowlogCommand,
    latencyCommand,
    debugCommand,
    moduleCommand,
    memoryCommand,
    timeCommand,
    lastsaveCommand,
    roleCommand,
    shutdownCommand,
    lolwutCommand,
    ...pauseSubcommands,
  ],
  configs: [...timingConfigs, ...minReplicasConfigs],
  requires: ["connection"],
  hooks: {
    clientDisconnected(c) {
      if (stateOf(c.server).monitors.delete(c)) syncMonitorHook(c.server);
    },
  },
  setup(server) {
    // Take the memory baseline now, before any data exists.
    stateOf(server);
    server.addHook("afterCommand", commandRecorder(server));
    server.addHook("batchTimed", batchRecorder(server));
  },
};

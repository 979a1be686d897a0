/**
 * The scripting module: Lua scripts (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT) and Redis 7
 * functions (FUNCTION, FCALL, FCALL_RO), running on the in-house Lua 5.1 engine in lua/.
 *
 * Layout:
 *   eval_commands.ts      EVAL family and SCRIPT; the script cache lives in state.ts
 *   function_commands.ts  FUNCTION and FCALL; libraries.ts is the library registry,
 *                         function_dump.ts the DUMP/RESTORE payload format
 *   redis_api.ts          the `redis` table (call, pcall, log, setresp, ...) and the two Lua
 *                         environments (EVAL's, and the functions' with library globals)
 *   lua_reply.ts          reply conversion both ways (LuaReplyBuilder is the ReplyWriter
 *                         behind redis.call; writeLuaReply answers the caller)
 *   engine.ts             running a script in slices, the -BUSY gate, SCRIPT/FUNCTION KILL
 *   shebang.ts            `#!lua flags=...` and `#!lua name=...` headers
 *   sha1.ts               SHA-1 for script names and redis.sha1hex
 *
 * Commands a script runs go through core's own path (`server.call`) on a detached script
 * client, so statistics, keyspace signals, WATCH, tracking and propagation see them as any
 * other command; core propagates the writes of one script together, wrapped in MULTI/EXEC
 * (effects replication, the only mode of Redis 7).
 *
 * The only hook is the busy gate (`beforeCommand`): while a long script is paused between
 * slices, other commands wait (until busy-reply-threshold) or get -BUSY. It must run before
 * MULTI queueing, so this module is listed before transactions in modules/mod.ts. It is
 * attached (in that place) only while a script runs across event-loop turns.
 *
 * For persistence: `scriptingOf(server).libraries.codes()` lists every library's code and
 * `.restore(codes, "replace")` loads them back — that is the whole function state.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { evalCommands } from "./eval_commands.ts";
import { functionCommands } from "./function_commands.ts";
import { scriptingOf, scriptingStarted } from "./state.ts";
import { provideFunctionLibraries } from "../persistence/functions.ts";
import { bytesToHuman } from "../server/info.ts";

export { scriptingOf } from "./state.ts";
export { dumpFunctions, restoreCodes } from "./function_dump.ts";

/**
 * The scripting module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, stringsModule, scriptingModule] });
 * await modis.call("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", 1, "k", "v");
 * ```
 */
export const scriptingModule: ModuleSpec = {
  name: "scripting",
  commands: [...evalCommands, ...functionCommands],
  // Persistence (RDB files, DEBUG RELOAD) saves and restores function libraries through
  // this store; the persistence module never reaches into scripting's state.
  setup(server) {
    const libs = () => scriptingOf(server).libraries;
    provideFunctionLibraries(server, {
      // A save before any script ran need not build the Lua states (2-4 ms) to learn that
      // there are no libraries.
      codes: () => scriptingStarted(server) ? libs().codes() : [],
      restore: (codes) => libs().restore(codes, "flush"),
    });
  },
  hooks: {
    // Redis reports scripts in INFO memory and stats; these fields replace the server
    // module's idle values. The Lua heap itself is part of the process's and not told apart.
    info: {
      memory: (server) => {
        if (!scriptingStarted(server)) return [];
        const st = scriptingOf(server);
        let evalBytes = 0;
        for (const s of st.scripts.values()) {
          evalBytes += s.sha.length + s.body.length + SCRIPT_OVERHEAD;
        }
        let functionBytes = 0;
        for (const lib of st.libraries.libraries.values()) {
          functionBytes += lib.name.length + lib.code.length + SCRIPT_OVERHEAD;
        }
        const total = evalBytes + functionBytes;
        return [
          `used_memory_scripts_eval:${evalBytes}`,
          `number_of_cached_scripts:${st.scripts.size}`,
          `number_of_functions:${st.libraries.functions.size}`,
          `number_of_libraries:${st.libraries.libraries.size}`,
          `used_memory_functions:${functionBytes}`,
          `used_memory_scripts:${total}`,
          `used_memory_scripts_human:${bytesToHuman(total)}`,
        ];
      },
      stats: (server) =>
        scriptingStarted(server) ? [`evicted_scripts:${scriptingOf(server).evictedScripts}`] : [],
    },
  },
};

/** Bookkeeping per cached script or library beyond its text (entry, compiled function). */
const SCRIPT_OVERHEAD = 64;

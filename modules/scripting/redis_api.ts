// deno-lint-ignore-file require-yield -- Lua natives are generator functions by contract.
/**
 * The `redis` table scripts see, and the Lua environments that carry it.
 *
 * redis.call / redis.pcall run a command through core's own path (`server.call`) on behalf
 * of a detached script client whose reply sink is a LuaReplyBuilder, after the checks Redis
 * makes for scripts (scriptCall in Redis): known command and arity, not `noscript`, no
 * writes from a read-only run. An error reply becomes a Lua error (call) or is returned as
 * an {err=...} table (pcall). The rest of the API follows Redis 7.4: error_reply /
 * status_reply, sha1hex, log with the LOG_* levels, setresp, set_repl with the REPL_*
 * flags, replicate_commands (always true: Redis 7 only replicates effects), breakpoint /
 * debug (no debugger here: no-ops), acl_check_cmd, REDIS_VERSION / REDIS_VERSION_NUM.
 *
 * Each environment (one for EVAL, one for functions, as Redis keeps two Lua states) gets
 * Redis's global `pcall` variant (an error table caught by pcall becomes its message
 * string, as older scripts expect) and read-only globals. Functions additionally get the
 * library globals switch: while FUNCTION LOAD runs a library's top level, the library sees
 * only `redis.register_function`, `redis.log` and the version fields, and the real API once
 * its functions are called.
 *
 * No host facility is reachable from Lua: the environment holds only the engine's
 * libraries (base without loadfile/dofile, string, table, math, os.clock, coroutine, cjson,
 * cmsgpack, bit, struct) and the functions defined here.
 */

import { NOREPLICAS, replicasMissing } from "../server/min_replicas.ts";
import type { ClientState } from "../../core/client.ts";
import { arityOk } from "../../core/commands.ts";
import type { ServerApi } from "../../core/server.ts";
import { PROPAGATE_ALL } from "../../core/spec.ts";
import {
  createState,
  direct,
  hostFunction,
  luaError,
  LuaState,
  LuaTable,
  type LuaValue,
  native,
  protectGlobals,
  protectRecursively,
  rawToString,
} from "./lua/mod.ts";
import { errorTable, LuaReplyBuilder } from "./lua_reply.ts";
import { sha1hex } from "./sha1.ts";

/** What redis.call needs to know about the script that is running. */
export interface RunState {
  /** Writes are refused (EVAL_RO / FCALL_RO / no-writes scripts). */
  readOnly: boolean;
  /** The script already ran a write command (it can no longer be killed). */
  writeDirty: boolean;
  /** Propagation flags set by redis.set_repl (REPL_ALL by default). */
  replFlags: number;
  /**
   * Memory was over `maxmemory` when the script started and it may not ignore that (no
   * allow-oom flag): its first denyoom command is refused unless it already wrote.
   */
  oomAtStart: boolean;
}

/** Redis's error for a write refused over `maxmemory`. */
const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** What the environment needs from the scripting module. */
export interface ScriptHost {
  readonly server: ServerApi;
  /** The running script, or null (FUNCTION LOAD, no script). */
  current(): RunState | null;
}

/** Ticks charged per redis.call, so that call-heavy scripts still yield on time. */
const CALL_TICKS = 20;

const LOG_LEVELS = ["debug", "verbose", "notice", "warning"] as const;

/** Redis's REDIS_VERSION_NUM: 0x00MMmmpp. */
function versionNum(v: string): number {
  const [a, b, c] = v.split(".").map(Number);
  return (a << 16) | (b << 8) | c;
}

/**
 * Convert redis.call arguments into argv, in place (the array is the native's own rest
 * parameter: nobody else holds it, and the common all-strings case then copies nothing),
 * or return the error text. Numbers that are integers print as integers (a double would
 * print 1e+20 style otherwise, which commands don't parse), others in shortest round-trip
 * form.
 */
function toArgv(args: LuaValue[]): string[] | string {
  if (args.length === 0) return "Please specify at least one argument for this redis lib call";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "string") continue;
    if (typeof a === "number") {
      if (Number.isInteger(a) && Math.abs(a) < 2 ** 63) {
        args[i] = Number.isSafeInteger(a) ? String(a) : BigInt(a).toString();
      } else {args[i] = a !== a
          ? "nan"
          : a === Infinity
          ? "inf"
          : a === -Infinity
          ? "-inf"
          : String(a);}
    } else return "Lua redis lib command arguments must be strings or integers";
  }
  return args as string[];
}

/** Redis's metatable that makes reading a missing field of a table an error. */
function errorOnMissing(t: LuaTable): void {
  const meta = new LuaTable();
  meta.set(
    "__index",
    native("__index", function* (_t: LuaValue, k: LuaValue) {
      throw luaError(`Script attempted to access nonexistent global variable '${rawToString(k)}'`);
    }),
  );
  t.meta = meta;
}

function logFunction(server: ServerApi) {
  return hostFunction("log", (...args: LuaValue[]) => {
    if (args.length < 2) throw luaError(errorTable("redis.log() requires two arguments or more."));
    if (typeof args[0] !== "number") {
      throw luaError(errorTable("First argument must be a number (log level)."));
    }
    const level = Math.trunc(args[0]);
    if (level < 0 || level > 3) throw luaError(errorTable("Invalid log level."));
    const parts: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const a = args[i];
      if (typeof a === "string" || typeof a === "number") parts.push(rawToString(a));
    }
    server.log(LOG_LEVELS[level], parts.join(" "));
  });
}

function addLogAndVersion(redis: LuaTable, server: ServerApi): void {
  redis.set("log", logFunction(server));
  LOG_LEVELS.forEach((name, i) => redis.set(`LOG_${name.toUpperCase()}`, i));
  redis.set("REDIS_VERSION", server.version);
  redis.set("REDIS_VERSION_NUM", versionNum(server.version));
}

/**
 * A Lua environment for scripts: its state, the script client commands run on, and the
 * builder that turns their replies into Lua values.
 *
 * @example
 * ```ts
 * const env = new LuaEnv({ server, current: () => run }, "@user_script");
 * const f = env.L.load("return redis.call('PING')", "@user_script");
 * ```
 */
export class LuaEnv {
  readonly L: LuaState & { random: unknown };
  readonly client: ClientState;
  readonly builder = new LuaReplyBuilder();
  readonly redis = new LuaTable();

  constructor(readonly host: ScriptHost) {
    const server = host.server;
    this.L = createState();
    this.builder.onError = (msg) => server.countError(msg);
    this.client = server.createClient(this.builder);
    this.client.denyBlocking = true;
    this.client.fromScript = true;
    this.client.name = "";
    const redis = this.redis;
    // The hot path: plain natives (no hostFunction wrapper, one argument array).
    const command = (a: LuaValue[], raise: boolean) => this.command(a, raise);
    redis.set("call", direct("call", (...a: LuaValue[]) => command(a, true)));
    redis.set("pcall", direct("pcall", (...a: LuaValue[]) => command(a, false)));
    addLogAndVersion(redis, server);
    redis.set(
      "setresp",
      hostFunction("setresp", (...a: LuaValue[]) => {
        if (a.length !== 1) throw luaError(errorTable("redis.setresp() requires one argument."));
        const resp = typeof a[0] === "number" ? Math.trunc(a[0]) : Number(a[0]);
        if (resp !== 2 && resp !== 3) throw luaError(errorTable("RESP version must be 2 or 3."));
        this.builder.resp = resp;
        this.client.resp = resp;
      }),
    );
    redis.set(
      "sha1hex",
      hostFunction("sha1hex", (...a: LuaValue[]) => {
        if (a.length !== 1) throw luaError(errorTable("wrong number of arguments"));
        const s = a[0];
        return sha1hex(typeof s === "string" || typeof s === "number" ? rawToString(s) : "");
      }),
    );
    redis.set(
      "error_reply",
      hostFunction("error_reply", (...a: LuaValue[]) => {
        if (a.length !== 1 || typeof a[0] !== "string") {
          return errorTable("wrong number or type of arguments");
        }
        return errorTable(a[0].startsWith("-") ? a[0] : "-" + a[0]);
      }),
    );
    redis.set(
      "status_reply",
      hostFunction("status_reply", (...a: LuaValue[]) => {
        if (a.length !== 1 || typeof a[0] !== "string") {
          return errorTable("wrong number or type of arguments");
        }
        const t = new LuaTable();
        t.set("ok", a[0]);
        return t;
      }),
    );
    redis.set(
      "set_repl",
      hostFunction("set_repl", (...a: LuaValue[]) => {
        if (a.length !== 1) throw luaError(errorTable("redis.set_repl() requires one argument."));
        const flags = typeof a[0] === "number" ? Math.trunc(a[0]) : Number(a[0]);
        if (!(flags >= 0 && flags <= 3)) {
          throw luaError(
            errorTable(
              "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
            ),
          );
        }
        const run = host.current();
        if (run) run.replFlags = flags;
      }),
    );
    for (
      const [k, v] of [["REPL_NONE", 0], ["REPL_AOF", 1], ["REPL_SLAVE", 2], ["REPL_REPLICA", 2], [
        "REPL_ALL",
        3,
      ]] as const
    ) {
      redis.set(k, v);
    }
    redis.set("replicate_commands", hostFunction("replicate_commands", () => true));
    redis.set("breakpoint", hostFunction("breakpoint", () => false));
    redis.set("debug", hostFunction("debug", () => undefined));
    redis.set(
      "acl_check_cmd",
      hostFunction("acl_check_cmd", (...a: LuaValue[]) => {
        const argv = toArgv(a);
        if (typeof argv === "string") throw luaError(errorTable(argv));
        if (server.commands.lookup(argv) === undefined) {
          throw luaError(errorTable("Invalid command passed to redis.acl_check_cmd()"));
        }
        return true;
      }),
    );
    this.L.setGlobal("redis", redis);
    installRedisPcall(this.L);
  }

  /** Redis 7's read-only globals; call once every global is in place. */
  protect(): void {
    protectGlobals(this.L);
  }

  /** redis.call (raise) and redis.pcall. */
  private command(args: LuaValue[], raise: boolean): LuaValue {
    const server = this.host.server;
    const run = this.host.current();
    const argv = toArgv(args);
    if (typeof argv === "string") return this.fail(errorTable(argv), raise);
    const e = server.commands.lookup(argv);
    let refusal: string | null = null;
    if (e === undefined) refusal = "Unknown Redis command called from script";
    else if (!arityOk(e, argv.length)) {
      refusal = "Wrong number of args calling Redis command from script";
    } else if (e.flags.has("noscript")) refusal = "This Redis command is not allowed from script";
    else if (run === null) refusal = "redis.call() can only be used while a script runs";
    else if (run.readOnly && (e.isWrite || e.flags.has("may_replicate"))) {
      refusal = "Write commands are not allowed from read-only scripts.";
    } else if (e.isWrite && replicasMissing(server)) {
      // A script without a shebang may still write: each write is checked (Redis's
      // scriptVerifyWriteCommandAllow); declared ones were refused up front.
      refusal = "-" + NOREPLICAS;
    } else if (run.oomAtStart && !run.writeDirty && e.flags.has("denyoom")) {
      // Redis refuses it only before the first write: a script is never stopped half-way.
      refusal = "-" + OOM_ERROR;
    }
    if (refusal !== null) {
      // Rejected like a command refused before running: counted once, here.
      server.countError(refusal.startsWith("-") ? refusal.slice(1) : "ERR " + refusal);
      if (e) e.rejectedCalls++;
      server.errorMark = server.stats.totalErrorReplies;
      return this.fail(errorTable(refusal, true), raise);
    }
    if (e!.isWrite) run!.writeDirty = true;
    this.L.rt.B.n -= CALL_TICKS;
    const builder = this.builder;
    const repl = run!.replFlags;
    if (repl === PROPAGATE_ALL) server.call(this.client, e!, argv);
    else {
      // redis.set_repl narrowed where this script's writes go.
      server.propagationMask = repl;
      try {
        server.call(this.client, e!, argv);
      } finally {
        server.propagationMask = PROPAGATE_ALL;
      }
    }
    const v = builder.take();
    if (builder.isError) {
      builder.isError = false;
      if (raise) throw luaError(v);
    }
    return v;
  }

  private fail(t: LuaTable, raise: boolean): LuaValue {
    if (raise) throw luaError(t);
    return t;
  }
}

/**
 * Redis's global `pcall`: like Lua's, but an error table with an `err` string (what
 * redis.call raises) is returned as that string.
 */
function installRedisPcall(L: LuaState): void {
  const lua = L.getGlobal("pcall") as (
    ...a: LuaValue[]
  ) => Generator<unknown, LuaValue | LuaValue[], unknown>;
  L.setGlobal(
    "pcall",
    native("pcall", function* (...a: LuaValue[]) {
      const r = yield* lua(...a);
      if (Array.isArray(r) && r[0] === false && r[1] instanceof LuaTable) {
        const err = r[1].gs("err");
        if (typeof err === "string") r[1] = err;
      }
      return r;
    }),
  );
}

/**
 * The functions environment: the Lua environment plus the library globals switch. Library
 * code is compiled against `globals`, an empty read-only table whose lookups fall through
 * to the library API while the library loads and to the real globals afterwards.
 *
 * @example
 * ```ts
 * const env = new FunctionEnv(host);
 * const fns = env.loadLibrary(code, (f) => registered.push(f));
 * ```
 */
export class FunctionEnv extends LuaEnv {
  readonly globals = new LuaTable();
  private readonly fallback = new LuaTable();
  private readonly libraryApi = new LuaTable();
  /** Set while a library's top level runs: where register_function records. */
  register: ((f: LuaValue[]) => void) | null = null;

  constructor(host: ScriptHost) {
    super(host);
    this.protect();
    const libRedis = new LuaTable();
    libRedis.set(
      "register_function",
      hostFunction("register_function", (...a: LuaValue[]) => {
        if (this.register === null) {
          throw luaError(
            errorTable("redis.register_function can only be called on FUNCTION LOAD command"),
          );
        }
        this.register(a);
      }),
    );
    addLogAndVersion(libRedis, host.server);
    errorOnMissing(libRedis);
    this.libraryApi.set("redis", libRedis);
    errorOnMissing(this.libraryApi);
    protectRecursively(this.libraryApi, new Set());
    this.fallback.set("__index", this.L.globals);
    this.globals.meta = this.fallback;
    this.globals.readonly = true;
    this.fallback.readonly = true;
  }

  /** Switch what the library globals fall through to (true: the library API). */
  loading(on: boolean): void {
    this.fallback.set("__index", on ? this.libraryApi : this.L.globals);
  }
}

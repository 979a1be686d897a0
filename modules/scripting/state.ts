/**
 * Per-server scripting state: the script runner (busy gate included), the EVAL environment
 * with its script cache, and the function libraries.
 *
 * One ModuleSpec object serves every server of a process, so the state lives in a WeakMap
 * keyed by the server, created on first use. Lua states are created lazily: a server that
 * never runs a script pays nothing for them.
 *
 * The script cache maps a body's SHA-1 to its compiled chunk and shebang flags. Scripts
 * added by EVAL (not SCRIPT LOAD) are also kept in an LRU of 500, as in Redis 7.4, so that
 * applications generating endless distinct scripts cannot grow memory without bound;
 * evictions are counted (INFO evicted_scripts).
 */

import { ReplyError } from "../../core/errors.ts";
import type { ServerApi } from "../../core/server.ts";
import { ScriptRunner } from "./engine.ts";
import { LibraryRegistry } from "./libraries.ts";
import { type LuaFunction, LuaSyntaxError, LuaTable } from "./lua/mod.ts";
import { LuaEnv } from "./redis_api.ts";
import { sha1hex } from "./sha1.ts";
import { parseScriptHeader, type ScriptHeader, ShebangError } from "./shebang.ts";

/** A cached EVAL script. */
export interface CachedScript {
  sha: string;
  body: string;
  fn: LuaFunction;
  header: ScriptHeader;
  /** In the EVAL LRU (added by EVAL, never SCRIPT LOADed): hits must refresh its place. */
  evictable: boolean;
}

const EVAL_LRU_SIZE = 500;

/**
 * The scripting state of one server.
 *
 * @example
 * ```ts
 * const st = scriptingOf(ctx.server);
 * const script = st.scriptFor(body, true);
 * ```
 */
export class Scripting {
  readonly runner: ScriptRunner;
  readonly scripts = new Map<string, CachedScript>();
  /** Scripts added by EVAL, least recently used first. */
  private readonly lru = new Set<string>();
  private env: LuaEnv | null = null;
  /**
   * The script EVALSHA found last: comparing a sha with it is cheaper than hashing the fresh
   * 40-byte string for the map, and applications mostly run one hot script at a time.
   */
  private last: CachedScript | null = null;
  /**
   * The EVAL environment's KEYS and ARGV, refilled by every EVAL rather than replaced (a
   * table and a global write less per call). Safe because nothing a script leaves behind can
   * hold them: the globals and every table reachable from them are read-only, and a chunk's
   * locals die with its run.
   */
  readonly evalKeys = new LuaTable();
  readonly evalArgv = new LuaTable();
  private libs: LibraryRegistry | null = null;
  evictedScripts = 0;

  constructor(readonly server: ServerApi) {
    this.runner = new ScriptRunner(server);
  }

  /** The EVAL Lua environment. */
  get evalEnv(): LuaEnv {
    if (this.env === null) {
      this.env = new LuaEnv(this.runner);
      this.env.protect();
      // After protect(): KEYS and ARGV stay writable, as in Redis.
      this.env.L.setGlobal("KEYS", this.evalKeys);
      this.env.L.setGlobal("ARGV", this.evalArgv);
    }
    return this.env;
  }

  /** The function libraries. */
  get libraries(): LibraryRegistry {
    return this.libs ??= new LibraryRegistry(this.runner);
  }

  /**
   * The cached script for a body, compiling (and caching) it if needed; `fromEval` puts it
   * in the LRU. Throws ReplyError with Redis's compile / shebang errors.
   */
  scriptFor(body: string, fromEval: boolean): CachedScript {
    const sha = sha1hex(body);
    const hit = this.scripts.get(sha);
    if (hit !== undefined) {
      this.touch(hit);
      return hit;
    }
    let header: ScriptHeader;
    try {
      header = parseScriptHeader(body);
    } catch (e) {
      if (e instanceof ShebangError) throw new ReplyError("ERR " + e.message);
      throw e;
    }
    let fn: LuaFunction;
    try {
      fn = this.evalEnv.L.load(
        header.length > 0 ? body.slice(header.length) : body,
        "@user_script",
      );
    } catch (e) {
      if (e instanceof LuaSyntaxError) {
        throw new ReplyError("ERR Error compiling script (new function): " + e.message);
      }
      throw e;
    }
    const script = { sha, body, fn, header, evictable: fromEval };
    if (fromEval) {
      while (this.lru.size >= EVAL_LRU_SIZE) {
        const oldest = this.lru.values().next().value!;
        this.lru.delete(oldest);
        this.scripts.delete(oldest);
        if (this.last !== null && this.last.sha === oldest) this.last = null;
        this.evictedScripts++;
      }
      this.lru.add(sha);
    }
    this.scripts.set(sha, script);
    return script;
  }

  /** A cached script by sha (EVALSHA), refreshing its LRU position. */
  bySha(sha: string): CachedScript | undefined {
    let s: CachedScript | undefined = this.last ?? undefined;
    if (s === undefined || s.sha !== sha) {
      s = this.scripts.get(sha);
      if (s === undefined) return undefined;
      this.last = s;
    }
    this.touch(s);
    return s;
  }

  /** SCRIPT LOAD of a script EVAL cached: it is no longer evictable. */
  pin(script: CachedScript): void {
    script.evictable = false;
    this.lru.delete(script.sha);
  }

  /** Move an LRU script to the young end; SCRIPT LOADed ones (the usual EVALSHA case) skip it. */
  private touch(script: CachedScript): void {
    if (script.evictable && this.lru.delete(script.sha)) this.lru.add(script.sha);
  }

  /** SCRIPT FLUSH: forget every script and start a fresh Lua state. */
  flushScripts(): void {
    this.scripts.clear();
    this.lru.clear();
    this.last = null;
    this.env = null;
  }
}

const states = new WeakMap<ServerApi, Scripting>();

/**
 * The scripting state of a server.
 *
 * @example
 * ```ts
 * scriptingOf(ctx.server).runner.running; // the running script, if any
 * ```
 */
export function scriptingOf(server: ServerApi): Scripting {
  let st = states.get(server);
  if (st === undefined) states.set(server, st = new Scripting(server));
  return st;
}

/**
 * Whether the scripting state exists yet (it is created, with its two Lua states, on first
 * use): before that there are no scripts and no libraries.
 *
 * @example
 * ```ts
 * const codes = scriptingStarted(server) ? scriptingOf(server).libraries.codes() : [];
 * ```
 */
export function scriptingStarted(server: ServerApi): boolean {
  return states.has(server);
}

/**
 * Tell the scripting module that the command `argv` (EVAL, EVALSHA, FCALL...) is about to
 * run with memory over `maxmemory` after evictions (Redis's pre_command_oom_state). The
 * script it starts then refuses its first denyoom command (unless it declared allow-oom or
 * already wrote) with Redis's OOM error. The eviction module's gate calls this; any plugin
 * limiting memory can.
 *
 * @example
 * ```ts
 * if (performEvictions(server) === "fail") scriptsStartOutOfMemory(server, argv);
 * ```
 */
export function scriptsStartOutOfMemory(server: ServerApi, argv: string[]): void {
  if (server.modules.has("scripting")) scriptingOf(server).runner.oomCommand = argv;
}

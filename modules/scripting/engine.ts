/**
 * Running scripts: one at a time, atomically, without freezing the server.
 *
 * A script (EVAL body or library function) runs as a Runner of the Lua engine, in slices of
 * a tick budget. Most scripts finish inside the first slices and are answered synchronously,
 * exactly like any other command: no timer, no allocation beyond the run record. A script
 * still running after SYNC_MS goes asynchronous: its caller is suspended (its pipelined
 * commands wait), core is asked to hold the execution unit open (`server.holdUnit()`: the
 * script's writes keep accumulating into one MULTI/EXEC, blocked clients are not woken and
 * active expiry pauses), and the run continues in slices of SLICE_MS separated by
 * event-loop turns (`yieldTurn`), in which the server reads and answers other connections.
 *
 * Atomicity while paused comes from the `beforeCommand` gate (`gate`): no other command may
 * run in between. Before `busy-reply-threshold` (lua-time-limit) has elapsed, other clients'
 * commands are parked — their client is suspended and the command replayed when the script
 * ends — which is what a client of Redis sees (its command waits). Past the threshold the
 * script is "timed out" as Redis says: parked commands are replayed, and every command gets
 * -BUSY except those flagged allow_busy (SCRIPT KILL, FUNCTION KILL, FUNCTION STATS,
 * SHUTDOWN, the connection basics). SCRIPT KILL stops a script that has not written yet;
 * one that wrote is UNKILLABLE, as in Redis.
 *
 * A script run by a client that cannot be suspended (inside MULTI/EXEC, embedded `call()`)
 * runs to completion synchronously; nothing else could run in between anyway.
 *
 * Error replies follow Redis 7: "<error> script: <name>, on @user_script:<line>.", where the
 * error is the {err=...} table redis.call raised or "ERR " + the Lua error message.
 */

import type { ClientState } from "../../core/client.ts";
import type { HeldUnit, ServerApi } from "../../core/server.ts";
import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import {
  LuaError,
  LuaTable,
  type LuaValue,
  rawToString,
  type Runner,
  type RunResult,
} from "./lua/mod.ts";
import { IGNORE_STATS, writeLuaReply } from "./lua_reply.ts";
import type { LuaEnv, RunState, ScriptHost } from "./redis_api.ts";

/** Ticks per resume: ~30 µs of tight loop, so the clock is read often enough. */
const SLICE_TICKS = 10_000;
/** A script running longer than this goes asynchronous. */
const SYNC_MS = 5;

const BUSY_EVAL =
  "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
const BUSY_FUNCTION =
  "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

/**
 * How a paused script gives the event loop a turn. Bun's setImmediate runs after I/O polling
 * (0.7 µs a hop); Deno's setImmediate and MessageChannel starve socket reads for seconds
 * (measured), so there a timer it is (clamped to ~4 ms: longer slices keep the cost small).
 */
// deno-lint-ignore no-explicit-any
const G = globalThis as any;
const yieldTurn: (fn: () => void) => void =
  G.Bun !== undefined && typeof G.setImmediate === "function"
    ? G.setImmediate
    : (fn) => setTimeout(fn, 0);
/** Work per event-loop turn once asynchronous. */
const SLICE_MS = G.Bun !== undefined ? 10 : 25;

/** One script run. */
export class ScriptRun implements RunState {
  writeDirty = false;
  replFlags = 3;
  oomAtStart = false;
  killed = false;
  timedOut = false;
  unit: HeldUnit | null = null;

  constructor(
    /**
     * When the run started: the server's last clock reading, which core took at most one
     * command ago and times this command from (a clock read per EVAL is measurable).
     */
    readonly start: number,
    readonly caller: ClientState,
    readonly kind: "eval" | "function",
    /** The sha (EVAL) or function name, as errors and FUNCTION STATS show it. */
    readonly name: string,
    readonly argv: string[],
    readonly readOnly: boolean,
    readonly env: LuaEnv,
    readonly runner: Runner,
  ) {}

  /** Milliseconds since the run started. */
  get elapsed(): number {
    return performance.now() - this.start;
  }
}

/** What to run. */
export interface RunRequest {
  kind: "eval" | "function";
  name: string;
  env: LuaEnv;
  fn: LuaValue;
  args: LuaValue[];
  readOnly: boolean;
  /** The script declared allow-oom (it may write over `maxmemory`). */
  allowOom: boolean;
}

const runners = new WeakMap<ServerApi, ScriptRunner>();

/**
 * The busy gate, a `beforeCommand` hook attached only while a script runs across event-loop
 * turns (a hook costs every command ~10 ns).
 *
 * @example
 * ```ts
 * hooks: { beforeCommand: busyGate }
 * ```
 */
export function busyGate(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const runner = runners.get(ctx.server);
  return runner !== undefined && runner.gate(ctx.client, cmd.flags.includes("allow_busy"), argv);
}

/**
 * The per-server script runner and busy gate.
 *
 * @example
 * ```ts
 * const scripts = new ScriptRunner(server);
 * scripts.run(ctx.client, argv, {
 *   kind: "eval", name: sha, env, fn, args: [], readOnly: false, allowOom: false,
 * });
 * ```
 */
export class ScriptRunner implements ScriptHost {
  /** The running (possibly paused) script. */
  running: ScriptRun | null = null;
  private parked: { client: ClientState; argv: string[] }[] = [];
  /** See `scriptsStartOutOfMemory`: the command (by its argv) that starts over `maxmemory`. */
  oomCommand: string[] | null = null;
  /** Made once: `finish` runs per script. */
  private readonly uncount = (msg: string) => uncountError(this.server, msg);

  constructor(readonly server: ServerApi) {
    runners.set(server, this);
  }

  current(): RunState | null {
    return this.running;
  }

  /** busy-reply-threshold in ms (0: never busy). */
  private threshold(): number {
    return Number(this.server.config.get("busy-reply-threshold")) || 0;
  }

  /** Run a script for `caller` (the command's client); writes the reply now or later. */
  run(caller: ClientState, argv: string[], req: RunRequest): void {
    const env = req.env;
    env.client.db = caller.db;
    env.client.resp = 2;
    env.builder.resp = 2;
    const run = new ScriptRun(
      this.server.clock,
      caller,
      req.kind,
      req.name,
      argv,
      req.readOnly,
      env,
      env.L.start(req.fn, req.args),
    );
    if (this.oomCommand !== null) {
      run.oomAtStart = this.oomCommand === argv && !req.allowOom;
      this.oomCommand = null;
    }
    this.running = run;
    let r: RunResult;
    const deadline = run.start + SYNC_MS;
    for (;;) {
      r = run.runner.resume(SLICE_TICKS);
      if (r.status !== "paused") break;
      if (caller.canBlock && performance.now() >= deadline) {
        this.goAsync(run);
        return;
      }
    }
    this.finish(run, r, caller.reply);
  }

  private goAsync(run: ScriptRun): void {
    run.caller.suspend();
    run.unit = this.server.holdUnit();
    // In the module's load-order place: before MULTI queueing.
    this.server.addHook("beforeCommand", busyGate, "scripting");
    const step = () => {
      let r: RunResult | null = null;
      run.unit!.run(() => {
        if (run.killed) {
          run.runner.kill();
          r = { status: "error", error: killedError(run) };
          return;
        }
        const until = performance.now() + SLICE_MS;
        do r = run.runner.resume(SLICE_TICKS); while (
          r.status === "paused" && performance.now() < until
        );
        if (r.status === "paused") r = null;
      });
      if (r === null) {
        const limit = this.threshold();
        if (!run.timedOut && limit > 0 && run.elapsed >= limit) {
          run.timedOut = true;
          this.server.log(
            "warning",
            `Slow script detected: still in execution after ${
              Math.round(run.elapsed)
            } milliseconds. You can try killing the script using the ${
              run.kind === "eval" ? "SCRIPT KILL" : "FUNCTION KILL"
            } command. Script name is: ${run.name}.`,
          );
          this.releaseParked();
        }
        yieldTurn(step);
        return;
      }
      run.unit!.run(() => this.finish(run, r!, run.caller.reply));
      this.server.removeHook("beforeCommand", busyGate);
      run.unit!.close();
      run.caller.resume();
      this.releaseParked();
    };
    yieldTurn(step);
  }

  /** Write the script's outcome and end the run. */
  private finish(run: ScriptRun, r: RunResult, reply: ReplyWriter): void {
    this.running = null;
    const env = run.env;
    const scriptResp = env.builder.resp;
    env.builder.resp = 2;
    env.client.resp = 2;
    const uncount = this.uncount;
    if (r.status === "done") writeLuaReply(reply, r.values[0], scriptResp, uncount);
    else if (r.status === "error") {
      const { msg, counted } = scriptErrorMessage(r.error, run.name);
      reply.error(msg);
      if (counted) uncount(msg);
    }
  }

  /**
   * The `beforeCommand` gate: while a script is paused, answer for every other command
   * (park it before the threshold, -BUSY after, except allow_busy commands).
   */
  gate(c: ClientState, allowBusy: boolean, argv: string[]): boolean {
    const run = this.running;
    if (run === null || run.unit === null || c === run.caller) return false;
    if (!run.timedOut) {
      c.suspend();
      this.parked.push({ client: c, argv });
      return true;
    }
    if (allowBusy) return false;
    this.server.reject(c, null, run.kind === "eval" ? BUSY_EVAL : BUSY_FUNCTION);
    return true;
  }

  private releaseParked(): void {
    const parked = this.parked;
    this.parked = [];
    for (const { client, argv } of parked) {
      this.server.clock = performance.now();
      this.server.execute(client, argv);
      client.resume();
    }
  }

  /** SCRIPT KILL / FUNCTION KILL. Throws ReplyError-worthy texts through `reply`. */
  kill(kind: "eval" | "function", reply: ReplyWriter): void {
    const run = this.running;
    if (run === null) return reply.error("NOTBUSY No scripts in execution right now.");
    if (run.writeDirty) {
      return reply.error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
      );
    }
    if (kind === "eval" && run.kind !== "eval") return reply.error(BUSY_FUNCTION);
    if (kind === "function" && run.kind !== "function") return reply.error(BUSY_EVAL);
    run.killed = true;
    reply.ok();
  }
}

function killedError(run: ScriptRun): LuaError {
  const t = new LuaTable();
  t.set(
    "err",
    `ERR Script killed by user with ${run.kind === "eval" ? "SCRIPT" : "FUNCTION"} KILL...`,
  );
  return new LuaError(t);
}

/**
 * Redis 7's error reply for a failed script: the error table's `err` (or "ERR " + the
 * message of a plain Lua error), then " script: <name>, on <source>:<line>." when the
 * position is known. `counted` tells whether errorstats already counted it (redis.call).
 *
 * @example
 * ```ts
 * scriptErrorMessage(err, "f_abc").msg; // "ERR user_script:1: boom script: f_abc, on @user_script:1."
 * ```
 */
export function scriptErrorMessage(
  error: LuaError,
  name: string,
): { msg: string; counted: boolean } {
  const v = error.value;
  let msg: string;
  let counted = false;
  if (v instanceof LuaTable) {
    const err = v.gs("err");
    msg = typeof err === "string" ? err : "ERR unknown error";
    counted = v.gs(IGNORE_STATS) === true;
  } else msg = "ERR " + rawToString(v);
  const where = error.where;
  if (where !== undefined) {
    const colon = where.lastIndexOf(":");
    msg += ` script: ${name}, on ${where.slice(0, colon)}:${where.slice(colon + 1)}.`;
  }
  return { msg: msg.replace(/[\r\n]+/g, " "), counted };
}

/**
 * Undo the errorstats count of an error that was already counted once (by the redis.call
 * that raised it). The script's command still failed: the error mark moves back with it.
 */
function uncountError(server: ServerApi, msg: string): void {
  const stats = server.stats;
  stats.totalErrorReplies--;
  server.errorMark--;
  const space = msg.indexOf(" ");
  const code = space > 0 && space < 32 ? msg.slice(0, space) : "ERR";
  const n = stats.errors.get(code) ?? 0;
  if (n <= 1) stats.errors.delete(code);
  else stats.errors.set(code, n - 1);
}

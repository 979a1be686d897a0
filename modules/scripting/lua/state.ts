/*
 * A Lua state: one globals table, one run-time, compiled chunks and resumable runs.
 *
 * The host (the scripting module) owns the policy: it picks which libraries to open, adds
 * its own functions (redis.call ...) with `hostFunction`, protects tables with
 * `table.readonly = true` and an __index metatable (Redis 7's "Script attempted to access
 * nonexistent global variable"), and runs scripts through a Runner with a tick budget:
 *
 *   const L = new LuaState();
 *   const f = L.load(src, "@user_script");           // LuaSyntaxError on bad source
 *   const run = L.start(f, [arg1]);
 *   let r = run.resume(100_000);                      // { status: "paused" } ...
 *   while (r.status === "paused") r = run.resume(100_000);   // answer -BUSY in between
 *
 * A tick is one function entry or loop iteration. Host functions run to completion
 * (never pause midway); Lua code called from natives (pcall, sort comparators, gsub
 * callbacks, metamethods, coroutines) is pausable like any other Lua code.
 */

import { compile, RUNTIME_NAMES } from "./compiler.ts";
import { chunkId } from "./lexer.ts";
import { parse } from "./parser.ts";
import { direct, EMPTY, hostErrorMessage, multi, PAUSE, Runtime, TAIL } from "./runtime.ts";
import { LuaError, type LuaFunction, LuaTable, type LuaValue } from "./value.ts";

/** Result of running a script slice. */
export type RunResult =
  | { status: "done"; values: LuaValue[] }
  | { status: "error"; error: LuaError }
  | { status: "paused" };

/**
 * A host function: receives Lua values, returns one value, an array of values, or nothing;
 * throws LuaError (see `luaError`) to raise a Lua error.
 */
export type HostFunction = (...args: LuaValue[]) => LuaValue | LuaValue[] | void;

/**
 * Build the LuaError a host function throws. A string message gets the usual
 * "chunk:line:" prefix of the calling Lua line; a table (e.g. {err=...}) is raised as is.
 *
 * @example
 * ```ts
 * throw luaError("Unknown Redis command called from script");
 * ```
 */
export function luaError(value: LuaValue): LuaError {
  return new LuaError(value, typeof value === "string" ? 1 : 0);
}

/**
 * Turn a JS function into a Lua-callable native.
 *
 * @example
 * ```ts
 * const f = hostFunction("twice", (x) => [x, x]);
 * ```
 */
export function hostFunction(name: string, fn: HostFunction): LuaFunction {
  return direct(name, (...args: LuaValue[]) => {
    const r = fn(...args);
    return r === undefined ? EMPTY : r;
  });
}

/**
 * A resumable run of one Lua function call.
 *
 * @example
 * ```ts
 * const L = new LuaState();
 * const run = L.start(L.load("return 1", "=t"), []);
 * run.resume(1000); // { status: "done", values: [1] }
 * ```
 */
export class Runner {
  private gen: Generator<unknown, LuaValue | LuaValue[], unknown> | null;
  /** Ticks used so far. */
  ticks = 0;

  /** Prepare a run of `fn(...args)` in state `L`; nothing runs until `resume`. */
  constructor(private readonly L: LuaState, fn: LuaValue, args: LuaValue[]) {
    // A function is started directly (one generator less per script run than going through
    // rt.call); its tail calls are trampolined in `resume`.
    this.gen = typeof fn === "function" ? (fn as LuaFunction)(...args) : L.rt.call(fn, args);
  }

  /** True once the run finished (done, error or killed). */
  get finished(): boolean {
    return this.gen === null;
  }

  /** Run for at most `budget` ticks (default: to completion). */
  resume(budget = Infinity): RunResult {
    const gen = this.gen;
    if (gen === null) {
      return { status: "error", error: new LuaError("cannot resume a finished script") };
    }
    const L = this.L;
    const B = L.rt.B;
    const outer = B.n; // a host function may run a nested script: keep the outer budget
    B.n = budget;
    try {
      let step = gen.next();
      while (step.done && (step.value as unknown) === TAIL) {
        this.gen = L.rt.tail();
        step = this.gen.next();
      }
      this.ticks += budget - Math.max(B.n, 0);
      if (step.done) {
        this.gen = null;
        return { status: "done", values: multi(step.value) };
      }
      if (step.value === PAUSE) return { status: "paused" };
      this.gen = null;
      return { status: "error", error: new LuaError("attempt to yield from outside a coroutine") };
    } catch (e) {
      this.gen = null;
      return { status: "error", error: toLuaError(e) };
    } finally {
      B.n = outer;
    }
  }

  /** Abandon the run (SCRIPT KILL): it can never be resumed. */
  kill(): void {
    this.gen = null;
  }
}

/**
 * Normalise anything thrown while running Lua into a LuaError.
 *
 * @example
 * ```ts
 * toLuaError(new RangeError("Maximum call stack size exceeded")).value; // "stack overflow"
 * ```
 */
export function toLuaError(e: unknown): LuaError {
  if (e instanceof LuaError) {
    e.level = 0;
    return e;
  }
  return new LuaError(hostErrorMessage(e), 0);
}

/**
 * One Lua universe. Libraries are opened by `openLibs` in mod.ts (or picked by the host).
 *
 * @example
 * ```ts
 * const L = new LuaState();
 * L.setGlobal("x", 41);
 * L.call(L.load("return x + 1", "=t"), []); // [42]
 * ```
 */
export class LuaState {
  /** The globals table (_G). */
  readonly globals: LuaTable;
  /** The run-time shared by all chunks of this state. */
  readonly rt: Runtime;

  /** Create a state with an empty globals table (or `globals`). */
  constructor(globals?: LuaTable) {
    this.globals = globals ?? new LuaTable();
    this.rt = new Runtime(this.globals);
  }

  /**
   * Compile `src` (a binary string) as a chunk named `chunkname` ("@user_script" shows as
   * "user_script" in messages). Throws LuaSyntaxError with Lua's message.
   *
   * `opts.env` gives the chunk (and every function it defines) its own globals table
   * instead of the state's, like Lua 5.1's setfenv on a fresh chunk: FUNCTION LOAD runs
   * library code against a restricted table this way.
   */
  load(src: string, chunkname = "=?", opts: { env?: LuaTable } = {}): LuaFunction {
    const main = parse(src, chunkname);
    const js = compile(main, chunkId(chunkname), chunkname);
    const rt = this.rt as unknown as Record<string, unknown>;
    const factory = new Function(...RUNTIME_NAMES, js);
    const env = opts.env ?? this.globals;
    return factory(...RUNTIME_NAMES.map((n) => n === "G" ? env : rt[n])) as LuaFunction;
  }

  /** Start a resumable run of `fn(...args)`. */
  start(fn: LuaValue, args: LuaValue[] = []): Runner {
    return new Runner(this, fn, args);
  }

  /** Run `fn(...args)` to completion; throws LuaError on error. */
  call(fn: LuaValue, args: LuaValue[] = []): LuaValue[] {
    const r = this.start(fn, args).resume();
    if (r.status === "error") throw r.error;
    return r.status === "done" ? r.values : [];
  }

  /** Raw read of a global. */
  getGlobal(name: string): LuaValue {
    return this.globals.get(name);
  }

  /** Raw write of a global (ignores read-only protection: the host is trusted). */
  setGlobal(name: string, value: LuaValue): void {
    this.globals.set(name, value);
  }

  /** Register a host function as a global (or as a field of `table`). */
  register(name: string, fn: HostFunction, table: LuaTable = this.globals): LuaFunction {
    const f = hostFunction(name, fn);
    table.set(name, f);
    return f;
  }
}

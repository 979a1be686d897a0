/**
 * The server: owns the keyspace, the command table, the config and module registries and
 * the clients, and runs the path every command takes.
 *
 * The path of a command (the same for a socket, embedded `call()` and scripts):
 *   argv → command table lookup (unknown command / subcommand errors) → arity check →
 *   `beforeCommand` hooks, in module load order (auth, MULTI queueing, subscribe mode...;
 *   a hook that answers stops the command) → `call()`: the handler runs synchronously with
 *   the command's time snapshot, errors thrown as ReplyError become error replies, statistics
 *   are counted, and if the command changed the dataset its argv (or the handler's
 *   replacement) is announced to `propagated` hooks (AOF, replicas) → `afterCommand` hooks.
 *
 * Side effects are announced, never pushed into other modules: keyModified (WATCH,
 * tracking), keyspace events (pub/sub notifications), propagation. Core does not know who
 * listens; every listener is a module hook, the same for built-ins and plugins.
 *
 * The cron runs `hz` times a second: active expiry in short time slices (a slice never
 * takes more than a couple of milliseconds, and slices stop after 25% of the tick), client
 * idle timeouts, the instantaneous ops/sec sample, and modules' cron hooks.
 */

import { arityOk, type CommandEntry, CommandTable, unknownCommandError } from "./commands.ts";
import { ConfigRegistry } from "./config.ts";
import { ClientState } from "./client.ts";
import { Db, type DbHost, type KeyAccess } from "./keyspace.ts";
import { ReplyError, wrongArity } from "./errors.ts";
import { Logger, type LogLevel } from "./log.ts";
import type {
  AnyTypeSpec,
  CommandRun,
  EventClass,
  ModuleHooks,
  ModuleSpec,
  ReplyWriter,
} from "./spec.ts";
import { PROPAGATE_ALL } from "./spec.ts";
import type { Host } from "./net/transport.ts";
import { type ReplyValue, ValueBuilder } from "./resp/value_builder.ts";
import { binaryToUtf8, bytesToBinary, utf8ToBinary } from "./bytes.ts";
import { coreConfigs, type CoreSettings, defaultSettings } from "./core_config.ts";
import { BlockingService } from "./blocking.ts";

/** The Redis version Modis implements (INFO redis_version, HELLO version). */
export const REDIS_VERSION = "7.4.1";
/** Modis's own version. */
export const MODIS_VERSION = "0.1.0";

/** Server-wide statistics (INFO stats). */
export interface ServerStats {
  totalCommands: number;
  totalConnections: number;
  rejectedConnections: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalErrorReplies: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Error counts by error code (the first word: ERR, WRONGTYPE...). */
  errors: Map<string, number>;
  instantaneousOps: number;
  /** Network traffic over the last second, in KB/s (INFO instantaneous_*_kbps). */
  instantaneousInputKbps: number;
  instantaneousOutputKbps: number;
  /** Estimated share (0..1) of keys past their TTL not reclaimed yet (INFO expired_stale_perc). */
  expiredStalePerc: number;
  expireCycleCpuMs: number;
  /** Active expire cycles that ran out of time with keys left to reclaim. */
  expiredTimeCapReached: number;
  /** Clients closed for exceeding client-output-buffer-limit. */
  clientOutputLimitDisconnections: number;
}

/** A loaded module. */
export interface LoadedModule {
  spec: ModuleSpec;
  args: string[];
  /** Where it was loaded from ("" for built-ins and embedded specs). */
  path: string;
}

/** Module loading failures, with a stable code as Fastify does for plugins. */
export class ModuleError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Names of the hooks a module can attach (statically in its spec, or with `addHook`). */
export type HookName = Exclude<keyof ModuleHooks, "info">;

/**
 * An execution unit kept open after its command returned: a long script that yields to the
 * event loop between slices (see `Server.holdUnit`).
 *
 * @example
 * ```ts
 * const unit = ctx.server.holdUnit(); // inside the handler
 * setTimeout(() => { unit.run(() => moreWork()); unit.close(); }, 0);
 * ```
 */
export interface HeldUnit {
  /** Run `fn` inside the unit again: same client, same time snapshot, writes still held. */
  run(fn: () => void): void;
  /** End the unit: its writes propagate (wrapped in MULTI/EXEC) and blocked clients wake. */
  close(): void;
}

/** Options for a Server (the embedding API passes them through). */
export interface ServerOptions {
  host?: Host | null;
  /** Log sink (default: stdout via console.log, or `logfile`). */
  logSink?: (line: string) => void;
}

/**
 * A Modis server. Modules see it as `ServerApi`.
 *
 * @example
 * ```ts
 * const server = new Server({ host: null });
 * await server.loadModule(myModule);
 * await server.call("SET", "k", "v");
 * ```
 */
export class Server implements DbHost {
  readonly version = REDIS_VERSION;
  readonly modisVersion = MODIS_VERSION;
  readonly host: Host | null;
  readonly config: ConfigRegistry;
  readonly commands = new CommandTable();
  readonly types = new Map<string, AnyTypeSpec>();
  readonly modules = new Map<string, LoadedModule>();
  readonly clients = new Map<number, ClientState>();
  readonly logger: Logger;
  readonly settings: CoreSettings;
  readonly startTime = Date.now();
  readonly runId: string;
  dbs: Db[] = [];
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  readonly stats: ServerStats = {
    totalCommands: 0,
    totalConnections: 0,
    rejectedConnections: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    totalErrorReplies: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errors: new Map(),
    instantaneousOps: 0,
    instantaneousInputKbps: 0,
    instantaneousOutputKbps: 0,
    expiredStalePerc: 0,
    expireCycleCpuMs: 0,
    expiredTimeCapReached: 0,
    clientOutputLimitDisconnections: 0,
  };
  /** The client whose command is running (null between commands). */
  currentClient: ClientState | null = null;
  /**
   * The client whose outermost command is running (the caller of a script, not the script's
   * own client): pushes produced for it wait until that command has answered.
   */
  unitClient: ClientState | null = null;
  /** Whether the active expire cycle runs (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire = true;
  /** Set while the server is a replica: keys expire only by the master's DEL. */
  isReplica = false;
  /**
   * Set while CLIENT PAUSE holds writes: keys past their TTL read as missing but are not
   * deleted, and active expiry and eviction wait (Redis's paused expire / evict actions),
   * so nothing changes the dataset during the pause.
   */
  writesPaused = false;
  /** DbHost: announce key creations as "new" keyspace events (set by whoever wants them). */
  notifyNewKeys = false;
  /** DbHost: how per-key access words are kept (null: a seconds clock; see KeyAccess). */
  keyAccess: KeyAccess | null = null;
  /** Clients blocked on keys (BLPOP and friends). */
  readonly blocking = new BlockingService({
    reexecute: (c, argv) => this.execute(c, argv),
    suspend: (c) => c.suspend(),
    // Deferred so that an unblocked client's pipelined commands run after the current one.
    resume: (c) => queueMicrotask(() => c.resume()),
    now: () => Date.now(),
    countCall: (argv) => {
      const e = this.commands.lookup(argv);
      if (e) e.calls++;
      this.stats.totalCommands++;
    },
  });
  /** Ends the process (set by the standalone server; null when embedded). */
  exitProcess: ((code: number) => void) | null = null;
  /** Absolute path of the config file the server was started with (CONFIG REWRITE), or null. */
  configFile: string | null = null;
  /** Info sections contributed by modules, in registration order. */
  readonly infoSections = new Map<string, (server: Server) => string[]>();

  private readonly hooks: { [K in HookName]: NonNullable<ModuleHooks[K]>[] } = {
    beforeCommand: [],
    afterCommand: [],
    keyModified: [],
    keyspaceEvent: [],
    flushed: [],
    swapped: [],
    propagated: [],
    clientConnected: [],
    clientDisconnected: [],
    clientReset: [],
    batchTimed: [],
    cron: [],
    shutdown: [],
    beforeKeyWrite: [],
    loading: [],
  };
  private writeWatchers = 0;
  /** Load-order rank of each attached hook's module (Infinity: attached without owner). */
  private readonly hookRanks = new WeakMap<object, number>();
  /** The CommandRun handed to afterCommand hooks, reused for every command. */
  private readonly lastRun: CommandRun = {
    entry: null as unknown as CommandEntry,
    usec: 0,
    blocked: false,
  };
  private nextClientId = 1;
  /** Writes of the running execution unit, propagated when it ends. */
  private pendingPropagation: [number, string[], number][] = [];
  /** The running command's time snapshot (epoch ms). */
  private cmdTime = Date.now();
  /**
   * The last monotonic clock reading (performance.now()). Reading a clock costs 30-80 ns on
   * these runtimes, so each command reads it once, when it ends: that reading is the next
   * command's start. Connections refresh it when a read batch arrives.
   */
  clock = performance.now();
  /**
   * True while a connection runs a batch of pipelined commands: fast commands then skip
   * their clock read and are timed together (`settleTiming`).
   */
  batching = false;
  /** Time every command alone (set when every call is wanted in SLOWLOG, threshold 0). */
  preciseTiming = false;
  /** Fast commands run since the last clock reading, waiting for their share of the time. */
  private untimed: CommandEntry[] = [];
  /** Wall clock minus monotonic clock, resynchronized by the cron (NTP adjustments). */
  private epochOffset = performance.timeOrigin;
  private cronTimer: ReturnType<typeof setInterval> | null = null;
  private opsSample = { at: Date.now(), commands: 0, input: 0, output: 0 };
  private expireDb = 0;
  private embedded: ClientState | null = null;
  private embeddedSink: ValueBuilder | null = null;
  private shuttingDown = false;
  /** Execution units held open across event-loop turns (long scripts). */
  private heldUnits = 0;
  /** The unit being held by the running outermost command, until that command returns. */
  private holding: { ops: [number, string[], number][] } | null = null;

  constructor(options: ServerOptions = {}) {
    this.host = options.host ?? null;
    this.logger = new Logger(this.host?.pid ?? 0, options.logSink ?? ((line) => console.log(line)));
    this.runId = Array.from(
      crypto.getRandomValues(new Uint8Array(20)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    this.settings = defaultSettings();
    this.resizeDatabases(16);
    this.config = new ConfigRegistry(this);
    for (const spec of coreConfigs()) this.config.register(spec, "core");
  }

  /** (Re)create the databases; only before any data exists (the `databases` directive). */
  resizeDatabases(n: number): void {
    this.dbs = Array.from({ length: n }, (_, i) => new Db(i, this));
  }

  // ---- DbHost: what the keyspace calls back into -------------------------------------

  /** The wall clock (ms) at the last clock reading: no extra clock read. */
  wallClock(): number {
    return Math.floor(this.epochOffset + this.clock);
  }

  /** The running command's time snapshot, in ms. */
  now(): number {
    return this.currentClient ? this.cmdTime : Date.now();
  }

  notify(cls: EventClass, event: string, key: string, dbIndex: number): void {
    const hooks = this.hooks.keyspaceEvent;
    for (let i = 0; i < hooks.length; i++) hooks[i](cls, event, key, dbIndex, this);
  }

  keyModified(db: Db, key: string): void {
    this.dirty++;
    this.blocking.signal(db, key);
    const hooks = this.hooks.keyModified;
    for (let i = 0; i < hooks.length; i++) hooks[i](db, key, this);
  }

  expired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.notify("x", "expired", key, db.index);
    const hooks = this.hooks.keyModified;
    for (let i = 0; i < hooks.length; i++) hooks[i](db, key, this);
    this.propagate(db.index, ["DEL", key]);
  }

  /** Whether `beforeKeyWrite` hooks must be called (a snapshot is in progress). */
  get watchingWrites(): boolean {
    return this.writeWatchers > 0;
  }

  beforeWrite(db: Db, key: string): void {
    const hooks = this.hooks.beforeKeyWrite;
    for (let i = 0; i < hooks.length; i++) hooks[i](db, key);
  }

  /** Start (true) or stop (false) calling `beforeKeyWrite` hooks; calls nest. */
  watchWrites(on: boolean): void {
    this.writeWatchers += on ? 1 : -1;
  }

  hit(found: boolean): void {
    if (found) this.stats.keyspaceHits++;
    else this.stats.keyspaceMisses++;
  }

  touches(): boolean {
    return !this.currentClient?.noTouch;
  }

  expiresOnAccess(): boolean {
    return !this.isReplica && !this.writesPaused;
  }

  // ---- Public API for modules ---------------------------------------------------------

  /** Database `i` (no range check: callers validate user input). */
  db(i: number): Db {
    return this.dbs[i];
  }

  /** Write a log line at `level`. */
  log(level: LogLevel, msg: string): void {
    this.logger.log(level, msg);
  }

  /**
   * Announce a write to AOF / replicas (hooks `propagated`). Inside a command the write is
   * held until the outermost command ends (see `flushPropagation`); outside (active expiry)
   * it goes out at once.
   */
  propagate(dbIndex: number, argv: string[], targets = PROPAGATE_ALL): void {
    if (this.hooks.propagated.length === 0) return; // nobody listens: no AOF, no replicas
    if (targets === 0) return;
    if (this.currentClient !== null) this.pendingPropagation.push([dbIndex, argv, targets]);
    else {
      this.propagatedCount++;
      for (const h of this.hooks.propagated) h(dbIndex, argv, this, targets);
    }
  }

  /**
   * Writes announced to `propagated` hooks so far: a position in the stream of writes (Redis's
   * master_repl_offset counts bytes; this counts commands). A client's `writeOffset` is where
   * its last write ended; WAITAOF compares it with how far the AOF is fsynced.
   */
  propagatedCount = 0;

  /**
   * totalErrorReplies when the running command (or the last command it ran) started or
   * ended: errors counted after it are the running command's (Redis's prev_err_count). A
   * module refusing a nested command itself moves it too; one that takes back an error it
   * counted twice moves it back, so the command still shows as failed.
   */
  errorMark = 0;

  /**
   * Targets the commands run from now on may propagate to (ANDed with each command's own):
   * a script's redis.set_repl narrows it around the commands it runs. Expiry deletions
   * ignore it, as in Redis.
   */
  propagationMask = PROPAGATE_ALL;

  /**
   * End of an execution unit (Redis's propagatePendingCommands): the writes of one outermost
   * command — its own, those of the commands it ran (EXEC, scripts) and the deletions of keys
   * it found expired — reach AOF and replicas as one unit, wrapped in MULTI/EXEC when there
   * are several, so a replica never applies half of a transaction.
   */
  private flushPropagation(client: ClientState | null): void {
    const ops = this.pendingPropagation;
    this.pendingPropagation = [];
    const hooks = this.hooks.propagated;
    // Counted before the hooks run, so a hook sees the count its write ends at.
    const emit = (db: number, argv: string[], targets: number) => {
      this.propagatedCount++;
      for (const h of hooks) h(db, argv, this, targets);
    };
    const wrap = ops.length > 1;
    // MULTI/EXEC go wherever one of the unit's writes goes.
    let all = 0;
    if (wrap) {
      for (const op of ops) all |= op[2];
      emit(ops[0][0], ["MULTI"], all);
    }
    for (const [db, argv, targets] of ops) emit(db, argv, targets);
    if (wrap) emit(ops[ops.length - 1][0], ["EXEC"], all);
    if (client !== null) client.writeOffset = this.propagatedCount;
  }

  /** Announce that a database was flushed (-1: all). */
  flushed(dbIndex: number): void {
    for (const db of dbIndex < 0 ? this.dbs : [this.dbs[dbIndex]]) this.blocking.signalDb(db);
    for (const h of this.hooks.flushed) h(dbIndex, this);
  }

  /** DbHost: two databases exchanged contents (SWAPDB); their waiters and watchers hear of it. */
  swapped(a: Db, b: Db): void {
    this.blocking.signalDb(a);
    this.blocking.signalDb(b);
    for (const h of this.hooks.swapped) h(a.index, b.index, this);
  }

  /** Count an error reply in INFO errorstats. */
  countError(msg: string): void {
    this.stats.totalErrorReplies++;
    const space = msg.indexOf(" ");
    const code = space > 0 && space < 32 ? msg.slice(0, space) : "ERR";
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  }

  /** A new client id (CLIENT ID is unique and increasing). */
  allocateClientId(): number {
    return this.nextClientId++;
  }

  /** Register a client (connections and long-lived in-process clients). */
  addClient(c: ClientState): void {
    this.clients.set(c.id, c);
    for (const h of this.hooks.clientConnected) h(c);
  }

  /** RESET: tell every module to drop its per-client state. */
  resetClient(c: ClientState): void {
    for (const h of this.hooks.clientReset) h(c);
  }

  /** Forget a client (its connection closed). */
  removeClient(c: ClientState): void {
    this.blocking.drop(c);
    if (!this.clients.delete(c.id)) return;
    for (const h of this.hooks.clientDisconnected) h(c);
  }

  /** A detached client writing into `reply` (scripts, module calls). */
  createClient(reply: ReplyWriter): ClientState {
    return new ClientState(this, this.allocateClientId(), this.dbs[0], reply);
  }

  // ---- The command path ---------------------------------------------------------------

  /** Run one command for a client: lookup, checks, hooks, then `call`. */
  execute(c: ClientState, argv: string[]): void {
    const e = this.commands.lookup(argv);
    if (e === undefined) {
      this.reject(c, null, unknownCommandError(this.commands, argv));
      return;
    }
    if (!arityOk(e, argv.length)) {
      this.reject(c, e, wrongArity(e.fullName));
      return;
    }
    const hooks = this.hooks.beforeCommand;
    if (hooks.length > 0) {
      const errorsBefore = this.stats.totalErrorReplies;
      this.gated = e;
      for (let i = 0; i < hooks.length; i++) {
        if (hooks[i](c, e.spec, argv)) {
          this.gated = null;
          if (this.stats.totalErrorReplies !== errorsBefore) e.rejectedCalls++;
          return;
        }
      }
      this.gated = null;
    }
    this.call(c, e, argv);
    // Keys made ready by the outermost command wake their waiters now, once it is complete
    // (not while a held unit, such as a paused script, is still open: that would interleave).
    if (this.currentClient === null && this.heldUnits === 0) this.blocking.handleReady();
  }

  /**
   * Share the time since the last clock reading among the fast commands run since (a
   * pipelined batch): their usec statistics and `batchTimed` hooks. Connections call it when
   * a batch ends; a command timed alone calls it first.
   */
  settleTiming(): void {
    if (this.untimed.length === 0) return;
    const now = performance.now();
    const usec = (now - this.clock) * 1000;
    this.clock = now;
    this.shareTiming(usec);
  }

  /** Give each untimed command an equal share of `usec`. */
  private shareTiming(usec: number): void {
    const entries = this.untimed;
    this.untimed = [];
    const each = usec / entries.length;
    for (let i = 0; i < entries.length; i++) entries[i].usec += each;
    const hooks = this.hooks.batchTimed;
    for (let i = 0; i < hooks.length; i++) hooks[i](entries, each);
  }

  /**
   * Reject a command before it runs (counted as rejected, flags a MULTI as failed). `e` may
   * be null when a gate rejects: listeners still learn which command it was.
   */
  reject(c: ClientState, e: CommandEntry | null, msg: string): void {
    if (e) e.rejectedCalls++;
    const cmd = e ?? this.gated;
    let reply = msg;
    for (const h of this.rejectListeners) reply = h(c, msg, cmd) ?? reply;
    c.reply.error(reply);
  }

  /**
   * Listeners told about rejected commands (null: an unknown command). A listener may return
   * the error to answer instead (a rejected EXEC answers EXECABORT and ends the transaction).
   */
  readonly rejectListeners:
    ((c: ClientState, msg: string, cmd: CommandEntry | null) => string | void)[] = [];
  /** The command whose beforeCommand gates are running. */
  private gated: CommandEntry | null = null;

  /**
   * Run a resolved command's handler with statistics and propagation. Used by `execute` and
   * by modules that run commands themselves (EXEC, scripts).
   */
  call(c: ClientState, e: CommandEntry, argv: string[]): void {
    const prevClient = this.currentClient;
    this.currentClient = c;
    if (prevClient === null) this.unitClient = c;
    const dirtyBefore = this.dirty;
    this.errorMark = this.stats.totalErrorReplies;
    // A command run by another (EXEC, scripts) must not leave its propagation override or
    // argv on the client for the outer command to pick up.
    const outerPropagation = c.propagation;
    const outerArgv = c.currentArgv;
    const outerTargets = c.propagationTargets;
    c.propagation = undefined;
    c.propagationTargets = PROPAGATE_ALL;
    c.currentArgv = argv;
    // O(1) commands are not timed one by one when pipelined behind others (batching) or run
    // by another command (scripts, EXEC): they share the time of their batch / caller.
    const timedAlone = !(e.isFast && (prevClient !== null || this.batching));
    if (timedAlone && prevClient === null && this.untimed.length > 0) this.settleTiming();
    const t0 = this.clock;
    // One time snapshot per execution unit: a key cannot expire half-way through EXEC.
    if (prevClient === null) this.cmdTime = Math.floor(this.epochOffset + t0);
    try {
      e.spec.handler!(c, argv);
    } catch (err) {
      if (err instanceof ReplyError) c.reply.error(err.message);
      else {
        const msg = err instanceof Error ? err.message : String(err);
        this.log(
          "warning",
          `Internal error in '${e.fullName}': ${err instanceof Error ? err.stack : msg}`,
        );
        c.reply.error(`ERR internal error in '${e.fullName}': ${msg}`);
      }
    }
    let usec = NaN;
    if (timedAlone) {
      const t1 = (this.clock = performance.now());
      usec = (t1 - t0) * 1000;
      e.usec += usec;
      // The O(1) commands this one ran (redis.call, EXEC's queue) each get a share of its time,
      // as Redis counts nested calls' time both in themselves and in their caller.
      if (prevClient === null && this.untimed.length > 0) this.shareTiming(usec);
    } else this.untimed.push(e);
    // A command that blocked is counted once, when it is served or ends (as in Redis).
    const blocked = this.blocking.blockedCount !== 0 && this.blocking.isBlocked(c);
    if (!blocked) {
      e.calls++;
      this.stats.totalCommands++;
    }
    // Failed: it answered an error since the last mark. A nested command (redis.call, EXEC's
    // queue) moves the mark when it ends, so its errors are its own, not its caller's.
    if (this.stats.totalErrorReplies !== this.errorMark) e.failedCalls++;
    this.errorMark = this.stats.totalErrorReplies;
    c.lastCommand = e.fullName;
    if (
      c.propagation !== null &&
      (c.propagation !== undefined || (this.dirty !== dirtyBefore && e.isWrite))
    ) {
      this.propagate(
        c.db.index,
        c.propagation ?? argv,
        c.propagationTargets & this.propagationMask,
      );
    }
    if (prevClient !== null) {
      c.propagation = outerPropagation;
      c.propagationTargets = outerTargets;
      c.currentArgv = outerArgv;
    }
    this.currentClient = prevClient;
    if (prevClient === null) {
      this.unitClient = null;
      if (this.holding !== null) {
        this.holding.ops = this.pendingPropagation;
        this.pendingPropagation = [];
        this.holding = null;
      } else if (this.pendingPropagation.length > 0) this.flushPropagation(c);
    }
    const after = this.hooks.afterCommand;
    if (after.length > 0) {
      const run = this.lastRun;
      run.entry = e;
      run.usec = usec;
      run.blocked = blocked;
      for (let i = 0; i < after.length; i++) after[i](c, e.spec, argv, run);
    }
  }

  /**
   * Keep the running execution unit open after the current command returns, for a command
   * that finishes its work on later event-loop turns (a script paused between slices). Until
   * `close()`, the unit's writes are held (they propagate together, in MULTI/EXEC), blocked
   * clients are not woken and active expiry pauses, so nothing observes half of the unit;
   * `run()` re-enters it with the same client and time snapshot. Only valid inside a command
   * that is not itself nested (EXEC, scripts).
   */
  holdUnit(): HeldUnit {
    const client = this.currentClient;
    if (client === null) throw new Error("holdUnit() outside of a command");
    const state = { ops: [] as [number, string[], number][], time: this.cmdTime, closed: false };
    this.heldUnits++;
    this.holding = state;
    return {
      run: (fn) => {
        const prevClient = this.currentClient;
        const prevTime = this.cmdTime;
        const prevOps = this.pendingPropagation;
        const prevUnitClient = this.unitClient;
        this.currentClient = client;
        this.unitClient = client;
        this.cmdTime = state.time;
        this.pendingPropagation = state.ops;
        const start = (this.clock = performance.now());
        try {
          fn();
        } finally {
          // Commands run in this slice share its time (they are nested: not timed alone).
          if (prevClient === null && this.untimed.length > 0) {
            this.shareTiming(((this.clock = performance.now()) - start) * 1000);
          }
          state.ops = this.pendingPropagation;
          this.pendingPropagation = prevOps;
          this.currentClient = prevClient;
          this.unitClient = prevUnitClient;
          this.cmdTime = prevTime;
        }
      },
      close: () => {
        if (state.closed) return;
        state.closed = true;
        this.heldUnits--;
        if (this.holding === state) {
          // Closed before its command returned: call() flushes as usual.
          this.holding = null;
          return;
        }
        const prevOps = this.pendingPropagation;
        this.pendingPropagation = state.ops;
        this.flushPropagation(client);
        this.pendingPropagation = prevOps;
        if (this.currentClient === null && this.heldUnits === 0) this.blocking.handleReady();
      },
    };
  }

  /**
   * Run a command in-process, through the same path as the network, and return its reply
   * as a JS value (error replies reject). Strings in replies are decoded from UTF-8 unless
   * `raw` is set, in which case they are binary strings.
   */
  callArgv(argv: (string | Uint8Array | number)[], raw = false): ReplyValue {
    if (!this.embedded) {
      this.embeddedSink = new ValueBuilder(2);
      this.embedded = this.createClient(this.embeddedSink);
      this.embedded.denyBlocking = true;
    }
    const sink = this.embeddedSink!;
    sink.onError = (msg) => this.countError(msg);
    const decode = raw ? (s: string) => s : binaryToUtf8;
    const builder = new ValueBuilder(this.embedded.resp, decode);
    builder.onError = sink.onError;
    this.embedded.reply = builder;
    const args = argv.map((a) =>
      typeof a === "string" ? utf8ToBinary(a) : typeof a === "number" ? String(a) : bytesToBinary(a)
    );
    this.clock = performance.now();
    this.execute(this.embedded, args);
    return builder.take();
  }

  // ---- Modules --------------------------------------------------------------------------

  /** Load a module spec: register everything it declares, run its setup; all or nothing. */
  async loadModule(spec: ModuleSpec, args: string[] = [], path = ""): Promise<void> {
    if (!spec || typeof spec.name !== "string" || spec.name === "") {
      throw new ModuleError("MODULE_INVALID", "a module must export `moduleSpec` with a name");
    }
    if (this.modules.has(spec.name)) {
      throw new ModuleError("MODULE_DUPLICATE", `module '${spec.name}' is already loaded`);
    }
    for (const r of spec.requires ?? []) {
      if (!this.modules.has(r)) {
        throw new ModuleError(
          "MODULE_MISSING_DEPENDENCY",
          `module '${spec.name}' requires module '${r}', which is not loaded`,
        );
      }
    }
    const undo: (() => void)[] = [];
    try {
      for (const cmd of spec.commands ?? []) {
        this.commands.register(cmd, spec.name);
        undo.push(() => this.commands.unregister(cmd.name));
      }
      for (const cfg of spec.configs ?? []) {
        this.config.register(cfg, spec.name);
        undo.push(() => this.config.unregister(cfg.name));
      }
      for (const t of spec.types ?? []) {
        if (this.types.has(t.name)) {
          throw new ModuleError("TYPE_DUPLICATE", `data type '${t.name}' is already registered`);
        }
        this.types.set(t.name, t);
        undo.push(() => this.types.delete(t.name));
      }
      this.modules.set(spec.name, { spec, args, path });
      undo.push(() => this.modules.delete(spec.name));
      await spec.setup?.(this, args);
    } catch (err) {
      for (const u of undo.reverse()) u();
      if (err instanceof ModuleError) throw err;
      throw new ModuleError(
        "MODULE_SETUP_FAILED",
        `module '${spec.name}' failed to load: ${err instanceof Error ? err.message : err}`,
      );
    }
    this.attachHooks(spec);
  }

  /** Import a plugin file and load the `moduleSpec` it exports. */
  async loadModuleFile(path: string, args: string[] = []): Promise<ModuleSpec> {
    const url = path.startsWith("/") || /^[a-z]+:/.test(path)
      ? path
      : `${this.host?.cwd() ?? "."}/${path}`;
    let mod: { moduleSpec?: ModuleSpec };
    try {
      mod = await import(url.startsWith("/") ? `file://${url}` : url);
    } catch (err) {
      throw new ModuleError(
        "MODULE_IMPORT_FAILED",
        `cannot import module '${path}': ${err instanceof Error ? err.message : err}`,
      );
    }
    if (!mod.moduleSpec) {
      throw new ModuleError("MODULE_INVALID", `'${path}' does not export \`moduleSpec\``);
    }
    await this.loadModule(mod.moduleSpec, args, path);
    return mod.moduleSpec;
  }

  /** Unload a module by name (refused for modules others require, or that own data types). */
  unloadModule(name: string): void {
    const m = this.modules.get(name);
    if (!m) throw new ModuleError("MODULE_NOT_LOADED", `module '${name}' is not loaded`);
    for (const other of this.modules.values()) {
      if (other.spec.requires?.includes(name)) {
        throw new ModuleError(
          "MODULE_REQUIRED",
          `module '${other.spec.name}' depends on '${name}'`,
        );
      }
    }
    if ((m.spec.types ?? []).length > 0) {
      throw new ModuleError(
        "MODULE_HAS_TYPES",
        "the module exports one or more module-side data types, can't unload",
      );
    }
    m.spec.teardown?.(this);
    for (const cmd of m.spec.commands ?? []) this.commands.unregister(cmd.name);
    for (const cfg of m.spec.configs ?? []) this.config.unregister(cfg.name);
    this.detachHooks(m.spec);
    this.modules.delete(name);
    if (m.spec.hooks?.info) this.rebuildInfoSections();
  }

  /**
   * Attach a hook at run time. Hooks run on hot paths (every command, every write), so a
   * feature that is often unused (WATCH, client tracking, field expiry) should attach its
   * hooks only while it is in use and detach them after, instead of checking on every call.
   *
   * A hook attached without `owner` runs after every other. With `owner` (the attaching
   * module's name) it takes its module's place in load order, as a static hook would: a gate
   * attached on demand (the OOM gate) still runs before the gates of modules loaded after
   * its own (MULTI queueing).
   *
   * @example
   * ```ts
   * server.addHook("keyModified", onWatchedKeyChange); // first WATCH
   * server.removeHook("keyModified", onWatchedKeyChange); // last UNWATCH
   * server.addHook("beforeCommand", oomGate, "eviction"); // before transactions' queueing
   * ```
   */
  addHook<K extends HookName>(name: K, fn: NonNullable<ModuleHooks[K]>, owner?: string): void {
    if (!this.hooks[name].includes(fn)) {
      this.insertHook(name, fn, owner === undefined ? Infinity : this.moduleRank(owner));
    }
  }

  /**
   * Insert a hook after those of equal or lower rank. Lists are replaced, never changed in
   * place: a hook may attach or detach hooks (its own included) while its list is running,
   * and that run goes on over the list it started with.
   */
  private insertHook(name: HookName, fn: object, rank: number): void {
    this.hookRanks.set(fn, rank);
    const list: object[] = this.hooks[name];
    let i = list.length;
    while (i > 0 && (this.hookRanks.get(list[i - 1]) ?? Infinity) > rank) i--;
    // deno-lint-ignore no-explicit-any
    (this.hooks as any)[name] = [...list.slice(0, i), fn, ...list.slice(i)];
  }

  /** Where a module stands in load order (Infinity when not loaded). */
  private moduleRank(name: string): number {
    let i = 0;
    for (const m of this.modules.keys()) {
      if (m === name) return i;
      i++;
    }
    return Infinity;
  }

  /** Detach a hook attached with `addHook` (a no-op when it is not attached). */
  removeHook<K extends HookName>(name: K, fn: NonNullable<ModuleHooks[K]>): void {
    const list: object[] = this.hooks[name];
    // deno-lint-ignore no-explicit-any
    if (list.includes(fn)) (this.hooks as any)[name] = list.filter((h) => h !== fn);
  }

  /** Whether any hook of that kind is attached (to skip work nobody listens for). */
  hasHooks(name: HookName): boolean {
    return this.hooks[name].length > 0;
  }

  private attachHooks(spec: ModuleSpec): void {
    const h = spec.hooks;
    if (!h) return;
    const rank = this.moduleRank(spec.name);
    for (const k of Object.keys(this.hooks) as HookName[]) {
      if (h[k]) this.insertHook(k, h[k], rank);
    }
    if (h.info) this.rebuildInfoSections();
  }

  /**
   * Info sections by name, from every loaded module in load order; modules contributing to
   * the same section (two modules adding fields to "stats") get their lines concatenated.
   */
  private rebuildInfoSections(): void {
    this.infoSections.clear();
    for (const m of this.modules.values()) {
      for (const [section, render] of Object.entries(m.spec.hooks?.info ?? {})) {
        const prev = this.infoSections.get(section);
        this.infoSections.set(section, prev ? (s) => [...prev(s), ...render(s)] : render);
      }
    }
  }

  private detachHooks(spec: ModuleSpec): void {
    const h = spec.hooks;
    if (!h) return;
    for (const k of Object.keys(this.hooks) as HookName[]) {
      // deno-lint-ignore no-explicit-any
      if (h[k]) this.removeHook(k, h[k] as any);
    }
  }

  // ---- Cron -----------------------------------------------------------------------------

  /** Start the periodic tasks. */
  startCron(): void {
    if (this.cronTimer) return;
    const tick = () => {
      this.cron();
      this.cronTimer = setTimeout(tick, 1000 / this.settings.hz);
    };
    this.cronTimer = setTimeout(tick, 1000 / this.settings.hz);
  }

  /** Stop the periodic tasks. */
  stopCron(): void {
    if (this.cronTimer) clearTimeout(this.cronTimer);
    this.cronTimer = null;
  }

  private cron(): void {
    const now = Date.now();
    // Date.now() is floored to the ms, so the true offset lies in [sample, sample + 1): keep
    // the precise one from performance.timeOrigin unless the wall clock really stepped.
    const sample = now - performance.now();
    if (this.epochOffset < sample || this.epochOffset >= sample + 1) {
      this.epochOffset = sample + 0.5;
    }
    const last = this.opsSample;
    if (now - last.at >= 1000) {
      const st = this.stats;
      const seconds = (now - last.at) / 1000;
      st.instantaneousOps = Math.round((st.totalCommands - last.commands) / seconds);
      st.instantaneousInputKbps = (st.netInputBytes - last.input) / 1024 / seconds;
      st.instantaneousOutputKbps = (st.netOutputBytes - last.output) / 1024 / seconds;
      this.opsSample = {
        at: now,
        commands: st.totalCommands,
        input: st.netInputBytes,
        output: st.netOutputBytes,
      };
    }
    if (this.activeExpire && !this.isReplica && !this.writesPaused) this.expireCycle();
    this.closeIdleClients(now);
    for (const h of this.hooks.cron) h(this);
  }

  /**
   * Active expiry for one tick: slices of at most ~2 ms, yielding to the event loop between
   * slices, until the databases have little left to reclaim or 25% of the tick is used.
   */
  private expireCycle(): void {
    let budget = 250 / this.settings.hz;
    const slice = () => {
      // A held unit (a paused script) must not see keys vanish between its slices.
      if (this.heldUnits > 0) return;
      const start = performance.now();
      const deadline = start + 2;
      let more = false;
      for (let n = 0; n < this.dbs.length && performance.now() < deadline; n++) {
        const db = this.dbs[this.expireDb];
        this.expireDb = (this.expireDb + 1) % this.dbs.length;
        if (db.volatileCount === 0) continue;
        db.activeExpire(deadline, 20);
        if (performance.now() >= deadline) more = true;
      }
      const used = performance.now() - start;
      this.stats.expireCycleCpuMs += used;
      this.noteStaleKeys();
      budget -= used;
      if (more && budget <= 0) this.stats.expiredTimeCapReached++;
      if (more && budget > 0 && !this.shuttingDown) setTimeout(slice, 0);
    };
    slice();
  }

  /**
   * INFO expired_stale_perc: a moving average of the share of sampled volatile keys the
   * active cycle found expired (weights as Redis's: 5% for the newest cycle).
   */
  private noteStaleKeys(): void {
    let sampled = 0;
    let reclaimed = 0;
    for (const db of this.dbs) {
      sampled += db.expireSampled;
      reclaimed += db.expireReclaimed;
      db.expireSampled = db.expireReclaimed = 0;
    }
    if (sampled === 0) return;
    this.stats.expiredStalePerc = (reclaimed / sampled) * 0.05 + this.stats.expiredStalePerc * 0.95;
  }

  private closeIdleClients(now: number): void {
    const timeout = this.settings.timeout;
    if (timeout <= 0) return;
    for (const c of this.clients.values()) {
      if (c.kind !== "normal" || c.flagLetters.has("b")) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        this.log("verbose", "Closing idle client");
        c.kill();
      }
    }
  }

  /** Run the `loading` hooks (persisted data comes back), once configuration is applied. */
  async load(): Promise<void> {
    for (const h of this.hooks.loading) await h(this);
  }

  /** Run shutdown hooks (final save...) and stop the cron. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.stopCron();
    for (const h of this.hooks.shutdown) await h(this);
  }
}

/** What modules see of the server. */
export type ServerApi = Server;

/**
 * The transactions module: MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7.4's
 * semantics, built only on core's public hooks.
 *
 * Queueing. After MULTI, a `beforeCommand` hook answers QUEUED instead of running the
 * command (EXEC, DISCARD, MULTI, WATCH, QUIT and RESET still run, as in Redis). Commands
 * refused before they could be queued — unknown name, wrong arity, a no_multi command, a
 * gate of another module (subscribe mode, auth) — reach the module through core's
 * `rejectListeners`, which marks the transaction failed: EXEC then answers EXECABORT and
 * runs nothing. The queue keeps the resolved command entries, as Redis keeps command
 * pointers, so EXEC does not look names up again.
 *
 * EXEC runs the queue through `server.call`, the path every command takes (statistics,
 * keyspace signals, propagation, afterCommand hooks such as MONITOR and tracking), with
 * `client.denyBlocking` set so blocking commands answer as if their timeout had expired. An
 * error reply of one command does not stop the others. Because EXEC is the outermost
 * command, core propagates the writes of the whole transaction as one execution unit,
 * wrapped in MULTI/EXEC when there are several (see core/server.ts), and blocked clients are
 * woken only once EXEC has finished.
 *
 * WATCH (watch.ts) is optimistic locking: core's keyModified signal — every write, expiry
 * deletion and script write — dirties the watchers of the key; `flushed` and `swapped`
 * cover FLUSHDB / FLUSHALL and SWAPDB, and EXEC itself checks whether a watched key expired
 * meanwhile. A dirty EXEC answers a null array (RESP2 `*-1`, RESP3 `_`).
 *
 * CLIENT LIST shows the state through `client.flagLetters` (x: in MULTI, d: a watched key
 * changed) and `client.counters` (multi, watch, multi-mem), which the connection module
 * prints. RESET and disconnection drop the transaction and the watches.
 */

import type { CommandContext, CommandSpec, ModuleSpec } from "../../core/spec.ts";
import type { ClientState } from "../../core/client.ts";
import type { CommandEntry } from "../../core/commands.ts";
import type { ServerApi } from "../../core/server.ts";
import type { Db } from "../../core/keyspace.ts";
import { ReplyError } from "../../core/errors.ts";
import {
  touchFlushed,
  touchKey,
  touchSwapped,
  unwatchAll,
  watchedKeyCount,
  watchedKeyExpired,
  type Watcher,
  watchKey,
} from "./watch.ts";

/** Per-client transaction state, kept in `client.ext` under "transactions". */
interface TxState extends Watcher {
  /** Queued commands, or null when not in MULTI. */
  queue: { entry: CommandEntry; argv: string[] }[] | null;
  /** A command was refused while queueing (Redis's CLIENT_DIRTY_EXEC). */
  failed: boolean;
  /** Whether this client is counted in its server's `inUse` as in MULTI / as watching. */
  countedMulti: boolean;
  countedWatch: boolean;
}

const EXT = "transactions";

/** Commands that run immediately inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

function stateOf(c: ClientState): TxState | undefined {
  return c.ext.get(EXT) as TxState | undefined;
}

/**
 * The commands a client in MULTI has queued (empty otherwise): gates that judge an EXEC by
 * what it will run (the OOM gate, CLIENT PAUSE WRITE) read them here.
 *
 * @example
 * ```ts
 * queuedCommands(c).some((q) => q.entry.isWrite); // an EXEC that writes
 * ```
 */
export function queuedCommands(c: ClientState): readonly { entry: CommandEntry; argv: string[] }[] {
  return stateOf(c)?.queue ?? [];
}

function ensureState(c: ClientState): TxState {
  let st = stateOf(c);
  if (st === undefined) {
    st = {
      queue: null,
      failed: false,
      dirty: false,
      watched: [],
      countedMulti: false,
      countedWatch: false,
    };
    c.ext.set(EXT, st);
  }
  return st;
}

/** Refresh what CLIENT LIST shows for the client. */
function showState(c: ClientState, st: TxState): void {
  if (st.queue !== null) c.flagLetters.add("x");
  else c.flagLetters.delete("x");
  if (st.dirty) c.flagLetters.add("d");
  else c.flagLetters.delete("d");
  c.counters.multi = st.queue?.length ?? 0;
  c.counters.watch = st.watched.length;
  let mem = 0;
  for (const q of st.queue ?? []) for (const a of q.argv) mem += a.length + 16;
  c.counters["multi-mem"] = mem;
  syncHooks(c, st);
}

/**
 * Clients in MULTI and clients watching keys, per server. The queueing gate is attached
 * only while some client is in MULTI, the WATCH hook only while some client watches: an
 * attached hook costs every command (or every write) a call even when it returns at once.
 */
const inUse = new WeakMap<ServerApi, { multi: number; watch: number }>();

function onKeyModified(db: Db, key: string): void {
  touchKey(db, key, markDirty);
}

/** Count the client's change of state (showState sees every one) and attach or detach. */
function syncHooks(c: ClientState, st: TxState): void {
  const multi = st.queue !== null;
  const watch = st.watched.length > 0;
  if (multi === st.countedMulti && watch === st.countedWatch) return;
  const server = c.server;
  let n = inUse.get(server);
  if (n === undefined) inUse.set(server, n = { multi: 0, watch: 0 });
  if (multi !== st.countedMulti) {
    st.countedMulti = multi;
    n.multi += multi ? 1 : -1;
    if (multi) server.addHook("beforeCommand", queueCommand, "transactions");
    else if (n.multi === 0) server.removeHook("beforeCommand", queueCommand);
  }
  if (watch !== st.countedWatch) {
    st.countedWatch = watch;
    n.watch += watch ? 1 : -1;
    if (watch) server.addHook("keyModified", onKeyModified, "transactions");
    else if (n.watch === 0) server.removeHook("keyModified", onKeyModified);
  }
}

/** Leave MULTI and forget the watches (Redis's discardTransaction). */
function discardTransaction(c: ClientState, st: TxState): void {
  st.queue = null;
  st.failed = false;
  st.dirty = false;
  unwatchAll(st);
  showState(c, st);
}

/** A watched key of the client changed: EXEC will fail, the other watches are moot. */
function markDirty(c: ClientState): void {
  const st = stateOf(c);
  if (st === undefined) return;
  st.dirty = true;
  unwatchAll(st);
  showState(c, st);
}

function exec(ctx: CommandContext): void {
  const c = ctx.client;
  const st = stateOf(c);
  if (st === undefined || st.queue === null) throw new ReplyError("ERR EXEC without MULTI");
  if (watchedKeyExpired(st)) st.dirty = true;
  if (st.failed) {
    discardTransaction(c, st);
    throw new ReplyError("EXECABORT Transaction discarded because of previous errors.");
  }
  if (st.dirty) {
    discardTransaction(c, st);
    ctx.reply.nullArray();
    return;
  }
  const queue = st.queue;
  unwatchAll(st);
  const denied = c.denyBlocking;
  c.denyBlocking = true;
  ctx.reply.array(queue.length);
  try {
    for (const q of queue) ctx.server.call(c, q.entry, q.argv);
  } finally {
    c.denyBlocking = denied;
    discardTransaction(c, st);
  }
}

const commands: CommandSpec[] = [
  {
    name: "multi",
    group: "transactions",
    summary: "Opens a transaction: later commands are queued until EXEC.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    handler(ctx) {
      const st = ensureState(ctx.client);
      if (st.queue !== null) throw new ReplyError("ERR MULTI calls can not be nested");
      st.queue = [];
      showState(ctx.client, st);
      ctx.reply.ok();
    },
  },
  {
    name: "exec",
    group: "transactions",
    summary: "Runs every command queued since MULTI, atomically.",
    since: "1.2.0",
    complexity: "Depends on commands in the transaction",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    handler: exec,
  },
  {
    name: "discard",
    group: "transactions",
    summary: "Drops the queued commands and leaves MULTI.",
    since: "2.0.0",
    complexity: "O(N), when N is the number of queued commands",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    handler(ctx) {
      const st = stateOf(ctx.client);
      if (st === undefined || st.queue === null) throw new ReplyError("ERR DISCARD without MULTI");
      discardTransaction(ctx.client, st);
      ctx.reply.ok();
    },
  },
  {
    name: "watch",
    group: "transactions",
    summary: "Makes the next EXEC fail if any of these keys changes first.",
    since: "2.2.0",
    complexity: "O(1) for every key.",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    keys: [{ flags: ["RO"], begin: 1, find: { lastKey: -1, step: 1 } }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
    handler(ctx, argv) {
      const st = ensureState(ctx.client);
      if (st.queue !== null) throw new ReplyError("ERR WATCH inside MULTI is not allowed");
      // Once dirty, EXEC fails whatever else is watched.
      if (!st.dirty) {
        for (let i = 1; i < argv.length; i++) watchKey(ctx.client, st, ctx.db, argv[i]);
      }
      showState(ctx.client, st);
      ctx.reply.ok();
    },
  },
  {
    name: "unwatch",
    group: "transactions",
    summary: "Forgets every key watched by this connection.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    handler(ctx) {
      const st = stateOf(ctx.client);
      if (st !== undefined) {
        unwatchAll(st);
        st.dirty = false;
        showState(ctx.client, st);
      }
      ctx.reply.ok();
    },
  },
];

/** Queue a command of a client in MULTI; returns whether the hook answered. */
function queueCommand(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean {
  const c = ctx.client;
  const st = stateOf(c);
  if (st === undefined || st.queue === null) return false;
  if (NOT_QUEUED.has(argv[0].toLowerCase())) return false;
  const server = ctx.server;
  if (cmd.flags.includes("no_multi")) {
    server.reject(c, null, "ERR Command not allowed inside a transaction");
    return true;
  }
  // Like Redis, a transaction that will fail anyway stores nothing more.
  if (!st.failed && !st.dirty) {
    st.queue.push({ entry: server.commands.lookup(argv)!, argv });
    showState(c, st);
  }
  ctx.reply.simple("QUEUED");
  return true;
}

/**
 * core's rejectListeners entry: a refused command fails the open transaction; a refused
 * EXEC (busy script, wrong arity...) ends it with EXECABORT, as Redis's execCommandAbort.
 */
function onReject(c: ClientState, msg: string, cmd: CommandEntry | null): string | void {
  const st = stateOf(c);
  if (st === undefined || st.queue === null) return;
  st.failed = true;
  if (cmd?.spec.handler !== exec) return;
  discardTransaction(c, st);
  return `EXECABORT Transaction discarded because of: ${msg}`;
}

function forget(c: ClientState): void {
  const st = stateOf(c);
  if (st !== undefined) discardTransaction(c, st);
}

/**
 * The transactions module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, stringsModule, transactionsModule] });
 * ```
 */
export const transactionsModule: ModuleSpec = {
  name: "transactions",
  commands,
  hooks: {
    clientReset: forget,
    flushed(dbIndex, server) {
      for (const db of dbIndex < 0 ? server.dbs : [server.db(dbIndex)]) touchFlushed(db, markDirty);
    },
    swapped(a, b, server) {
      touchSwapped(server.db(a), server.db(b), markDirty);
      touchSwapped(server.db(b), server.db(a), markDirty);
    },
    clientDisconnected: forget,
    info: { clients: (server) => [`total_watched_keys:${watchedKeyCount(server.dbs)}`] },
  },
  setup(server: ServerApi) {
    server.rejectListeners.push(onReject);
  },
  teardown(server: ServerApi) {
    const i = server.rejectListeners.indexOf(onReject);
    if (i >= 0) server.rejectListeners.splice(i, 1);
  },
};

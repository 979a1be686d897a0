/**
 * The blocking service: clients waiting for keys (BLPOP, BZPOPMIN, XREAD BLOCK, plugins'
 * own blocking commands), as Redis's blocked.c does it.
 *
 * A blocking command is an ordinary handler. When it finds nothing to serve it calls
 * `ctx.block(keys, options)` instead of replying; the client is suspended (its pipelined
 * commands wait) and queued on each key, in arrival order. Whenever a watched key is
 * modified (core's keyModified signal covers every write, so no module has to remember to
 * signal), the key is marked ready. After the outermost command completes — so a MULTI/EXEC
 * or a script that pushes several times wakes waiters only once it is done — ready keys are
 * handled: each waiter, oldest first, gets its command executed again, with its original
 * timeout. If that run serves it, it is unblocked; if it blocks again, it goes to the back of
 * the queue. Serving can make more keys ready (BLMOVE chains), and the loop continues until
 * no key is ready.
 *
 * Timeouts use one timer per blocked client; CLIENT UNBLOCK, disconnection and SHUTDOWN
 * remove a client from every queue, leaving nothing behind.
 */

import type { ClientState } from "./client.ts";
import type { Db } from "./keyspace.ts";
import { typeOf } from "./keyspace.ts";
import type { BlockOptions, ReplyWriter } from "./spec.ts";
import { ReplyError } from "./errors.ts";
import { parseDouble } from "./numbers.ts";

/** What a blocked client is waiting for. */
interface BlockState {
  client: ClientState;
  db: Db;
  keys: string[];
  options: BlockOptions;
  argv: string[];
  timer: ReturnType<typeof setTimeout> | null;
  /** Absolute deadline in ms (0 = forever), kept across re-executions. */
  deadline: number;
}

/** What the service needs from the server. */
export interface BlockingHost {
  /** Execute argv again for a client (the full command path). */
  reexecute(client: ClientState, argv: string[]): void;
  /** Suspend / resume a client's input processing and flush its replies. */
  suspend(client: ClientState): void;
  resume(client: ClientState): void;
  /** The wall clock in ms. */
  now(): number;
  /** A blocked command ended without being served again (timeout, CLIENT UNBLOCK): count it once. */
  countCall(argv: string[]): void;
}

/**
 * Parse a blocking timeout in seconds (float) into an absolute deadline in ms (0 = forever),
 * with Redis's error texts.
 *
 * @example
 * ```ts
 * const deadline = parseTimeoutSeconds(argv[argv.length - 1], ctx.server.now());
 * ```
 */
export function parseTimeoutSeconds(arg: string, now: number): number {
  const secs = parseDouble(arg);
  if (secs === null || !Number.isFinite(secs)) {
    throw new ReplyError("ERR timeout is not a float or out of range");
  }
  const ms = Math.ceil(secs * 1000);
  if (ms < 0) throw new ReplyError("ERR timeout is negative");
  if (ms > 9.2e18 - now) throw new ReplyError("ERR timeout is out of range");
  return ms === 0 ? 0 : now + ms;
}

/**
 * Parse a blocking timeout in milliseconds (integer, XREAD BLOCK) into a deadline.
 *
 * @example
 * ```ts
 * parseTimeoutMillis("1500", Date.now());
 * ```
 */
export function parseTimeoutMillis(arg: string, now: number): number {
  if (!/^-?\d+$/.test(arg) || arg.length > 19) {
    throw new ReplyError("ERR timeout is not an integer or out of range");
  }
  const ms = Number(arg);
  if (ms < 0) throw new ReplyError("ERR timeout is negative");
  if (ms > 9.2e18 - now) throw new ReplyError("ERR timeout is out of range");
  return ms === 0 ? 0 : now + ms;
}

/**
 * Keeps the queues of blocked clients and serves them.
 *
 * @example
 * ```ts
 * // inside a handler that found nothing to pop:
 * ctx.block([key], { deadline, type: listType, timeoutReply: (r) => r.nullArray() });
 * ```
 */
export class BlockingService {
  /** db index → key → clients waiting on it, oldest first. */
  private readonly waiting = new Map<number, Map<string, BlockState[]>>();
  private readonly states = new Map<ClientState, BlockState>();
  private ready: [Db, string][] = [];
  private readySet = new Set<string>();
  private handling = false;
  /** Re-executions in progress, by client: their block() calls keep the old deadline. */
  private reexecuting: BlockState | null = null;

  constructor(private readonly host: BlockingHost) {}

  /** Number of blocked clients (INFO blocked_clients). */
  get blockedCount(): number {
    return this.states.size;
  }

  /** Blocked clients that have a timeout (INFO clients_in_timeout_table). */
  get timeoutCount(): number {
    let n = 0;
    for (const st of this.states.values()) if (st.deadline > 0) n++;
    return n;
  }

  /** Number of distinct keys with waiters (INFO total_blocking_keys). */
  get blockedKeyCount(): number {
    let n = 0;
    for (const m of this.waiting.values()) n += m.size;
    return n;
  }

  /** Keys with at least one waiter that also wakes on deletion (INFO total_blocking_keys_on_nokey). */
  get blockedKeyOnNoKeyCount(): number {
    let n = 0;
    for (const m of this.waiting.values()) {
      for (const q of m.values()) if (q.some((st) => st.options.unblockOnNoKey)) n++;
    }
    return n;
  }

  /** Whether a client is blocked. */
  isBlocked(c: ClientState): boolean {
    return this.states.has(c);
  }

  /** Block `client` on `keys` of `db` while running `argv`. */
  block(client: ClientState, db: Db, keys: string[], argv: string[], options: BlockOptions): void {
    const previous = this.reexecuting?.client === client ? this.reexecuting : null;
    const deadline = previous ? previous.deadline : options.deadline;
    const state: BlockState = {
      client,
      db,
      keys: [...new Set(keys)],
      options,
      argv,
      timer: null,
      deadline,
    };
    let perDb = this.waiting.get(db.index);
    if (!perDb) this.waiting.set(db.index, perDb = new Map());
    for (const key of state.keys) {
      const q = perDb.get(key);
      if (q) q.push(state);
      else perDb.set(key, [state]);
    }
    this.states.set(client, state);
    client.flagLetters.add("b");
    if (deadline > 0) {
      state.timer = setTimeout(() => this.timeout(state), Math.max(0, deadline - this.host.now()));
    }
    if (!previous) this.host.suspend(client);
  }

  /** A key changed: if anyone waits on it, serve them after the current command. */
  signal(db: Db, key: string): void {
    if (this.states.size === 0) return;
    const q = this.waiting.get(db.index)?.get(key);
    if (!q) return;
    const id = `${db.index}\u0000${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push([db, key]);
  }

  /** Mark every key with waiters in `db` ready (SWAPDB, FLUSHDB). */
  signalDb(db: Db): void {
    for (const key of this.waiting.get(db.index)?.keys() ?? []) this.signal(db, key);
  }

  /** Serve clients blocked on ready keys (called after each outermost command). */
  handleReady(): void {
    if (this.handling || this.ready.length === 0) return;
    this.handling = true;
    try {
      while (this.ready.length > 0) {
        const batch = this.ready;
        this.ready = [];
        this.readySet.clear();
        for (const [db, key] of batch) this.serveKey(db, key);
      }
    } finally {
      this.handling = false;
    }
  }

  private serveKey(db: Db, key: string): void {
    const q = this.waiting.get(db.index)?.get(key);
    if (!q) return;
    // Only the clients waiting now: one that blocks again goes to the back and waits.
    for (const state of q.slice()) {
      if (!this.states.has(state.client) || this.states.get(state.client) !== state) continue;
      const value = db.peek(key);
      const wanted = state.options.type;
      const fits = value !== undefined
        ? !wanted || typeOf(value) === wanted
        : !!state.options.unblockOnNoKey;
      if (!fits) continue;
      this.remove(state);
      this.reexecuting = state;
      try {
        this.host.reexecute(state.client, state.argv);
      } finally {
        this.reexecuting = null;
      }
      if (!this.states.has(state.client)) this.host.resume(state.client);
    }
  }

  /**
   * Unblock a client without serving it (CLIENT UNBLOCK, timeout): write the timeout reply
   * or the UNBLOCKED error. Returns whether it was blocked.
   */
  unblock(client: ClientState, mode: "timeout" | "error"): boolean {
    const state = this.states.get(client);
    if (!state) return false;
    this.remove(state);
    if (mode === "error") client.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else state.options.timeoutReply(client.reply);
    this.host.countCall(state.argv);
    this.host.resume(client);
    return true;
  }

  /** Forget a client that disconnected. */
  drop(client: ClientState): void {
    const state = this.states.get(client);
    if (state) this.remove(state);
  }

  private timeout(state: BlockState): void {
    if (this.states.get(state.client) !== state) return;
    this.remove(state);
    state.options.timeoutReply(state.client.reply);
    this.host.countCall(state.argv);
    this.host.resume(state.client);
  }

  private remove(state: BlockState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    this.states.delete(state.client);
    state.client.flagLetters.delete("b");
    const perDb = this.waiting.get(state.db.index);
    if (!perDb) return;
    for (const key of state.keys) {
      const q = perDb.get(key);
      if (!q) continue;
      const i = q.indexOf(state);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) perDb.delete(key);
    }
    if (perDb.size === 0) this.waiting.delete(state.db.index);
  }
}

/** The reply writer type, re-exported for option callbacks. */
export type { ReplyWriter };

/**
 * Client-side caching state: which client may hold which key, and the invalidation messages
 * sent when a key changes.
 *
 * Default mode. After a read-only command of a tracking client, the keys it read (found with
 * core's key specs, `commandKeys`) are remembered in the server's tracking table: key name →
 * ids of the clients that may cache it. Like Redis, the table ignores the database (a
 * client caching "foo" of db 0 is told when "foo" of db 1 changes: a harmless extra
 * invalidation) and an entry is forgotten once its invalidation is sent, until the key is
 * read again. OPTIN / OPTOUT make remembering depend on CLIENT CACHING yes/no, which applies
 * to the next command (or the next transaction).
 *
 * Broadcast mode (BCAST). Clients register key prefixes ("" = every key); changed keys that
 * match are collected per prefix and sent once per event-loop turn, in one message per
 * prefix, as Redis sends them from beforeSleep.
 *
 * Messages. RESP3 clients get a push `invalidate [keys]` on their own connection; a client
 * may instead REDIRECT to another connection, which in RESP2 must be subscribed to
 * `__redis__:invalidate` and receives ordinary pub/sub messages. When the redirect target is
 * gone, a RESP3 client is told `tracking-redir-broken <id>`. FLUSHDB / FLUSHALL invalidate
 * everything with a null key list. NOLOOP leaves out changes made by the client itself.
 * Messages go through `client.deliver()`, which core writes after the receiving client's
 * own reply when it caused them.
 *
 * `tracking-table-max-keys` bounds the table: past it, the oldest keys are invalidated (and
 * forgotten), with an effort that grows while the table stays over the limit.
 */

import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import type { ReplyWriter } from "../../core/spec.ts";

/** A client's tracking settings (CLIENT TRACKING on). */
export interface TrackingClient {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING yes (OPTIN) / no (OPTOUT) was given for the next command. */
  caching: boolean;
  /** The redirect target vanished. */
  brokenRedirect: boolean;
  prefixes: string[];
}

/** Keys collected for one broadcast prefix, each with the client that changed it. */
interface Prefix {
  clients: Set<ClientState>;
  keys: Map<string, ClientState | null>;
}

/** Per-server tracking tables. */
export interface TrackingState {
  /** key → ids of clients that may cache it. */
  readonly table: Map<string, Set<number>>;
  /** Sum of the table's id sets (INFO tracking_total_items). */
  items: number;
  readonly prefixes: Map<string, Prefix>;
  /** Clients with tracking on. */
  readonly clients: Set<ClientState>;
  maxKeys: number;
  /**
   * The client whose top-level command is running: commands a script runs execute on the
   * script's own client, but NOLOOP and key remembering are about the caller (Redis's
   * server.current_client). Meaningful only while a command runs.
   */
  caller: ClientState | null;
  /** Told when the first client turns tracking on and when the last turns it off. */
  onActive: ((active: boolean) => void) | null;
  /** Consecutive times the table was found over the limit. */
  overLimitRuns: number;
  broadcastQueued: boolean;
}

const states = new WeakMap<ServerApi, TrackingState>();

/**
 * Tracking clients in this process: the per-command hooks' fast exit while nobody tracks.
 *
 * @example
 * ```ts
 * if (trackingActive()) rememberKeys(...);
 * ```
 */
export function trackingActive(): boolean {
  return trackingClientsTotal > 0;
}

let trackingClientsTotal = 0;

/**
 * The tracking tables of a server (created on first use).
 *
 * @example
 * ```ts
 * trackingState(server).table.size; // INFO tracking_total_keys
 * ```
 */
export function trackingState(server: ServerApi): TrackingState {
  let st = states.get(server);
  if (st === undefined) {
    st = {
      table: new Map(),
      items: 0,
      prefixes: new Map(),
      clients: new Set(),
      maxKeys: 1_000_000,
      caller: null,
      onActive: null,
      overLimitRuns: 0,
      broadcastQueued: false,
    };
    states.set(server, st);
  }
  return st;
}

const EXT = "tracking";

/**
 * A client's tracking settings, or undefined when tracking is off.
 *
 * @example
 * ```ts
 * if (trackingOf(ctx.client)?.bcast) { ... }
 * ```
 */
export function trackingOf(c: ClientState): TrackingClient | undefined {
  return c.ext.get(EXT) as TrackingClient | undefined;
}

function showState(c: ClientState, t: TrackingClient | undefined): void {
  for (
    const [letter, on] of [["t", t !== undefined], ["B", t?.bcast], [
      "R",
      t?.brokenRedirect,
    ]] as const
  ) {
    if (on) c.flagLetters.add(letter);
    else c.flagLetters.delete(letter);
  }
  if (t === undefined) delete c.counters.redir;
  else c.counters.redir = t.redirect === 0 ? -1 : t.redirect;
}

/**
 * Turn tracking on with validated options (CLIENT TRACKING ON ...): BCAST prefixes are added
 * to those the client already has.
 *
 * @example
 * ```ts
 * enableTracking(client, { redirect: 0, bcast: true, optin: false, optout: false, noloop: false, prefixes: ["user:"] });
 * ```
 */
export function enableTracking(
  c: ClientState,
  o: Omit<TrackingClient, "caching" | "brokenRedirect">,
): void {
  const st = trackingState(c.server);
  const old = trackingOf(c);
  const t: TrackingClient = {
    ...o,
    caching: false,
    brokenRedirect: false,
    prefixes: old?.prefixes ?? [],
  };
  if (o.bcast) {
    for (const p of o.prefixes.length > 0 ? o.prefixes : [""]) {
      if (t.prefixes.includes(p)) continue;
      t.prefixes.push(p);
      let bs = st.prefixes.get(p);
      if (bs === undefined) st.prefixes.set(p, bs = { clients: new Set(), keys: new Map() });
      bs.clients.add(c);
    }
  }
  c.ext.set(EXT, t);
  if (!st.clients.has(c)) {
    trackingClientsTotal++;
    st.clients.add(c);
    if (st.clients.size === 1) st.onActive?.(true);
  }
  showState(c, t);
}

/**
 * Turn tracking off (CLIENT TRACKING OFF, RESET, disconnection). Table entries of the
 * client are left to be dropped lazily, as in Redis.
 *
 * @example
 * ```ts
 * disableTracking(client);
 * ```
 */
export function disableTracking(c: ClientState): void {
  const t = trackingOf(c);
  if (t === undefined) return;
  const st = trackingState(c.server);
  for (const p of t.prefixes) {
    const bs = st.prefixes.get(p);
    if (bs === undefined) continue;
    bs.clients.delete(c);
    if (bs.clients.size === 0) st.prefixes.delete(p);
  }
  c.ext.delete(EXT);
  if (st.clients.delete(c)) {
    trackingClientsTotal--;
    if (st.clients.size === 0) st.onActive?.(false);
  }
  showState(c, undefined);
}

/**
 * Remember the keys a tracking client read (default mode), honouring OPTIN / OPTOUT.
 *
 * @example
 * ```ts
 * rememberKeys(ctx.client, t, ["foo"]);
 * ```
 */
export function rememberKeys(c: ClientState, t: TrackingClient, keys: string[]): void {
  if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
  const st = trackingState(c.server);
  for (const key of keys) {
    let ids = st.table.get(key);
    if (ids === undefined) st.table.set(key, ids = new Set());
    if (!ids.has(c.id)) {
      ids.add(c.id);
      st.items++;
    }
  }
}

/**
 * Send one invalidation to a tracking client (or to its redirect target): `keys` null means
 * "everything" (flush).
 */
function sendInvalidation(
  server: ServerApi,
  c: ClientState,
  t: TrackingClient,
  keys: string[] | null,
): void {
  let target = c;
  if (t.redirect !== 0) {
    const redir = server.clients.get(t.redirect);
    if (redir === undefined) {
      if (!t.brokenRedirect) {
        t.brokenRedirect = true;
        showState(c, t);
      }
      if (c.resp === 3) {
        c.deliver((r) => {
          r.push(2);
          r.bulk("tracking-redir-broken");
          r.int(t.redirect);
        });
      }
      return;
    }
    target = redir;
  }
  const body = (r: ReplyWriter) => {
    if (keys === null) r.null();
    else r.bulks(keys);
  };
  if (target.resp === 3) {
    target.deliver((r) => {
      r.push(2);
      r.bulk("invalidate");
      body(r);
    });
  } else if (target !== c && target.kind === "pubsub") {
    target.deliver((r) => {
      r.push(3);
      r.bulk("message");
      r.bulk("__redis__:invalidate");
      body(r);
    });
  }
  // A RESP2 client without redirection cannot receive anything.
}

/**
 * A key changed: invalidate it for the clients that may cache it (dropping its entry), and
 * collect it for matching broadcast prefixes.
 *
 * @example
 * ```ts
 * hooks: { keyModified: (_db, key, server) => invalidateKey(server, key, true) }
 * ```
 */
export function invalidateKey(server: ServerApi, key: string, bcast: boolean): void {
  const st = states.get(server);
  if (st === undefined || st.clients.size === 0) return;
  const current = server.currentClient === null ? null : st.caller ?? server.currentClient;
  if (bcast && st.prefixes.size > 0) {
    for (const [prefix, bs] of st.prefixes) {
      if (key.startsWith(prefix)) bs.keys.set(key, current);
    }
    if (!st.broadcastQueued) {
      st.broadcastQueued = true;
      queueMicrotask(() => broadcast(server));
    }
  }
  const ids = st.table.get(key);
  if (ids === undefined) return;
  st.table.delete(key);
  st.items -= ids.size;
  for (const id of ids) {
    const c = server.clients.get(id);
    const t = c && trackingOf(c);
    if (!c || !t || t.bcast) continue;
    if (t.noloop && c === current) continue;
    sendInvalidation(server, c, t, [key]);
  }
}

/** Send the keys collected per broadcast prefix (once per event-loop turn). */
function broadcast(server: ServerApi): void {
  const st = trackingState(server);
  st.broadcastQueued = false;
  for (const bs of st.prefixes.values()) {
    if (bs.keys.size === 0) continue;
    const all = [...bs.keys.keys()];
    for (const c of bs.clients) {
      const t = trackingOf(c);
      if (t === undefined) continue;
      const keys = t.noloop ? all.filter((k) => bs.keys.get(k) !== c) : all;
      if (keys.length > 0) sendInvalidation(server, c, t, keys);
    }
    bs.keys.clear();
  }
}

/**
 * Databases were flushed: every tracking client is told to drop everything, and the table
 * is emptied.
 *
 * @example
 * ```ts
 * hooks: { flushed: (_db, server) => invalidateAll(server) }
 * ```
 */
export function invalidateAll(server: ServerApi): void {
  const st = states.get(server);
  if (st === undefined) return;
  for (const c of st.clients) sendInvalidation(server, c, trackingOf(c)!, null);
  st.table.clear();
  st.items = 0;
}

/**
 * Keep the table within tracking-table-max-keys: invalidate the oldest keys, trying harder
 * each consecutive time the table is found over the limit (Redis's rule).
 *
 * @example
 * ```ts
 * hooks: { cron: enforceLimit }
 * ```
 */
export function enforceLimit(server: ServerApi): void {
  const st = states.get(server);
  if (st === undefined || st.maxKeys === 0) return;
  if (st.table.size <= st.maxKeys) {
    st.overLimitRuns = 0;
    return;
  }
  let effort = 100 * (st.overLimitRuns + 1);
  for (const key of st.table.keys()) {
    if (effort-- <= 0) break;
    invalidateKey(server, key, false);
    if (st.table.size <= st.maxKeys) {
      st.overLimitRuns = 0;
      return;
    }
  }
  st.overLimitRuns++;
}

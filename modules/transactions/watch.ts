/**
 * WATCH bookkeeping: which client watches which key of which database, and the rules that
 * make a transaction "dirty" (its EXEC then answers a null array).
 *
 * Two indexes point at the same entries: per database (a WeakMap keyed by the Db object, so
 * the registry needs no server reference and forgets databases that are gone) key → entries,
 * for the keyModified signal, which must be cheap when nobody watches; and per client, the
 * list WATCH built, for UNWATCH / EXEC / disconnection.
 *
 * Stale keys. Redis 7 treats a key that had already expired (but was not reclaimed yet) when
 * WATCH ran as absent: its later deletion by expiry is not a change. An entry remembers that
 * (`expired`), and also whether the key was stored at all (`stored`, stale or not) when WATCH
 * ran. `stored` stays exact for a clean watch, because every change of a watched key either
 * dirties the client or is the reclaiming of such a stale key, which updates it. That is what
 * FLUSHDB / FLUSHALL need: core announces a flush once the data is gone, and a watch is
 * dirtied only when its key was there to be flushed.
 */

import type { ClientState } from "../../core/client.ts";
import type { Db } from "../../core/keyspace.ts";

/** One (client, db, key) watch. */
export interface WatchedKey {
  readonly client: ClientState;
  readonly db: Db;
  readonly key: string;
  /** The key was already past its TTL when WATCH ran. */
  expired: boolean;
  /** The key was stored (even stale) when WATCH ran, as far as this watch can tell. */
  stored: boolean;
}

/** What WATCH needs to know about a client's transaction state. */
export interface Watcher {
  watched: WatchedKey[];
  /** A watched key changed: EXEC will fail (Redis's CLIENT_DIRTY_CAS). */
  dirty: boolean;
}

const byDb = new WeakMap<Db, Map<string, Set<WatchedKey>>>();
/** Watched keys in this process: the keyModified hook's fast exit when nobody watches. */
let watchedTotal = 0;

function isStored(db: Db, key: string): boolean {
  return db.main.find(key) >= 0;
}

/**
 * Watch `key` of `db` for a client (no-op when it already does).
 *
 * @example
 * ```ts
 * watchKey(client, state, client.db, "balance");
 * ```
 */
export function watchKey(client: ClientState, w: Watcher, db: Db, key: string): void {
  for (const wk of w.watched) if (wk.db === db && wk.key === key) return;
  let keys = byDb.get(db);
  if (keys === undefined) byDb.set(db, keys = new Map());
  let entries = keys.get(key);
  if (entries === undefined) keys.set(key, entries = new Set());
  const wk: WatchedKey = { client, db, key, expired: db.isExpired(key), stored: isStored(db, key) };
  entries.add(wk);
  w.watched.push(wk);
  watchedTotal++;
}

/**
 * How many distinct keys of these databases are watched (INFO total_watched_keys).
 *
 * @example
 * ```ts
 * watchedKeyCount(server.dbs); // 3
 * ```
 */
export function watchedKeyCount(dbs: readonly Db[]): number {
  if (watchedTotal === 0) return 0;
  let n = 0;
  for (const db of dbs) n += byDb.get(db)?.size ?? 0;
  return n;
}

/**
 * Forget every key a client watches.
 *
 * @example
 * ```ts
 * unwatchAll(state); // after EXEC, DISCARD, UNWATCH, disconnection
 * ```
 */
export function unwatchAll(w: Watcher): void {
  for (const wk of w.watched) {
    const keys = byDb.get(wk.db);
    const entries = keys?.get(wk.key);
    if (entries === undefined) continue;
    if (entries.delete(wk)) watchedTotal--;
    if (entries.size === 0) keys!.delete(wk.key);
  }
  w.watched = [];
}

/** Called when a watch's client becomes dirty (it then drops all its watches). */
export type MarkDirty = (client: ClientState) => void;

/**
 * A key changed (core's keyModified, which also covers expiry): dirty its watchers, except
 * where a key that was already stale at WATCH time is merely reclaimed.
 *
 * @example
 * ```ts
 * hooks: { keyModified: (db, key) => touchKey(db, key, markDirty) }
 * ```
 */
export function touchKey(db: Db, key: string, markDirty: MarkDirty): void {
  if (watchedTotal === 0) return;
  const entries = byDb.get(db)?.get(key);
  if (entries === undefined) return;
  for (const wk of [...entries]) {
    if (wk.expired && !isStored(db, key)) {
      wk.expired = false;
      wk.stored = false;
      continue;
    }
    markDirty(wk.client);
  }
}

/**
 * A database was emptied (FLUSHDB / FLUSHALL): dirty the watches whose key was there,
 * unless it was a key already stale at WATCH time.
 *
 * @example
 * ```ts
 * hooks: { flushed: (i, server) => touchFlushed(server.db(i), markDirty) }
 * ```
 */
export function touchFlushed(db: Db, markDirty: MarkDirty): void {
  const keys = byDb.get(db);
  if (keys === undefined) return;
  for (const entries of [...keys.values()]) {
    for (const wk of [...entries]) {
      if (!wk.stored) continue;
      if (wk.expired) {
        wk.expired = false;
        wk.stored = false;
        continue;
      }
      markDirty(wk.client);
    }
  }
}

/**
 * Two databases exchanged contents (SWAPDB): for the watches on `db`, whose old contents are
 * now in `other`, a key that appeared, vanished or was replaced is a change; stale keys
 * count as absent (Redis 7's rules).
 *
 * @example
 * ```ts
 * touchSwapped(server.db(a), server.db(b), markDirty);
 * touchSwapped(server.db(b), server.db(a), markDirty);
 * ```
 */
export function touchSwapped(db: Db, other: Db, markDirty: MarkDirty): void {
  const keys = byDb.get(db);
  if (keys === undefined) return;
  for (const [key, entries] of [...keys]) {
    const before = isStored(other, key);
    const now = isStored(db, key);
    if (!before && !now) continue;
    for (const wk of [...entries]) {
      wk.stored = now;
      if (wk.expired) {
        if (!now) {
          wk.expired = false;
          continue;
        }
        if (db.isExpired(key)) continue;
      } else if (!before && db.isExpired(key)) {
        wk.expired = true;
        continue;
      }
      markDirty(wk.client);
    }
  }
}

/**
 * Whether a watched key has expired since WATCH (EXEC then fails, as in Redis 7, even if the
 * key was not reclaimed yet).
 *
 * @example
 * ```ts
 * if (watchedKeyExpired(state)) state.dirty = true;
 * ```
 */
export function watchedKeyExpired(w: Watcher): boolean {
  for (const wk of w.watched) if (!wk.expired && wk.db.isExpired(wk.key)) return true;
  return false;
}

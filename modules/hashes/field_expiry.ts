/**
 * Hash-field expiry (Redis 7.4): when a field past its deadline disappears, and what the
 * server announces when it does.
 *
 * Lazily. A command that reads one field (HGET, HEXISTS, HSTRLEN, HINCRBY, HSETNX, HMGET)
 * and finds it past its deadline deletes it there and then: `HDEL key field` is propagated
 * (replicas and the AOF never expire fields on their own), `hexpired` is announced (HMGET
 * announces once for all its fields), and when that was the last field the key goes too,
 * with a `del` event. Commands that walk the whole hash (HGETALL, HKEYS, HVALS, HSCAN) only
 * skip expired fields, and HLEN counts them, exactly like Redis. A field is expired when its
 * deadline is before the command's time snapshot, so it cannot flicker within a command or
 * a transaction. On a replica nothing is deleted: user reads treat the field as gone, the
 * master's own stream sees it, and the master's HDEL removes it.
 *
 * Actively. Fields nobody reads are reclaimed by a cron hook. It does not scan keys: every
 * hash with volatile fields is in a per-server index, a min-heap of (next deadline, db, key,
 * hash) entries. A hash holds its current entry (`expiryEntry`); an entry the hash no longer
 * holds is stale and skipped, so moving a deadline is O(log n) with no search. A deadline
 * that moved earlier pushes a new entry; one that moved later leaves the old entry, which
 * surfaces early, expires nothing and re-registers the hash (Redis's global HFE buckets are
 * updated just as lazily). Keys that change hands (RENAME, MOVE, COPY, RESTORE) are picked
 * up by the keyModified hook; SWAPDB is found at verification time by looking for the hash
 * under the same key in the other databases. The cycle runs in slices of about a
 * millisecond, yields to the event loop between slices, and stops after a quarter of the
 * tick or a per-tick field quota (Redis's 10000 fields/s split over hz), so clients never
 * wait long behind it.
 */

import type { CommandContext } from "../../core/spec.ts";
import type { Db } from "../../core/keyspace.ts";
import type { ServerApi } from "../../core/server.ts";
import { HashValue } from "./hash_value.ts";
import { TimeHeap } from "./time_heap.ts";

/** An index entry: where a hash with volatile fields lives and when it next needs work. */
interface IndexEntry {
  at: number;
  db: number;
  key: string;
  hash: HashValue;
}

/** Per-server field-expiry state. */
interface ExpiryState {
  heap: TimeHeap<IndexEntry>;
  /** Heap size right after the last compaction (compaction runs when it doubles). */
  compactedSize: number;
  /** Fields deleted because their deadline passed (INFO stats expired_subkeys). */
  expiredFields: number;
  /** Whether a slice of the active cycle is scheduled already. */
  running: boolean;
  /** `flushes` when this index was last compacted. */
  flushEpoch: number;
}

const states = new WeakMap<ServerApi, ExpiryState>();
/**
 * Flushes seen by the `flushed` hook, which does not say which server flushed: each index
 * compacts on its server's next cron tick when this moved, dropping entries of hashes that
 * are gone (so a flushed hash is not kept alive by the index until its deadline).
 */
let flushes = 0;

function stateOf(server: ServerApi): ExpiryState {
  let s = states.get(server);
  if (s === undefined) {
    s = {
      heap: new TimeHeap<IndexEntry>(),
      compactedSize: 0,
      expiredFields: 0,
      running: false,
      flushEpoch: flushes,
    };
    states.set(server, s);
  }
  return s;
}

/** Redis's per-second active field expiry quota (HFE_DB_BASE_ACTIVE_EXPIRE_FIELDS_PER_SEC). */
const FIELDS_PER_SECOND = 10000;
/** Longest run of one active-expiry slice, ms. */
const SLICE_MS = 1;

/**
 * Number of fields deleted on `server` because their deadline passed.
 *
 * @example
 * ```ts
 * expiredFieldCount(ctx.server); // 3
 * ```
 */
export function expiredFieldCount(server: ServerApi): number {
  return stateOf(server).expiredFields;
}

/**
 * Number of hashes with volatile fields in `db` (INFO keyspace's subexpiry). O(index size).
 *
 * @example
 * ```ts
 * volatileHashCount(server, 0); // 1
 * ```
 */
export function volatileHashCount(server: ServerApi, dbIndex: number): number {
  let n = 0;
  const db = server.dbs[dbIndex];
  visitLive(stateOf(server), server, (e) => {
    if (e.db === dbIndex && db.main.get(e.key) === e.hash) n++;
  });
  return n;
}

/**
 * INFO keyspace's subexpiry for every database with volatile hashes, in one pass over the
 * index: lines `db<N>:subexpiry=<count>` that INFO merges into its keyspace lines.
 *
 * @example
 * ```ts
 * subexpiryInfo(server); // ["db0:subexpiry=1"]
 * ```
 */
export function subexpiryInfo(server: ServerApi): string[] {
  const counts = new Map<number, number>();
  visitLive(stateOf(server), server, (e) => {
    if (server.dbs[e.db].main.get(e.key) === e.hash) counts.set(e.db, (counts.get(e.db) ?? 0) + 1);
  });
  return [...counts].map(([db, n]) => `db${db}:subexpiry=${n}`);
}

function visitLive(s: ExpiryState, server: ServerApi, fn: (e: IndexEntry) => void): void {
  // Copy first: the callback must not see a heap being rebuilt.
  const live: IndexEntry[] = [];
  s.heap.filter((_t, e) => {
    const keep = e.hash.expiryEntry === e && locate(server, e) !== null;
    if (keep) live.push(e);
    return keep;
  });
  s.compactedSize = s.heap.size;
  syncHook(server, s);
  for (const e of live) fn(e);
}

/**
 * Whether a field with deadline `at` counts as expired at `now` (0 = no deadline). Redis
 * keeps a field alive through the millisecond of its deadline.
 *
 * @example
 * ```ts
 * isExpired(1000, 1001); // true
 * isExpired(1000, 1000); // false
 * ```
 */
export function isExpired(at: number, now: number): boolean {
  return at !== 0 && at < now;
}

/**
 * Register `hash` (stored at `key` in `db`) in the active-expiry index if it has volatile
 * fields and its current entry does not cover its next deadline. Call after any change to
 * its deadlines.
 *
 * @example
 * ```ts
 * hash.setTtl("f", at);
 * trackHash(ctx.server, ctx.db, key, hash);
 * ```
 */
export function trackHash(server: ServerApi, db: Db, key: string, hash: HashValue): void {
  const next = hash.nextExpiry();
  if (next === Infinity) return;
  const cur = hash.expiryEntry as IndexEntry | null;
  if (cur !== null && cur.at <= next && cur.key === key && cur.db === db.index) return;
  const entry: IndexEntry = { at: next, db: db.index, key, hash };
  hash.expiryEntry = entry;
  const s = stateOf(server);
  s.heap.push(next, entry);
  if (s.heap.size > 2 * s.compactedSize + 64) visitLive(s, server, () => {});
  syncHook(server, s);
}

/**
 * The keyModified hook runs on every write of every key; it is attached only while some
 * hash has volatile fields (the index is not empty), so servers that never use field TTLs
 * pay nothing for them.
 */
function syncHook(server: ServerApi, s: ExpiryState): void {
  if (s.heap.size > 0) server.addHook("keyModified", trackModifiedKey);
  else server.removeHook("keyModified", trackModifiedKey);
}

/**
 * The keyModified hook: a hash that arrived under a new key or db (RENAME, MOVE, COPY,
 * RESTORE) gets indexed there. Attached by `syncHook` only while some hash has volatile
 * fields.
 *
 * @example
 * ```ts
 * server.addHook("keyModified", trackModifiedKey);
 * ```
 */
export function trackModifiedKey(db: Db, key: string, server: ServerApi): void {
  const s = states.get(server);
  if (s === undefined) return;
  if (s.heap.size === 0) return;
  const v = db.main.get(key);
  if (v instanceof HashValue && v.volatile) trackHash(server, db, key, v);
}

/**
 * The flushed hook: have every index drop entries of deleted hashes on its next tick.
 *
 * @example
 * ```ts
 * hooks: { flushed: noteFlush }
 * ```
 */
export function noteFlush(): void {
  flushes++;
}

/** The db an entry's hash is stored in under its key now, or null when it is gone. */
function locate(server: ServerApi, e: IndexEntry): Db | null {
  const home = server.dbs[e.db];
  if (home !== undefined && home.main.get(e.key) === e.hash) return home;
  for (const db of server.dbs) if (db.main.get(e.key) === e.hash) return db;
  return null;
}

/**
 * Delete one field that is past its deadline, with everything Redis does around it:
 * propagate HDEL, count it, announce `hexpired` (unless `quiet`: HMGET announces once),
 * delete the key with a `del` event when it was the last field, signal the key.
 *
 * @example
 * ```ts
 * if (isExpired(hash.ttlOf(f), ctx.server.now())) expireField(ctx, key, hash, f, false);
 * ```
 */
export function expireField(
  ctx: CommandContext,
  key: string,
  hash: HashValue,
  field: string,
  quiet: boolean,
): void {
  const db = ctx.db;
  hash.delete(field);
  ctx.server.propagate(db.index, ["HDEL", key, field]);
  stateOf(ctx.server).expiredFields++;
  if (!quiet) db.notify("h", "hexpired", key);
  if (hash.size === 0) {
    if (!quiet) db.notify("g", "del", key);
    db.remove(key);
  }
  db.modified(key);
}

/**
 * Whether lazy expiry may delete on this server for this caller: replicas never delete
 * (the master's HDEL will), and a replica's master stream sees fields until then; nor does
 * anyone while CLIENT PAUSE holds writes (expired fields then only read as missing).
 */
function mayDelete(ctx: CommandContext): boolean {
  return !ctx.server.isReplica && !ctx.server.writesPaused;
}

/**
 * Read one field for a command, expiring it lazily: the value, or undefined when absent or
 * expired (then deleted, see `expireField`; `hash.size === 0` afterwards means the key is
 * gone too).
 *
 * @example
 * ```ts
 * const v = readField(ctx, key, hash, field);
 * ctx.reply.bulk(v ?? null);
 * ```
 */
export function readField(
  ctx: CommandContext,
  key: string,
  hash: HashValue,
  field: string,
  quiet = false,
): string | undefined {
  const value = hash.get(field);
  if (value === undefined || !hash.volatile) return value;
  if (!isExpired(hash.ttlOf(field), ctx.server.now())) return value;
  if (ctx.client.kind === "master") return value;
  if (mayDelete(ctx)) expireField(ctx, key, hash, field, quiet);
  return undefined;
}

/**
 * Delete every expired field of a hash now (HRANDFIELD does this before sampling); returns
 * true when the whole key went away.
 *
 * @example
 * ```ts
 * if (expireAllDue(ctx, key, hash)) return ctx.reply.null();
 * ```
 */
export function expireAllDue(ctx: CommandContext, key: string, hash: HashValue): boolean {
  if (!hash.volatile || !mayDelete(ctx)) return false;
  const now = ctx.server.now();
  if (hash.nextExpiry() >= now) return false;
  expireDue({ server: ctx.server, db: ctx.db, key, hash, now: now - 1, max: Infinity });
  return hash.size === 0;
}

/** One hash's expiry pass (lazy catch-up or the active cycle). */
interface ExpirePass {
  server: ServerApi;
  db: Db;
  key: string;
  hash: HashValue;
  /** Fields with deadlines <= now go. */
  now: number;
  max: number;
}

/**
 * Delete due fields of one hash (HDEL propagated per field, one `hexpired` event, `del`
 * when emptied) and re-index what is left. Returns the number of fields deleted; the key
 * went away when `hash.size` is 0 afterwards.
 */
function expireDue(p: ExpirePass): number {
  const { server, db, key, hash } = p;
  const s = stateOf(server);
  const n = hash.expire(p.now, p.max, (field) => server.propagate(db.index, ["HDEL", key, field]));
  if (n === 0) return 0;
  s.expiredFields += n;
  db.notify("h", "hexpired", key);
  if (hash.size === 0) {
    db.notify("g", "del", key);
    db.remove(key);
  } else trackHash(server, db, key, hash);
  db.modified(key);
  return n;
}

/**
 * The cron hook: run the active field-expiry cycle for one tick (sliced, see the header).
 *
 * @example
 * ```ts
 * hooks: { cron: (server) => activeExpireFields(server) }
 * ```
 */
export function activeExpireFields(server: ServerApi): void {
  const s = states.get(server);
  if (s === undefined || s.running || s.heap.size === 0) return;
  if (s.flushEpoch !== flushes) {
    s.flushEpoch = flushes;
    visitLive(s, server, () => {});
  }
  if (!server.activeExpire || server.isReplica || server.writesPaused) return;
  const hz = server.settings.hz;
  let quota = Math.max(1, Math.floor(FIELDS_PER_SECOND / hz));
  let budget = 250 / hz;
  const slice = () => {
    s.running = false;
    if (!server.activeExpire || server.isReplica || server.writesPaused) return;
    const start = performance.now();
    const deadline = start + SLICE_MS;
    const now = Date.now();
    let more = false;
    while (s.heap.topTime() <= now) {
      if (quota <= 0 || performance.now() >= deadline) {
        more = quota > 0;
        break;
      }
      const e = s.heap.pop()!;
      if (e.hash.expiryEntry !== e) continue;
      e.hash.expiryEntry = null;
      const db = locate(server, e);
      if (db === null) continue;
      quota -= expireDue({ server, db, key: e.key, hash: e.hash, now, max: quota });
      // Nothing was due (the deadline moved later) or the quota ran out: re-index.
      if (e.hash.size > 0) trackHash(server, db, e.key, e.hash);
    }
    budget -= performance.now() - start;
    syncHook(server, s);
    if (more && budget > 0) {
      s.running = true;
      setTimeout(slice, 0);
    }
  };
  slice();
}

/**
 * Freeing memory: evict keys per maxmemory-policy until used_memory is back under
 * maxmemory (Redis's performEvictions).
 *
 * Each evicted key is deleted like a key that expired, with its own announcements: the
 * keyModified signal (WATCH, client tracking invalidation, blocked clients), the `evicted`
 * keyspace event (class e), a DEL (UNLINK under lazyfree-lazy-eviction) propagated to AOF
 * and replicas, and INFO's evicted_keys. The memory it frees is the key's estimated size
 * (see meter.ts: credited until the collector gives it back).
 *
 * Time. A run stops after the time maxmemory-eviction-tenacity allows (50 µs per step up
 * to 10, i.e. 500 µs by default; 15% more per step beyond; capped here at a few ms so the
 * loop never stalls, where Redis's 100 means "unbounded"), checked every 16 keys. When it
 * stops early the command goes on (memory is being freed) and further runs continue on
 * timers, one slice per event-loop turn, until the target is reached — so `config set
 * maxmemory 1` over a million keys empties the keyspace without blocking clients.
 */

import type { ServerApi } from "../../core/server.ts";
import type { Db } from "../../core/keyspace.ts";
import { keyMemoryUsage } from "../server/memory_command.ts";
import { type EvictionState, evictionStateOf, usedMemory } from "./state.ts";
import { randomVictim, sampleInto, stillEligible } from "./pool.ts";

/** Longest eviction run, in ms, whatever the tenacity. */
const SLICE_CAP_MS = 5;

/** Outcome of a run: under the limit, still freeing in the background, or unable to free. */
export type EvictionResult = "ok" | "running" | "fail";

/**
 * The time a run may take for a tenacity (0..100), in ms.
 *
 * @example
 * ```ts
 * evictionTimeLimitMs(10); // 0.5
 * ```
 */
export function evictionTimeLimitMs(tenacity: number): number {
  const us = tenacity <= 10 ? 50 * tenacity : 500 * Math.pow(1.15, tenacity - 10);
  return Math.min(us / 1000, SLICE_CAP_MS);
}

/**
 * Evict until used_memory <= maxmemory, within the run's time limit.
 *
 * @example
 * ```ts
 * if (performEvictions(server) === "fail") reject(oomError);
 * ```
 */
export function performEvictions(server: ServerApi): EvictionResult {
  const st = evictionStateOf(server);
  if (st.maxmemory === 0 || server.writesPaused) return "ok";
  const used = usedMemory(server);
  if (used <= st.maxmemory) return "ok";
  if (st.policy.how === "none") return "fail";
  const toFree = used - st.maxmemory;
  const start = performance.now();
  const limit = evictionTimeLimitMs(st.tenacity);
  let freed = 0;
  let keys = 0;
  while (freed < toFree) {
    const victim = pickVictim(server, st);
    if (victim === undefined) return "fail";
    freed += evictKey(server, st, victim.db, victim.key);
    keys++;
    if ((keys & 15) === 0 && freed < toFree && performance.now() - start > limit) {
      continueLater(server, st);
      return "running";
    }
  }
  return "ok";
}

function continueLater(server: ServerApi, st: EvictionState): void {
  if (st.continuing !== null) return;
  st.continuing = setTimeout(() => {
    st.continuing = null;
    if (performEvictions(server) === "running") continueLater(server, st);
  }, 0);
}

/**
 * Stop background eviction (limit removed, module unloaded).
 *
 * @example
 * ```ts
 * stopEvictions(server);
 * ```
 */
export function stopEvictions(server: ServerApi): void {
  const st = evictionStateOf(server);
  if (st.continuing !== null) clearTimeout(st.continuing);
  st.continuing = null;
}

/** The next key to evict under the policy, or undefined when none is eligible. */
function pickVictim(server: ServerApi, st: EvictionState): { db: Db; key: string } | undefined {
  const { policy } = st;
  const dbs = server.dbs;
  if (policy.how === "random") {
    const v = randomVictim(dbs, policy.volatileOnly, st.nextDb);
    if (v === undefined) return undefined;
    st.nextDb = (v.db + 1) % dbs.length;
    return { db: dbs[v.db], key: v.key };
  }
  const opts = {
    policy,
    samples: st.samples,
    nowMs: Date.now(),
    decayMinutes: st.lfu.decayMinutes,
  };
  for (;;) {
    let any = false;
    for (const db of dbs) {
      if ((policy.volatileOnly ? db.volatileCount : db.size) === 0) continue;
      any = true;
      sampleInto(st.pool, db, opts);
    }
    if (!any) return undefined;
    // The pool's best entries may be stale (deleted, persisted since): skip those.
    for (let c = st.pool.takeBest(); c !== undefined; c = st.pool.takeBest()) {
      const db = dbs[c.db];
      if (db !== undefined && stillEligible(db, c.key, policy)) return { db, key: c.key };
    }
  }
}

/** Delete an evicted key with every announcement; returns its estimated size. */
function evictKey(server: ServerApi, st: EvictionState, db: Db, key: string): number {
  const value = db.main.get(key)!;
  const bytes = keyMemoryUsage(key, value);
  st.meter.evicted(db.index, key, bytes);
  db.remove(key);
  server.stats.evictedKeys++;
  db.modified(key);
  db.notify("e", "evicted", key);
  server.propagate(db.index, [
    server.config.get("lazyfree-lazy-eviction") === "yes" ? "UNLINK" : "DEL",
    key,
  ]);
  return bytes;
}

/**
 * Choosing what to evict: Redis's approximated LRU / LFU / TTL with an eviction pool, and
 * random picks.
 *
 * Nobody keeps keys sorted by age or frequency (that would cost memory and time on every
 * access). Instead, each time a key must go, every database gives `maxmemory-samples`
 * random keys — from the whole keyspace for allkeys-* policies, from the keys with a TTL for
 * volatile-* ones — and each candidate gets a score where higher means "evict first": idle
 * seconds (LRU), 255 minus the decayed LFU counter (LFU), or how soon it expires (TTL). The
 * candidates go into a small pool (16 entries, sorted by score) that survives between
 * evictions, so good candidates found earlier are not forgotten: the approximation gets
 * close to true LRU with 5-10 samples, as Redis's measurements show. The best entry is
 * taken from the pool's top; one whose key has vanished meanwhile is skipped.
 *
 * Sampling reads the Dicts directly (random slots, access words): it neither expires keys
 * lazily nor touches them, so looking for a victim changes nothing.
 */

import type { Db } from "../../core/keyspace.ts";
import { lfuDecayed } from "./lfu.ts";

/** The maxmemory-policy values. */
export const POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;

/** A parsed maxmemory-policy: which keys may go, and how the victim is chosen. */
export interface Policy {
  /** Only keys with a TTL (volatile-*) or any key (allkeys-*). */
  volatileOnly: boolean;
  how: "lru" | "lfu" | "random" | "ttl" | "none";
}

/**
 * Parse a maxmemory-policy name (already validated by the config registry).
 *
 * @example
 * ```ts
 * parsePolicy("volatile-ttl"); // { volatileOnly: true, how: "ttl" }
 * ```
 */
export function parsePolicy(name: string): Policy {
  if (name === "noeviction") return { volatileOnly: false, how: "none" };
  const [scope, how] = name.split("-");
  return { volatileOnly: scope === "volatile", how: how as Policy["how"] };
}

/** One candidate for eviction. */
export interface Candidate {
  /** Higher = evict first. */
  score: number;
  key: string;
  db: number;
}

/** Redis's pool size. */
const POOL_SIZE = 16;

/**
 * The best candidates seen so far, sorted by ascending score (the best is last).
 *
 * @example
 * ```ts
 * const pool = new EvictionPool();
 * pool.offer({ score: 10, key: "a", db: 0 });
 * pool.takeBest(); // { score: 10, key: "a", db: 0 }
 * ```
 */
export class EvictionPool {
  private readonly entries: Candidate[] = [];

  /** Number of candidates held. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Consider a candidate: kept if the pool has room or it beats the worst entry (which then
   * leaves). A key already pooled gets its new score.
   */
  offer(c: Candidate): void {
    const e = this.entries;
    const dup = e.findIndex((x) => x.key === c.key && x.db === c.db);
    if (dup >= 0) e.splice(dup, 1);
    if (e.length >= POOL_SIZE) {
      if (c.score <= e[0].score) return;
      e.shift();
    }
    let i = e.length;
    while (i > 0 && e[i - 1].score > c.score) i--;
    e.splice(i, 0, c);
  }

  /** Remove and return the best candidate. */
  takeBest(): Candidate | undefined {
    return this.entries.pop();
  }

  /** Forget everything (policy change, flush). */
  clear(): void {
    this.entries.length = 0;
  }
}

/** What a sampling pass needs to know. */
export interface SampleOptions {
  policy: Policy;
  samples: number;
  /** The time snapshot, in ms (TTL and LFU decay). */
  nowMs: number;
  /** lfu-decay-time, in minutes. */
  decayMinutes: number;
}

/**
 * Offer `samples` random keys of one database to the pool, scored by the policy (LRU, LFU
 * or TTL; not for random policies).
 *
 * @example
 * ```ts
 * sampleInto(pool, db, { policy: parsePolicy("allkeys-lru"), samples: 5, nowMs: Date.now(), decayMinutes: 1 });
 * ```
 */
export function sampleInto(pool: EvictionPool, db: Db, opts: SampleOptions): void {
  const { policy } = opts;
  const dict = policy.volatileOnly ? db.expires : db.main;
  const n = Math.min(opts.samples, dict.size);
  for (let i = 0; i < n; i++) {
    const slot = dict.randomSlot();
    const key = dict.keyOf(slot);
    let score: number;
    if (policy.how === "ttl") score = -db.expires.valueOf(slot);
    else if (policy.how === "lfu") {
      score = 255 - lfuDecayed(db.accessWord(key), opts.nowMs, opts.decayMinutes);
    } else score = db.idleSeconds(key);
    pool.offer({ score, key, db: db.index });
  }
}

/**
 * Whether a pooled candidate can still be evicted under the policy (it may have been
 * deleted, or lost its TTL, since it was sampled).
 *
 * @example
 * ```ts
 * if (stillEligible(db, c.key, policy)) evict(db, c.key);
 * ```
 */
export function stillEligible(db: Db, key: string, policy: Policy): boolean {
  return policy.volatileOnly ? db.expires.has(key) : db.main.has(key);
}

/**
 * A random key of the databases, scanning them round-robin from `startDb` (random
 * policies). Returns the db index and key, or undefined when no key is eligible.
 *
 * @example
 * ```ts
 * randomVictim(server.dbs, true, 0); // { db: 0, key: "some-volatile-key" }
 * ```
 */
export function randomVictim(
  dbs: Db[],
  volatileOnly: boolean,
  startDb: number,
): { db: number; key: string } | undefined {
  for (let i = 0; i < dbs.length; i++) {
    const db = dbs[(startDb + i) % dbs.length];
    const key = (volatileOnly ? db.expires : db.main).randomKey();
    if (key !== undefined) return { db: db.index, key };
  }
  return undefined;
}

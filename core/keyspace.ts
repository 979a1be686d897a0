/**
 * The keyspace: numbered databases of key → value with per-key expiry.
 *
 * Each Db keeps two Dicts, like Redis: `main` (key → value) and `expires` (key → absolute
 * unix time in ms) so that the active expire cycle samples only keys that have a TTL. Values
 * are binary strings (the string type) or objects carrying their TypeSpec (`value.type`).
 *
 * Expiry is lazy and active. Lazy: every lookup checks the key's deadline against the
 * command's time snapshot (`host.now()`, fixed for the duration of a command as in Redis, so a
 * key cannot expire half-way through a command or a transaction) and deletes it when past.
 * Active: `activeExpireCycle` samples volatile keys per database under a time budget and
 * repeats while more than a quarter of the sample was expired (Redis's adaptive loop), so
 * keys nobody reads are reclaimed without stalling clients.
 *
 * Side effects go out through `DbHost`: keyspace events, key-modified signals (WATCH and
 * client tracking), propagation of deletions of expired keys, and statistics. The Db never
 * knows who listens. While a snapshot is in progress, every mutation entry point
 * (lookupWrite — which in-place mutations of collections go through — add, setKey,
 * overwrite, remove, setExpire, persist) first calls `beforeWrite`, so the snapshot can save
 * the key's old value: point-in-time snapshots without fork(), with extra memory proportional
 * to what is written meanwhile. Flushes and SWAPDB replace whole Dicts, leaving the ones a
 * snapshot holds untouched.
 */

import { Dict } from "./dict.ts";
import { ReplyError, WRONGTYPE } from "./errors.ts";
import type { AnyTypeSpec, EventClass, TypeSpec, Value } from "./spec.ts";
import { stringType } from "./string_type.ts";

/** What a Db needs from the server around it. */
export interface DbHost {
  /** The current command's time snapshot, in ms. */
  now(): number;
  notify(cls: EventClass, event: string, key: string, dbIndex: number): void;
  keyModified(db: Db, key: string): void;
  /** A key expired (lazily or actively): count it and propagate its deletion. */
  expired(db: Db, key: string): void;
  /** Two databases exchanged their contents (SWAPDB). */
  swapped(a: Db, b: Db): void;
  /**
   * Whether key creations are announced as "new" events (class n). Off unless a listener
   * asked (notify-keyspace-events with n): otherwise every new key would cost a hook call.
   */
  readonly notifyNewKeys: boolean;
  /** Lookup statistics. */
  hit(found: boolean): void;
  /** Whether lookups should refresh access time (false for CLIENT NO-TOUCH callers). */
  touches(): boolean;
  /** Whether keys past their deadline are deleted on access (false on replicas). */
  expiresOnAccess(): boolean;
  /** True while someone (a snapshot in progress) needs `beforeWrite` calls. */
  readonly watchingWrites: boolean;
  /** A key is about to change: called before any mutation while `watchingWrites`. */
  beforeWrite(db: Db, key: string): void;
  /** How access words are kept, or null for the default seconds clock (see KeyAccess). */
  readonly keyAccess: KeyAccess | null;
}

/**
 * Another meaning for the per-key access word (the low 29 bits of the aux word), installed
 * through `DbHost.keyAccess`. By default the word is a seconds clock (LRU idle time, OBJECT
 * IDLETIME); the eviction module installs Redis's LFU counter while an LFU maxmemory-policy
 * is active, so that reads and writes bump a frequency instead of a time, as Redis does.
 *
 * @example
 * ```ts
 * const counting: KeyAccess = {
 *   created: () => 0,
 *   touched: (word) => Math.min(word + 1, 255),
 *   frequency: (word) => word,
 *   fromFrequency: (freq) => freq,
 * };
 * ```
 */
export interface KeyAccess {
  /** The word of a newly created key. */
  created(nowMs: number): number;
  /** The word after the key was read or written. */
  touched(word: number, nowMs: number): number;
  /** The access frequency a word stands for (OBJECT FREQ). */
  frequency(word: number, nowMs: number): number;
  /** The word for a given frequency (RESTORE ... FREQ, RDB loading). */
  fromFrequency(freq: number, nowMs: number): number;
}

/**
 * Per-key aux word: the low 29 bits hold the access clock; bit 30 marks a string stored
 * "raw" (APPEND, SETRANGE, bitmaps), bit 29 a string created without integer encoding
 * (INCRBYFLOAT: embstr or raw by length), as Redis's object encodings would report them.
 */
const RAW_BIT = 1 << 30;
const PLAIN_BIT = 1 << 29;
const ENCODING_BITS = RAW_BIT | PLAIN_BIT;
const CLOCK_MASK = PLAIN_BIT - 1;

/**
 * The bits of `Dict.auxOf(slot)` that hold a key's access word (the rest are encoding marks).
 *
 * @example
 * ```ts
 * const word = db.main.auxOf(slot) & ACCESS_MASK;
 * ```
 */
export const ACCESS_MASK = CLOCK_MASK;

/**
 * The type of a stored value.
 *
 * @example
 * ```ts
 * typeOf("abc").name; // "string"
 * ```
 */
export function typeOf(value: Value): AnyTypeSpec {
  return typeof value === "string" ? stringType : value.type;
}

/**
 * One numbered database.
 *
 * @example
 * ```ts
 * const value = db.lookupWrite(key, listType); // throws WRONGTYPE for other types
 * if (value === undefined) db.add(key, newList);
 * db.modified(key);
 * db.notify("l", "lpush", key);
 * ```
 */
export class Db {
  main = new Dict<Value>();
  expires = new Dict<number>(0);
  /** Average TTL estimate and expire-cycle cursor, as INFO keyspace reports them. */
  avgTtl = 0;
  /** Keys the active cycle sampled / reclaimed since the server last read them (stale %). */
  expireSampled = 0;
  expireReclaimed = 0;

  constructor(readonly index: number, private readonly host: DbHost) {}

  /** Number of keys (including not yet reclaimed expired ones, like Redis's DBSIZE). */
  get size(): number {
    return this.main.size;
  }

  /** Number of keys with a TTL. */
  get volatileCount(): number {
    return this.expires.size;
  }

  /**
   * Look a key up for reading without type check, expiring it if due (Redis's
   * lookupKeyRead): counts a hit or miss, and a miss fires the `keymiss` event.
   */
  lookup(key: string): Value | undefined {
    const slot = this.main.find(key);
    if (slot < 0 || (this.expires.size > 0 && this.expireIfDue(key))) {
      this.host.hit(false);
      this.host.notify("m", "keymiss", key, this.index);
      return undefined;
    }
    this.host.hit(true);
    if (this.host.touches()) this.touchSlot(slot);
    return this.main.valueOf(slot);
  }

  /** Look a key up for reading; throws WRONGTYPE when it holds another type. */
  lookupRead<V>(key: string, type: TypeSpec<V>): V | undefined {
    const v = this.lookup(key);
    if (v === undefined) return undefined;
    if (typeOf(v) !== type) throw new ReplyError(WRONGTYPE);
    return v as V;
  }

  /** Look a key up for writing (no hit/miss statistics); throws WRONGTYPE on other types. */
  lookupWrite<V>(key: string, type?: TypeSpec<V>): V | undefined {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    const v = this.peek(key);
    if (v === undefined) return undefined;
    if (type && typeOf(v) !== type) throw new ReplyError(WRONGTYPE);
    if (this.host.touches()) this.touchSlot(this.main.find(key));
    return v as V;
  }

  /** Look a key up with lazy expiry but no statistics and no access-time update. */
  peek(key: string): Value | undefined {
    const slot = this.main.find(key);
    if (slot < 0) return undefined;
    if (this.expires.size > 0 && this.expireIfDue(key)) return undefined;
    return this.main.valueOf(slot);
  }

  /** Whether the key exists (lazy expiry applies). */
  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Add a key known to be absent (a "new" keyspace event, class n, when the host wants it). */
  add(key: string, value: Value): void {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    this.main.setAux(this.main.insertNew(key, value), this.newWord());
    // Redis's dbAdd announces every key creation (notify-keyspace-events class n).
    if (this.host.notifyNewKeys) this.host.notify("n", "new", key, this.index);
  }

  /**
   * Set a key to a value, replacing any old value (Redis's setKey). The TTL is removed
   * unless `keepTtl`. Signals the modification; the caller still sends its event.
   */
  setKey(key: string, value: Value, keepTtl = false): void {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    let slot = this.main.find(key);
    if (slot < 0) {
      slot = this.main.insertNew(key, value);
      this.main.setAux(slot, this.newWord());
      if (this.host.notifyNewKeys) this.host.notify("n", "new", key, this.index);
    } else {
      this.main.setValueOf(slot, value);
      if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
      // A frequency survives the overwrite (Redis keeps the LFU field); a clock restarts.
      const ka = this.host.keyAccess;
      this.main.setAux(
        slot,
        ka === null
          ? this.clock()
          : ka.touched(this.main.auxOf(slot) & CLOCK_MASK, this.host.now()) & CLOCK_MASK,
      );
    }
    this.host.keyModified(this, key);
  }

  /** Replace the value of an existing key, keeping its TTL (no signal). */
  overwrite(key: string, value: Value): void {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    const slot = this.main.find(key);
    if (slot < 0) this.main.insertNew(key, value);
    else {
      this.main.setValueOf(slot, value);
      this.main.setAux(slot, this.main.auxOf(slot) & CLOCK_MASK);
    }
  }

  /** Delete a key and its TTL; returns whether it existed. Does not signal. */
  remove(key: string): boolean {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    if (this.main.delete(key) === undefined) return false;
    if (this.expires.size > 0) this.expires.delete(key);
    return true;
  }

  /** The absolute expiry time in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    if (this.expires.size === 0) return -1;
    const at = this.expires.get(key);
    return at === undefined ? -1 : at;
  }

  /** Set the absolute expiry time (ms) of an existing key. */
  setExpire(key: string, atMs: number): void {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    this.expires.set(key, atMs);
  }

  /** Remove the TTL; returns whether there was one. */
  persist(key: string): boolean {
    if (this.host.watchingWrites) this.host.beforeWrite(this, key);
    return this.expires.size > 0 && this.expires.delete(key) !== undefined;
  }

  /** Whether `key` has a TTL in the past (it may still be stored). */
  isExpired(key: string): boolean {
    const at = this.getExpire(key);
    return at >= 0 && at <= this.host.now();
  }

  /** Signal that a key changed (WATCH, tracking). */
  modified(key: string): void {
    this.host.keyModified(this, key);
  }

  /** Send a keyspace event about a key of this db. */
  notify(cls: EventClass, event: string, key: string): void {
    this.host.notify(cls, event, key, this.index);
  }

  /** The key's access word (see KeyAccess), or -1 when absent. */
  accessWord(key: string): number {
    const slot = this.main.find(key);
    return slot < 0 ? -1 : this.main.auxOf(slot) & CLOCK_MASK;
  }

  /** Replace the key's access word (RESTORE FREQ / IDLETIME), keeping its encoding marks. */
  setAccessWord(key: string, word: number): void {
    const slot = this.main.find(key);
    if (slot >= 0) {
      this.main.setAux(slot, (this.main.auxOf(slot) & ENCODING_BITS) | (word & CLOCK_MASK));
    }
  }

  /** Seconds since the key was last accessed, or -1 when absent. */
  idleSeconds(key: string): number {
    const slot = this.main.find(key);
    return slot < 0 ? -1 : Math.max(0, this.clock() - (this.main.auxOf(slot) & CLOCK_MASK));
  }

  /** Set a key's access time to `seconds` ago (RESTORE IDLETIME, DEBUG). */
  setIdleSeconds(key: string, seconds: number): void {
    const slot = this.main.find(key);
    if (slot >= 0) {
      this.main.setAux(
        slot,
        (this.main.auxOf(slot) & ENCODING_BITS) | ((this.clock() - seconds) & CLOCK_MASK),
      );
    }
  }

  /**
   * Mark a string value as "raw" encoded (Redis keeps APPEND/SETRANGE results raw even when
   * they look like integers). Replacing the value (setKey/add) clears the mark.
   */
  markRaw(key: string): void {
    const slot = this.main.find(key);
    if (slot >= 0) this.main.setAux(slot, this.main.auxOf(slot) | RAW_BIT);
  }

  /**
   * Mark a string value as created without integer encoding (INCRBYFLOAT): it reports
   * embstr or raw by length even when it looks like an integer. Replacing the value clears it.
   */
  markPlainString(key: string): void {
    const slot = this.main.find(key);
    if (slot >= 0) this.main.setAux(slot, this.main.auxOf(slot) | PLAIN_BIT);
  }

  /** OBJECT ENCODING of a stored key, or null when absent. */
  objectEncoding(key: string): string | null {
    const slot = this.main.find(key);
    if (slot < 0) return null;
    const v = this.main.valueOf(slot);
    if (typeof v === "string") {
      const bits = this.main.auxOf(slot);
      if ((bits & RAW_BIT) !== 0) return "raw";
      if ((bits & PLAIN_BIT) !== 0) return v.length <= 44 ? "embstr" : "raw";
    }
    return typeOf(v).encoding(v);
  }

  private touchSlot(slot: number): void {
    const aux = this.main.auxOf(slot);
    const ka = this.host.keyAccess;
    const word = ka === null
      ? this.clock()
      : ka.touched(aux & CLOCK_MASK, this.host.now()) & CLOCK_MASK;
    this.main.setAux(slot, (aux & ENCODING_BITS) | word);
  }

  /** The access word of a new key. */
  private newWord(): number {
    const ka = this.host.keyAccess;
    return ka === null ? this.clock() : ka.created(this.host.now()) & CLOCK_MASK;
  }

  /** Seconds clock for access times; relative to 2020 so it fits an Int32 for decades. */
  private clock(): number {
    return Math.floor((this.host.now() - 1577836800000) / 1000) & CLOCK_MASK;
  }

  /** Remove every key; returns how many there were. */
  flush(): number {
    const n = this.main.size;
    this.main = new Dict<Value>();
    this.expires = new Dict<number>(0);
    this.avgTtl = 0;
    return n;
  }

  /** Exchange contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    [this.main, other.main] = [other.main, this.main];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.avgTtl, other.avgTtl] = [other.avgTtl, this.avgTtl];
    this.host.swapped(this, other);
  }

  /**
   * A random key that is not expired, or undefined (Redis's dbRandomKey: expired keys found
   * on the way are deleted; when every key is volatile, give up after 100 tries).
   */
  randomKey(): string | undefined {
    let tries = 0;
    for (;;) {
      const key = this.main.randomKey();
      if (key === undefined) return undefined;
      if (!this.isExpired(key)) return key;
      if (this.expires.size === this.main.size && ++tries > 100) return key;
      if (this.expireIfDue(key) && this.main.size === 0) return undefined;
    }
  }

  /**
   * Delete the key if its TTL is due; returns whether it is (now) gone. On a replica the key
   * is reported as gone but kept until the master's DEL arrives.
   */
  expireIfDue(key: string): boolean {
    const at = this.expires.get(key);
    if (at === undefined || at > this.host.now()) return false;
    if (!this.host.expiresOnAccess()) return true;
    this.remove(key);
    this.host.expired(this, key);
    return true;
  }

  /**
   * One pass of active expiry over this db: sample up to `perLoop` volatile keys, delete the
   * expired ones, and repeat while over 25% of a sample had expired and time remains.
   * Returns the number of keys reclaimed.
   */
  activeExpire(deadline: number, perLoop: number): number {
    let reclaimed = 0;
    const now = Date.now();
    for (let loops = 0;; loops++) {
      const n = this.expires.size;
      if (n === 0) break;
      const sample = Math.min(n, perLoop);
      let expired = 0;
      let ttlSum = 0;
      let ttlCount = 0;
      for (let i = 0; i < sample; i++) {
        const slot = this.expires.randomSlot();
        const at = this.expires.valueOf(slot);
        if (at <= now) {
          const key = this.expires.keyOf(slot);
          this.remove(key);
          this.host.expired(this, key);
          expired++;
        } else {
          ttlSum += at - now;
          ttlCount++;
        }
      }
      reclaimed += expired;
      this.expireSampled += sample;
      this.expireReclaimed += expired;
      if (ttlCount > 0) {
        const avg = ttlSum / ttlCount;
        this.avgTtl = this.avgTtl === 0 ? avg : (this.avgTtl / 50) * 49 + avg / 50;
      }
      if (expired * 4 <= sample) break;
      if ((loops & 15) === 15 && performance.now() > deadline) break;
    }
    return reclaimed;
  }
}

/**
 * Dict: the hash table behind the keyspace and every hash-table-encoded collection.
 *
 * Why not a JS Map: Redis promises things a Map cannot give. SCAN must return every key that
 * stays present for the whole scan at least once, with a stateless cursor, while keys come
 * and go and the table grows or shrinks; RANDOMKEY and the active expire cycle need random
 * sampling in O(1). Both follow from owning the bucket array.
 *
 * Layout: chained hashing over parallel arrays instead of one object per entry. An entry is a
 * slot number; `keys[slot]`, `vals[slot]`, `hashes[slot]` and `next[slot]` (the chain link)
 * describe it, and `buckets[h & mask]` holds the first slot of each chain (+1, 0 = empty).
 * Freed slots form a free list threaded through `next`. This costs about 24 bytes per entry
 * beyond the key and value themselves (with a 4-byte `aux` integer per entry that the keyspace uses for access times), and a resize only rewires integers (the stored hash
 * is reused), so growing a table of a million keys takes a few milliseconds.
 *
 * SCAN uses Redis's reverse-binary cursor: buckets are visited in the order of their
 * bit-reversed index, so when the table doubles or halves between two calls, the buckets
 * already visited map onto buckets the cursor has already passed. Nothing is missed; a key
 * may be returned twice, as in Redis.
 */

const MIN_BUCKETS = 4;

let seed = (Math.random() * 0xffffffff) >>> 0;

/**
 * Set the hash seed (tests use it to get reproducible scan orders). Affects new hashes only,
 * so call it before creating any Dict.
 *
 * @example
 * ```ts
 * setHashSeed(1);
 * ```
 */
export function setHashSeed(s: number): void {
  seed = s >>> 0;
  lastHashed = "\u0100";
}

/**
 * 32-bit FNV-1a over the string's char codes, seeded.
 *
 * @example
 * ```ts
 * hashString("key") === hashString("key"); // true
 * ```
 */
export function hashString(s: string): number {
  // A command usually looks the same key up two or three times in a row (lookup, then set):
  // remembering the last hash saves those recomputations.
  if (s === lastHashed) return lastHash;
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  // Final avalanche so that low bits (the bucket index) depend on every input bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  lastHashed = s;
  lastHash = h >>> 0;
  return lastHash;
}

let lastHashed = "\u0100"; // never a binary string
let lastHash = 0;

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * A string-keyed hash table with Redis's SCAN guarantee and O(1) random sampling.
 *
 * @example
 * ```ts
 * const d = new Dict<string>();
 * d.set("a", "1");
 * d.get("a"); // "1"
 * let cursor = 0;
 * do { cursor = d.scan(cursor, (k, v) => console.log(k, v)); } while (cursor !== 0);
 * ```
 */
export class Dict<V> {
  private buckets = new Int32Array(MIN_BUCKETS);
  private next = new Int32Array(MIN_BUCKETS);
  private hashes = new Int32Array(MIN_BUCKETS);
  private aux = new Int32Array(MIN_BUCKETS);
  private keyAt: (string | undefined)[] = [];
  private valAt: V[] = [];
  private freeHead = -1;
  private highWater = 0;
  private count = 0;

  /**
   * @param blank what a freed value slot holds, so that arrays of numbers stay unboxed.
   */
  constructor(private readonly blank: V = undefined as V) {}

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** The slot holding `key`, or -1. Slots stay valid until the key is deleted. */
  find(key: string): number {
    const h = hashString(key);
    let slot = this.buckets[h & (this.buckets.length - 1)] - 1;
    while (slot >= 0) {
      if (this.hashes[slot] === (h | 0) && this.keyAt[slot] === key) return slot;
      slot = this.next[slot] - 1;
    }
    return -1;
  }

  /** The value for `key`, or undefined. */
  get(key: string): V | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.valAt[slot];
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** The key stored in `slot`. */
  keyOf(slot: number): string {
    return this.keyAt[slot]!;
  }

  /** The value stored in `slot`. */
  valueOf(slot: number): V {
    return this.valAt[slot];
  }

  /** Replace the value stored in `slot`. */
  setValueOf(slot: number, value: V): void {
    this.valAt[slot] = value;
  }

  /** A small integer kept with the entry (the keyspace stores access times here). */
  auxOf(slot: number): number {
    return this.aux[slot];
  }

  /** Set the entry's small integer. */
  setAux(slot: number, value: number): void {
    this.aux[slot] = value;
  }

  /** Insert or replace; returns true when the key is new. */
  set(key: string, value: V): boolean {
    const slot = this.find(key);
    if (slot >= 0) {
      this.valAt[slot] = value;
      return false;
    }
    this.insertNew(key, value);
    return true;
  }

  /** Insert a key known to be absent; returns its slot. */
  insertNew(key: string, value: V): number {
    if (this.count >= this.buckets.length) this.resize(this.buckets.length * 2);
    let slot: number;
    if (this.freeHead >= 0) {
      slot = this.freeHead;
      this.freeHead = this.next[slot] - 1;
    } else {
      slot = this.highWater++;
      if (slot >= this.next.length) this.growSlots();
    }
    const h = hashString(key);
    const b = h & (this.buckets.length - 1);
    this.hashes[slot] = h;
    this.aux[slot] = 0;
    this.keyAt[slot] = key;
    this.valAt[slot] = value;
    this.next[slot] = this.buckets[b];
    this.buckets[b] = slot + 1;
    this.count++;
    return slot;
  }

  /** Remove `key`; returns the removed value or undefined. */
  delete(key: string): V | undefined {
    const h = hashString(key);
    const b = h & (this.buckets.length - 1);
    let prev = -1;
    let slot = this.buckets[b] - 1;
    while (slot >= 0) {
      if (this.hashes[slot] === (h | 0) && this.keyAt[slot] === key) {
        if (prev < 0) this.buckets[b] = this.next[slot];
        else this.next[prev] = this.next[slot];
        const value = this.valAt[slot];
        this.keyAt[slot] = undefined;
        this.valAt[slot] = this.blank;
        this.next[slot] = this.freeHead + 1;
        this.freeHead = slot;
        this.count--;
        if (this.buckets.length > MIN_BUCKETS && this.count * 8 < this.buckets.length) {
          this.resize(this.buckets.length / 2);
        }
        return value;
      }
      prev = slot;
      slot = this.next[slot] - 1;
    }
    return undefined;
  }

  /** Remove everything. */
  clear(): void {
    this.buckets = new Int32Array(MIN_BUCKETS);
    this.next = new Int32Array(MIN_BUCKETS);
    this.hashes = new Int32Array(MIN_BUCKETS);
    this.aux = new Int32Array(MIN_BUCKETS);
    this.keyAt = [];
    this.valAt = [];
    this.freeHead = -1;
    this.highWater = 0;
    this.count = 0;
  }

  /**
   * Visit one bucket group of a SCAN and return the next cursor (0 = done). Cursors are
   * unsigned 32-bit numbers; the callback must not modify the dict.
   */
  scan(cursor: number, visit: (key: string, value: V) => void): number {
    if (this.count === 0) return 0;
    const mask = this.buckets.length - 1;
    let slot = this.buckets[cursor & mask] - 1;
    while (slot >= 0) {
      visit(this.keyAt[slot]!, this.valAt[slot]);
      slot = this.next[slot] - 1;
    }
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    return reverseBits(v);
  }

  /** A random slot (fair enough: a random non-empty bucket, then a random chain entry), or -1. */
  randomSlot(): number {
    if (this.count === 0) return -1;
    const mask = this.buckets.length - 1;
    for (;;) {
      let slot = this.buckets[(Math.random() * (mask + 1)) & mask] - 1;
      if (slot < 0) continue;
      let len = 0;
      for (let s = slot; s >= 0; s = this.next[s] - 1) len++;
      for (let skip = (Math.random() * len) | 0; skip > 0; skip--) slot = this.next[slot] - 1;
      return slot;
    }
  }

  /** A random key, or undefined when empty. */
  randomKey(): string | undefined {
    const slot = this.randomSlot();
    return slot < 0 ? undefined : this.keyAt[slot];
  }

  /** Iterate over [key, value] pairs. Deleting the current key while iterating is safe. */
  *entries(): IterableIterator<[string, V]> {
    for (let slot = 0; slot < this.highWater; slot++) {
      const k = this.keyAt[slot];
      if (k !== undefined) yield [k, this.valAt[slot]];
    }
  }

  /** Iterate over keys. Deleting the current key while iterating is safe. */
  *keys(): IterableIterator<string> {
    for (let slot = 0; slot < this.highWater; slot++) {
      const k = this.keyAt[slot];
      if (k !== undefined) yield k;
    }
  }

  /** Call `fn` for every entry; it must not modify the dict. */
  forEach(fn: (value: V, key: string) => void): void {
    for (let slot = 0; slot < this.highWater; slot++) {
      const k = this.keyAt[slot];
      if (k !== undefined) fn(this.valAt[slot], k);
    }
  }

  /** Number of buckets (for OBJECT/DEBUG introspection and tests). */
  get bucketCount(): number {
    return this.buckets.length;
  }

  private growSlots(): void {
    const cap = Math.max(MIN_BUCKETS, this.next.length * 2);
    const next = new Int32Array(cap);
    next.set(this.next);
    this.next = next;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const aux = new Int32Array(cap);
    aux.set(this.aux);
    this.aux = aux;
  }

  private resize(size: number): void {
    const buckets = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.keyAt[slot] === undefined) continue;
      const b = this.hashes[slot] & mask;
      this.next[slot] = buckets[b];
      buckets[b] = slot + 1;
    }
    this.buckets = buckets;
  }
}

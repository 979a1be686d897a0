/**
 * HashSet: the "hashtable" encoding of big sets.
 *
 * Why not core's Dict: a set needs two things Dict does not give. SPOP and SRANDMEMBER must
 * draw members uniformly (Redis's tests check the distribution with a chi-square test), and
 * Dict's sampler (a random bucket, then a random entry of its chain) favours members alone in
 * their bucket. And a set has no values, so Dict's value and aux arrays would be 12 wasted
 * bytes per member, which matters for million-member sets.
 *
 * Layout: members live in one dense array (`members[0..size)`), with their hashes in a
 * parallel Int32Array. An open-addressing index (`table`, a power of two, linear probing)
 * maps a hash to a position in the dense array (stored +1, 0 = empty). Then:
 * - lookup/insert/delete are O(1) on average (load factor at most 3/4);
 * - a uniform random member is `members[random index]`, O(1) and exactly fair;
 * - deleting moves the last member into the hole (one index entry is rewritten), and the
 *   index entry itself is removed by backward shifting, so there are no tombstones and
 *   every member sits between its home slot and the first empty slot after it;
 * - about 20 bytes per member beyond the string itself (8 array + 4 hash + ~8 index).
 *
 * SSCAN keeps Redis's guarantee (every member present for the whole iteration is returned
 * at least once, across resizes) with Redis's reverse-binary cursor over home slots: one
 * step visits the members whose hash lands in one home slot of the current table, found by
 * walking from that slot to the end of its probe run. Home slots split and merge on resize
 * exactly like Redis's buckets, so the same cursor argument holds.
 */

import { hashString } from "../../core/dict.ts";

const MIN_TABLE = 8;

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

function tableSizeFor(count: number): number {
  let size = MIN_TABLE;
  while (size * 3 < count * 4) size *= 2;
  return size;
}

/**
 * A set of binary strings with O(1) membership, uniform random sampling and a SCAN cursor.
 *
 * @example
 * ```ts
 * const s = new HashSet();
 * s.add("a"); s.add("b");
 * s.has("a"); // true
 * s.random(); // "a" or "b", each with probability 1/2
 * ```
 */
export class HashSet {
  private members: string[] = [];
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;

  /** @param capacity members to make room for up front (a conversion knows its size). */
  constructor(capacity = 0) {
    const size = tableSizeFor(capacity);
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(MIN_TABLE, capacity));
  }

  /** Number of members. */
  get size(): number {
    return this.members.length;
  }

  /** The member at dense position `i` (0 <= i < size). */
  at(i: number): string {
    return this.members[i];
  }

  /** Whether `m` is a member. */
  has(m: string): boolean {
    return this.slotOf(m, hashString(m) | 0) >= 0;
  }

  /** Insert `m`; returns false when it was already a member. */
  add(m: string): boolean {
    const h = hashString(m) | 0;
    if (this.slotOf(m, h) >= 0) return false;
    const idx = this.members.length;
    if ((idx + 1) * 4 > this.table.length * 3) this.rebuild(this.table.length * 2);
    if (idx === this.hashes.length) {
      const grown = new Int32Array(idx * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.members.push(m);
    this.hashes[idx] = h;
    let slot = h & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = idx + 1;
    return true;
  }

  /** Remove `m`; returns whether it was a member. */
  delete(m: string): boolean {
    const slot = this.slotOf(m, hashString(m) | 0);
    if (slot < 0) return false;
    this.removeSlot(slot);
    return true;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }

  /** Remove and return a uniformly random member (the set must not be empty). */
  popRandom(): string {
    const idx = Math.floor(Math.random() * this.members.length);
    const m = this.members[idx];
    this.removeSlot(this.slotOfIndex(idx));
    return m;
  }

  /** Every member, in storage order (a copy). */
  toArray(): string[] {
    return this.members.slice();
  }

  /** Call `fn` for every member; it must not modify the set. */
  forEach(fn: (m: string) => void): void {
    const members = this.members;
    for (let i = 0; i < members.length; i++) fn(members[i]);
  }

  /** A deep copy (strings are immutable and shared). */
  clone(): HashSet {
    const c = new HashSet(0);
    c.members = this.members.slice();
    c.hashes = this.hashes.slice();
    c.table = this.table.slice();
    c.mask = this.mask;
    return c;
  }

  /** Index slots (for memory estimates and tests). */
  get tableSize(): number {
    return this.table.length;
  }

  /**
   * Visit the members of one home slot and return the next cursor (0 = done), with Redis's
   * reverse-binary cursor. The callback must not modify the set.
   */
  scan(cursor: number, visit: (m: string) => void): number {
    if (this.members.length === 0) return 0;
    const mask = this.mask;
    const home = cursor & mask;
    for (let slot = home;; slot = (slot + 1) & mask) {
      const e = this.table[slot];
      if (e === 0) break;
      if ((this.hashes[e - 1] & mask) === home) visit(this.members[e - 1]);
    }
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    return reverseBits(v);
  }

  /** The index slot holding `m` (hash `h`), or -1. */
  private slotOf(m: string, h: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let slot = h & mask;; slot = (slot + 1) & mask) {
      const e = table[slot];
      if (e === 0) return -1;
      if (this.hashes[e - 1] === h && this.members[e - 1] === m) return slot;
    }
  }

  /** The index slot pointing at dense position `idx`. */
  private slotOfIndex(idx: number): number {
    const mask = this.mask;
    let slot = this.hashes[idx] & mask;
    while (this.table[slot] !== idx + 1) slot = (slot + 1) & mask;
    return slot;
  }

  /** Remove the member the index slot `slot` points at. */
  private removeSlot(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    const idx = table[slot] - 1;
    // Backward-shift deletion: pull later entries of the probe run into the hole when
    // their home slot does not lie cyclically in (hole, their position].
    let hole = slot;
    for (let j = (slot + 1) & mask;; j = (j + 1) & mask) {
      const e = table[j];
      if (e === 0) break;
      const home = this.hashes[e - 1] & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      table[hole] = e;
      hole = j;
    }
    table[hole] = 0;
    // Keep the member array dense: the last member moves into the freed position.
    const last = this.members.length - 1;
    if (idx !== last) {
      table[this.slotOfIndex(last)] = idx + 1;
      this.members[idx] = this.members[last];
      this.hashes[idx] = this.hashes[last];
    }
    this.members.pop();
    const n = this.members.length;
    if (this.table.length > MIN_TABLE && n * 8 < this.table.length) {
      this.rebuild(this.table.length / 2);
    }
  }

  /** Re-index every member into a table of `size` slots (stored hashes are reused). */
  private rebuild(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    const n = this.members.length;
    for (let i = 0; i < n; i++) {
      let slot = this.hashes[i] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    this.table = table;
    this.mask = mask;
    if (this.hashes.length > MIN_TABLE * 2 && n * 4 < this.hashes.length) {
      // A set that lost most of its members gives the memory back (arrays keep capacity).
      this.hashes = this.hashes.slice(0, Math.max(MIN_TABLE, n * 2));
      this.members = this.members.slice();
    }
  }
}

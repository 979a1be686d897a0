/**
 * A binary min-heap of (time, item) pairs: the ordering structure behind hash-field expiry.
 *
 * Two places need "what expires first?": the fields of one hashtable-encoded hash (item =
 * field name) and the server-wide index of hashes that have volatile fields (item = an index
 * entry). Both change their deadlines far more often than they pop them, so the heap uses
 * lazy deletion: a changed or removed deadline leaves its old pair behind, and the owner
 * decides, when a pair reaches the top, whether it is still current (`FieldTtls` compares
 * it with the field's deadline in its Map; the index compares the entry with the one the
 * hash holds). Owners rebuild the heap from their live data when stale pairs outnumber live
 * ones, which keeps memory proportional to the live set at O(1) amortized cost.
 *
 * Times and items sit in two parallel arrays (times stay an unboxed double array), which is
 * lighter than one object per pair.
 */

/**
 * A min-heap keyed by time.
 *
 * @example
 * ```ts
 * const h = new TimeHeap<string>();
 * h.push(20, "b");
 * h.push(10, "a");
 * h.topTime(); // 10
 * h.pop(); // "a"
 * ```
 */
export class TimeHeap<T> {
  private times: number[] = [];
  private items: T[] = [];

  /** Number of pairs, stale ones included. */
  get size(): number {
    return this.times.length;
  }

  /** The earliest time, or Infinity when empty. */
  topTime(): number {
    return this.times.length === 0 ? Infinity : this.times[0];
  }

  /** The item with the earliest time (undefined when empty). */
  topItem(): T | undefined {
    return this.items[0];
  }

  /** Add a pair. */
  push(time: number, item: T): void {
    const times = this.times;
    const items = this.items;
    let i = times.length;
    times.push(time);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    items[i] = item;
  }

  /** Remove and return the item with the earliest time. */
  pop(): T | undefined {
    const times = this.times;
    const items = this.items;
    if (times.length === 0) return undefined;
    const top = items[0];
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && times[child + 1] < times[child]) child++;
        if (times[child] >= lastTime) break;
        times[i] = times[child];
        items[i] = items[child];
        i = child;
      }
      times[i] = lastTime;
      items[i] = lastItem;
    }
    return top;
  }

  /** Keep only the pairs `keep` accepts, then restore the heap order (O(n)). */
  filter(keep: (time: number, item: T) => boolean): void {
    const times: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.times.length; i++) {
      if (keep(this.times[i], this.items[i])) {
        times.push(this.times[i]);
        items.push(this.items[i]);
      }
    }
    this.times = [];
    this.items = [];
    // Re-pushing is O(n log n) worst case but O(n) on average for random input, and runs
    // only when stale pairs have doubled the heap.
    for (let i = 0; i < times.length; i++) this.push(times[i], items[i]);
  }

  /** Remove everything. */
  clear(): void {
    this.times = [];
    this.items = [];
  }
}

/**
 * Field deadlines of one hashtable-encoded hash: the exact deadline per field (a Map, for
 * HTTL and friends) and a lazy-deletion heap over them (for "which field expires first?").
 * A heap pair is current when the Map still holds that very deadline for its field.
 *
 * @example
 * ```ts
 * const t = new FieldTtls();
 * t.set("f", 1000);
 * t.next(); // 1000
 * t.delete("f");
 * t.next(); // Infinity
 * ```
 */
export class FieldTtls {
  private readonly at = new Map<string, number>();
  private readonly heap = new TimeHeap<string>();

  /** Number of fields with a deadline. */
  get size(): number {
    return this.at.size;
  }

  /** The deadline of `field` (ms), or 0 when it has none. */
  get(field: string): number {
    return this.at.get(field) ?? 0;
  }

  /** Set the deadline of `field`. */
  set(field: string, at: number): void {
    this.at.set(field, at);
    this.heap.push(at, field);
    this.compactIfStale();
  }

  /** Forget the deadline of `field`; returns whether it had one. */
  delete(field: string): boolean {
    if (!this.at.delete(field)) return false;
    this.compactIfStale();
    return true;
  }

  /** The earliest deadline, or Infinity when no field has one. */
  next(): number {
    this.dropStaleTop();
    return this.heap.topTime();
  }

  /** Remove and return the field with the earliest deadline if it is <= `now`. */
  popDue(now: number): string | undefined {
    this.dropStaleTop();
    if (this.heap.topTime() > now) return undefined;
    const field = this.heap.pop()!;
    this.at.delete(field);
    return field;
  }

  /** Iterate over [field, deadline]. */
  entries(): IterableIterator<[string, number]> {
    return this.at.entries();
  }

  private dropStaleTop(): void {
    while (this.heap.size > 0 && this.at.get(this.heap.topItem()!) !== this.heap.topTime()) {
      this.heap.pop();
    }
  }

  private compactIfStale(): void {
    if (this.heap.size > 2 * this.at.size + 32) {
      this.heap.filter((time, field) => this.at.get(field) === time);
    }
  }
}

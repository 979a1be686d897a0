/**
 * An ordered map from stream ID to a value: the pending entries lists (PELs) of consumer
 * groups and consumers, which Redis keeps in radix trees.
 *
 * Design: a sorted list of sorted chunks (at most CHUNK entries each). Lookups binary-search
 * the chunks by their last ID, then the chunk: O(log N). Inserting or deleting shifts one
 * chunk (bounded) and, rarely, splits or drops a chunk. Entries usually arrive in increasing
 * ID order (XREADGROUP delivers new entries), which lands at the end of the last chunk.
 * Iteration from any ID forward is a seek plus a walk.
 */

import { compareIds, type StreamId } from "./stream_id.ts";

const CHUNK = 128;

interface Chunk<V> {
  ids: StreamId[];
  values: V[];
}

/**
 * An ordered ID → value map.
 *
 * @example
 * ```ts
 * const m = new IdIndex<number>();
 * m.set({ ms: 1, seq: 0 }, 7);
 * m.get({ ms: 1, seq: 0 }); // 7
 * ```
 */
export class IdIndex<V> {
  private chunks: Chunk<V>[] = [];
  private count = 0;

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last ID is >= id (chunks.length if none). */
  private chunkFor(id: StreamId): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ids = this.chunks[mid].ids;
      if (compareIds(ids[ids.length - 1], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound(ids: StreamId[], id: StreamId): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(ids[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value at `id`, or undefined. */
  get(id: StreamId): V | undefined {
    const c = this.chunkFor(id);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c];
    const i = IdIndex.lowerBound(chunk.ids, id);
    return i < chunk.ids.length && compareIds(chunk.ids[i], id) === 0 ? chunk.values[i] : undefined;
  }

  /** Set `id` to `value`; returns false when it was already present (value replaced). */
  set(id: StreamId, value: V): boolean {
    let c = this.chunkFor(id);
    if (c === this.chunks.length) {
      if (c === 0 || this.chunks[c - 1].ids.length >= CHUNK) {
        this.chunks.push({ ids: [id], values: [value] });
        this.count++;
        return true;
      }
      c--;
    }
    const chunk = this.chunks[c];
    const i = IdIndex.lowerBound(chunk.ids, id);
    if (i < chunk.ids.length && compareIds(chunk.ids[i], id) === 0) {
      chunk.values[i] = value;
      return false;
    }
    chunk.ids.splice(i, 0, id);
    chunk.values.splice(i, 0, value);
    this.count++;
    if (chunk.ids.length > 2 * CHUNK) {
      const half = chunk.ids.length >>> 1;
      this.chunks.splice(c + 1, 0, {
        ids: chunk.ids.splice(half),
        values: chunk.values.splice(half),
      });
    }
    return true;
  }

  /** Remove `id`; returns its value or undefined. */
  delete(id: StreamId): V | undefined {
    const c = this.chunkFor(id);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c];
    const i = IdIndex.lowerBound(chunk.ids, id);
    if (i >= chunk.ids.length || compareIds(chunk.ids[i], id) !== 0) return undefined;
    const value = chunk.values[i];
    chunk.ids.splice(i, 1);
    chunk.values.splice(i, 1);
    if (chunk.ids.length === 0) this.chunks.splice(c, 1);
    this.count--;
    return value;
  }

  /** The smallest ID, or undefined when empty. */
  first(): StreamId | undefined {
    return this.chunks.length ? this.chunks[0].ids[0] : undefined;
  }

  /** The largest ID, or undefined when empty. */
  last(): StreamId | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c ? c.ids[c.ids.length - 1] : undefined;
  }

  /**
   * Visit entries with ID >= `from` in order until `fn` returns false. `fn` may delete the
   * entry it is visiting (the walk re-seeks after a change).
   */
  forEachFrom(from: StreamId, fn: (id: StreamId, value: V) => boolean | void): void {
    let c = this.chunkFor(from);
    if (c === this.chunks.length) return;
    let i = IdIndex.lowerBound(this.chunks[c].ids, from);
    while (c < this.chunks.length) {
      const chunk = this.chunks[c];
      if (i >= chunk.ids.length) {
        c++;
        i = 0;
        continue;
      }
      const id = chunk.ids[i];
      const before = this.count;
      if (fn(id, chunk.values[i]) === false) return;
      if (this.count !== before) {
        c = this.chunkFor(id);
        if (c === this.chunks.length) return;
        i = IdIndex.lowerBound(this.chunks[c].ids, id);
        const cur = this.chunks[c].ids[i];
        if (cur !== undefined && compareIds(cur, id) === 0) i++;
      } else i++;
    }
  }

  /** All entries in order (for conversion and copies). */
  entries(): [StreamId, V][] {
    const out: [StreamId, V][] = [];
    for (const c of this.chunks) {
      for (let i = 0; i < c.ids.length; i++) out.push([c.ids[i], c.values[i]]);
    }
    return out;
  }
}

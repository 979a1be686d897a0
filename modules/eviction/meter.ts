/**
 * used_memory for a garbage-collected runtime.
 *
 * Definition. Redis counts the bytes its allocator handed out. A JS server has no such
 * figure per object; what it has is the engine's heap figure (`Host.heapUsed()`: live
 * objects plus garbage not collected yet, plus string/buffer memory the engine accounts
 * for). Right after a collection that figure is the live data; between collections it
 * also climbs with garbage (on Deno every INFO or new connection adds ~100-200 KB) and,
 * on Bun, JavaScriptCore updates it only in ~1 MB steps. So:
 *
 *   used_memory = max(S, B + W - C)
 *
 * - B, the base: the heap figure as last seen right after a collection (a sample lower
 *   than the previous one means the collector ran), i.e. what survived it;
 * - W, the writes since then: each key written (keyModified, while a limit is set) counted
 *   once at its estimated size (`keyMemoryUsage`, the MEMORY USAGE estimate);
 * - C, the eviction credit: evicted keys' estimated sizes, until the figure is seen to drop
 *   by as much (evicted data is freed only at the next collection; without the credit a
 *   burst of evictions would empty the dataset while waiting for the collector).
 *
 * - S, the floor: the first figure, the server before any data (estimates may overstate
 *   what evictions free; used memory never goes below an empty server's).
 *
 * Garbage therefore does not count until it survives a collection, and a 200 KB SETBIT
 * counts at once, on both engines: small limits (`maxmemory used+100kb`, as Redis's tests
 * set) behave deterministically. What is not a key (client buffers, script caches) shows
 * at the next collection. Reading the figure costs ~2 µs, so it is sampled: while a limit is
 * set, when something was written since the last sample (at most once a millisecond within
 * a pipelined batch) or every 10 ms; without a limit only INFO reads it.
 */

import type { ServerApi } from "../../core/server.ts";
import { keyMemoryUsage } from "../server/memory_command.ts";

/** Refresh the figure at least this often while a limit is set, in ms. */
const MAX_AGE_MS = 10;
/** Within a pipelined batch, refresh at most this often, in ms. */
const BATCH_AGE_MS = 1;
/** Writes tracked one by one before further ones are only summed. */
const MAX_TRACKED_WRITES = 65536;

/**
 * The used-memory figure of one server.
 *
 * @example
 * ```ts
 * const meter = new MemoryMeter(() => host.heapUsed());
 * meter.refresh(server);
 * meter.used(); // bytes
 * ```
 */
export class MemoryMeter {
  /** The engine's figure at the last sample. */
  figure = -1;
  /** The figure right after the last collection seen (B). */
  base = 0;
  /** The first figure: the server before any data (S). */
  floor = 0;
  /** Estimated bytes of evicted keys not yet seen collected (C). */
  credit = 0;
  /** Estimated bytes written since the last collection seen (W). */
  unseen = 0;
  private readonly written = new Map<string, number>();
  private sampledAt = -Infinity;
  private dirtyAt = -1;

  constructor(private readonly readHeap: () => number) {}

  /** used_memory, in bytes, as of the last sample. */
  used(): number {
    return Math.max(this.floor, this.base + this.unseen - this.credit);
  }

  /** Sample the engine's figure if the last sample may be stale (see the file comment). */
  refresh(server: ServerApi): void {
    const now = performance.now();
    const age = now - this.sampledAt;
    if (
      age >= MAX_AGE_MS ||
      (server.dirty !== this.dirtyAt && (!server.batching || age >= BATCH_AGE_MS))
    ) {
      this.sample(server.dirty, now);
    }
  }

  /** Sample now, whatever the age of the last sample. */
  sample(dirty = this.dirtyAt, now = performance.now()): void {
    const figure = this.readHeap();
    this.sampledAt = now;
    this.dirtyAt = dirty;
    if (this.figure < 0) this.base = this.floor = figure;
    else if (figure < this.figure) {
      // The collector ran: what is left is live, written keys included.
      this.credit = Math.max(0, this.credit - (this.figure - figure));
      this.base = figure;
      this.written.clear();
      this.unseen = 0;
    }
    this.figure = figure;
  }

  /** A key was written or deleted (keyModified): count its size until the next collection. */
  keyWritten(dbIndex: number, key: string, server: ServerApi): void {
    const id = `${dbIndex}:${key}`;
    const value = server.db(dbIndex).main.get(key);
    const bytes = value === undefined ? 0 : keyMemoryUsage(key, value);
    const before = this.written.get(id);
    if (before !== undefined) {
      this.unseen += bytes - before;
      if (bytes === 0) this.written.delete(id);
      else this.written.set(id, bytes);
    } else if (bytes > 0) {
      this.unseen += bytes;
      if (this.written.size < MAX_TRACKED_WRITES) this.written.set(id, bytes);
    }
  }

  /**
   * A key of `bytes` (estimated) is being evicted. A key written since the last sample is
   * not credited: its keyModified signal takes it out of the unseen writes instead.
   */
  evicted(dbIndex: number, key: string, bytes: number): void {
    if (!this.written.has(`${dbIndex}:${key}`)) this.credit += bytes;
  }

  /** Data was flushed: forget writes not yet seen (their keys are gone). */
  flushed(): void {
    this.written.clear();
    this.unseen = 0;
  }
}

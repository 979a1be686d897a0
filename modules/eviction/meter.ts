/**
 * used_memory for a garbage-collected runtime.
 *
 * Definition. Redis counts the bytes its allocator handed out. A JS server has no such
 * figure per object; what it has is the engine's heap figure (`Host.heapUsed()`: live
 * objects plus garbage not collected yet, plus string/buffer memory the engine accounts
 * for). That figure is what the process really holds, so it is the base of used_memory.
 * Two corrections make it usable for a limit:
 *
 * - It lags. JavaScriptCore (Bun) updates it in steps of about a megabyte of allocation, so
 *   a 200 KB SETBIT may not show at all. Writes made since the figure last moved are added
 *   on top, each written key counted once at its estimated size (`keyMemoryUsage`, the
 *   MEMORY USAGE estimate), until the figure moves again — by then it includes them.
 * - Evicted data is freed only at the next garbage collection. Every evicted key's estimated
 *   size is credited (subtracted) until the figure is seen to drop by as much, so a burst of
 *   evictions stops once enough is freed instead of emptying the dataset while waiting for
 *   the collector.
 *
 * used_memory = max(0, heap figure + unseen writes - eviction credit). Uncollected garbage
 * counts, as it does in the process's footprint: at the limit, eviction also makes room for
 * it, and the next collection gives that room back. Reading the figure costs ~2 µs, so it
 * is sampled: at most once a millisecond within a pipelined batch, at each request
 * otherwise, and only when something was written (or 10 ms passed), while a limit is set;
 * with no limit only INFO and MEMORY read it.
 */

import type { ServerApi } from "../../core/server.ts";
import { keyMemoryUsage } from "../server/memory_command.ts";

/** Refresh the figure at least this often while a limit is set, in ms. */
const MAX_AGE_MS = 10;
/** Within a pipelined batch, refresh at most this often, in ms. */
const BATCH_AGE_MS = 1;
/** Writes tracked one by one before further ones are only summed. */
const MAX_TRACKED_WRITES = 4096;

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
  figure = 0;
  /** Estimated bytes of evicted keys not yet seen collected. */
  credit = 0;
  /** Estimated bytes written since the figure last moved. */
  unseen = 0;
  private readonly written = new Map<string, number>();
  private sampledAt = -Infinity;
  private dirtyAt = -1;

  constructor(private readonly readHeap: () => number) {}

  /** used_memory, in bytes, as of the last sample. */
  used(): number {
    return Math.max(0, this.figure + this.unseen - this.credit);
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
    if (figure === this.figure) return;
    if (figure < this.figure) this.credit = Math.max(0, this.credit - (this.figure - figure));
    this.figure = figure;
    this.written.clear();
    this.unseen = 0;
  }

  /** A key was written or deleted (keyModified): count its size until the figure moves. */
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

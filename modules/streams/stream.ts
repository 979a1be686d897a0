/**
 * The stream value: entries ordered by ID in packed blocks (block.ts), plus the metadata
 * Redis keeps (last generated ID, recorded first ID, max deleted ID, entries added) and the
 * consumer groups (groups.ts).
 *
 * Index. Blocks sit in an array ordered by ID, Modis's flat stand-in for Redis's radix tree
 * of listpacks: a lookup binary-searches the blocks by their last ID (O(log N)) and then
 * decodes one block (bounded by stream-node-max-entries / -bytes). XADD appends to the last
 * block or starts a new one: O(1) amortized. Whole blocks leave from the front when a stream
 * is trimmed, by advancing `head` instead of shifting the array (compacted once the dead
 * prefix is half the array), so capped streams (`XADD ... MAXLEN ~ n`) stay O(1) amortized
 * too; a block emptied in the middle by XDEL is spliced out.
 *
 * Deletion follows Redis: an entry becomes a tombstone inside its block, counted against
 * the block's capacity, and the block is dropped when its last live entry goes; trimming
 * removes whole blocks, and for exact trims then tombstones entries of the first remaining
 * block. Approximate trims stop at block boundaries, which is why blocks split where Redis's
 * nodes split.
 *
 * Persistence (later) converts through `toRdb()` / `Stream.fromRdb()`, using the neutral
 * StreamValue form of modules/persistence/format/values.ts (plain "ms-seq" strings).
 */

import type { TypeSpec } from "../../core/spec.ts";
import { Block, BlockReader } from "./block.ts";
import { ConsumerGroup, type Nack } from "./groups.ts";
import { compareIds, formatId, MIN_ID, parseId, type StreamId } from "./stream_id.ts";

/** Node limits (stream-node-max-bytes / -entries; 0 = unlimited). */
export interface StreamLimits {
  nodeMaxBytes: number;
  nodeMaxEntries: number;
}

/** Redis's listpack size cap, also the node size when stream-node-max-bytes is 0. */
export const LISTPACK_MAX = 2 ** 32 - 1;

/** A trim request, as XADD and XTRIM parse it. */
export interface TrimSpec {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** Max entries removed (0 = no limit). */
  limit: number;
}

/** A live entry handed to iteration callbacks: its ID and flat field/value list. */
export type EntryVisitor = (id: StreamId, fields: string[]) => boolean | void;

/** The plain form of a stream for persistence (same shape as persistence's StreamValue). */
export interface StreamRdbForm {
  kind: "stream";
  entries: { id: string; fields: [string, string][] }[];
  lastId: string;
  firstId: string;
  maxDeletedId: string;
  entriesAdded: number;
  groups: {
    name: string;
    lastId: string;
    /** null: not stored (RDB before version 10), estimated when loaded. */
    entriesRead: number | null;
    pending: { id: string; deliveryTime: number; deliveryCount: number }[];
    consumers: { name: string; seenTime: number; activeTime: number; pending: string[] }[];
  }[];
}

/**
 * A stream value.
 *
 * @example
 * ```ts
 * const s = new Stream();
 * s.append({ ms: 1, seq: 0 }, ["f", "v"], 0, { nodeMaxBytes: 4096, nodeMaxEntries: 100 });
 * s.length; // 1
 * ```
 */
export class Stream {
  private blocks: Block[] = [];
  private head = 0;
  /** Live entries. */
  length = 0;
  lastId: StreamId = MIN_ID;
  /** Recorded first entry ID (0-0 when empty). */
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  get type(): TypeSpec<Stream> {
    return streamType;
  }

  /** Number of blocks (XINFO radix-tree-keys). */
  get blockCount(): number {
    return this.blocks.length - this.head;
  }

  /** Append an entry (flat field/value pairs from `argv[from]`) with an ID above lastId. */
  append(id: StreamId, argv: readonly string[], from: number, limits: StreamLimits): void {
    const tail = this.blocks.length > this.head ? this.blocks[this.blocks.length - 1] : undefined;
    let fits = tail !== undefined;
    if (tail !== undefined) {
      let maxBytes = limits.nodeMaxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX) maxBytes = LISTPACK_MAX;
      let raw = 0;
      for (let i = from; i < argv.length; i++) raw += argv[i].length;
      if (tail.lpBytes + raw >= maxBytes) fits = false;
      else if (limits.nodeMaxEntries > 0 && tail.slots >= limits.nodeMaxEntries) fits = false;
      if (fits) tail.append(id, argv, from);
      else tail.seal();
    }
    if (!fits) this.blocks.push(new Block(id, argv, from));
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
  }

  /** Index of the first block whose last ID is >= id (blocks.length when none). */
  private blockFor(id: StreamId): number {
    let lo = this.head;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.blocks[mid].last, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private removeBlock(i: number): void {
    if (i === this.head) {
      this.blocks[i] = undefined as unknown as Block;
      this.head++;
      if (this.head === this.blocks.length) {
        this.blocks = [];
        this.head = 0;
      } else if (this.head > 32 && this.head * 2 > this.blocks.length) {
        this.blocks = this.blocks.slice(this.head);
        this.head = 0;
      }
    } else this.blocks.splice(i, 1);
  }

  /**
   * Visit live entries with start <= ID <= end, in order (reverse order when `rev`), until
   * `fn` returns false.
   */
  range(start: StreamId, end: StreamId, rev: boolean, fn: EntryVisitor): void {
    if (compareIds(start, end) > 0) return;
    if (!rev) {
      for (let b = this.blockFor(start); b < this.blocks.length; b++) {
        const r = new BlockReader(this.blocks[b]);
        for (let e = r.next(); e !== null; e = r.next()) {
          if (e.deleted || compareIds(e.id, start) < 0) continue;
          if (compareIds(e.id, end) > 0) return;
          if (fn(e.id, e.fields) === false) return;
        }
      }
      return;
    }
    let b = Math.min(this.blockFor(end), this.blocks.length - 1);
    if (b >= this.head && compareIds(this.blocks[b].master, end) > 0) b--;
    for (; b >= this.head; b--) {
      const r = new BlockReader(this.blocks[b]);
      const all = [];
      for (let e = r.next(); e !== null; e = r.next()) if (!e.deleted) all.push(e);
      for (let i = all.length - 1; i >= 0; i--) {
        const e = all[i];
        if (compareIds(e.id, end) > 0) continue;
        if (compareIds(e.id, start) < 0) return;
        if (fn(e.id, e.fields) === false) return;
      }
    }
  }

  /** The fields of the live entry `id`, or undefined. */
  get(id: StreamId): string[] | undefined {
    let found: string[] | undefined;
    this.range(id, id, false, (_id, fields) => {
      found = fields;
      return false;
    });
    return found;
  }

  /** The first live entry's ID (undefined when empty). */
  firstLiveId(): StreamId | undefined {
    let found: StreamId | undefined;
    for (let b = this.head; b < this.blocks.length && found === undefined; b++) {
      const r = new BlockReader(this.blocks[b]);
      for (let e = r.next(); e !== null; e = r.next()) {
        if (!e.deleted) {
          found = e.id;
          break;
        }
      }
    }
    return found;
  }

  /** The first stored entry's ID, tombstones included (undefined when there is none). */
  firstPhysicalId(): StreamId | undefined {
    return this.head < this.blocks.length ? this.blocks[this.head].master : undefined;
  }

  /** The last live entry's ID (undefined when empty). */
  lastLiveId(): StreamId | undefined {
    for (let b = this.blocks.length - 1; b >= this.head; b--) {
      const block = this.blocks[b];
      if (block.live === 0) continue;
      if (block.deleted === 0) return block.last;
      const r = new BlockReader(block);
      let last: StreamId | undefined;
      for (let e = r.next(); e !== null; e = r.next()) if (!e.deleted) last = e.id;
      if (last) return last;
    }
    return undefined;
  }

  /** Turn entry `id` into a tombstone; false when there is no such live entry. */
  delete(id: StreamId): boolean {
    const b = this.blockFor(id);
    if (b === this.blocks.length) return false;
    const block = this.blocks[b];
    const r = new BlockReader(block);
    for (let e = r.next(); e !== null; e = r.next()) {
      const c = compareIds(e.id, id);
      if (c > 0) return false;
      if (c < 0) continue;
      if (e.deleted) return false;
      if (block.live === 1) this.removeBlock(b);
      else block.markDeleted([e.offset]);
      this.length--;
      return true;
    }
    return false;
  }

  /** Trim as Redis's streamTrim does; returns the number of entries removed. */
  trim(spec: TrimSpec): number {
    const maxlen = spec.strategy === "maxlen";
    let deleted = 0;
    while (this.head < this.blocks.length) {
      if (maxlen && this.length <= spec.maxlen) break;
      const block = this.blocks[this.head];
      const entries = block.live;
      if (spec.limit > 0 && deleted + entries > spec.limit) break;
      const whole = maxlen
        ? this.length - entries >= spec.maxlen
        : compareIds(block.last, spec.minid) < 0;
      if (whole) {
        this.removeBlock(this.head);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (spec.approx) break;
      const offsets: number[] = [];
      const r = new BlockReader(block);
      for (let e = r.next(); e !== null; e = r.next()) {
        if (maxlen ? this.length <= spec.maxlen : compareIds(e.id, spec.minid) >= 0) break;
        if (e.deleted) continue;
        offsets.push(e.offset);
        this.length--;
      }
      block.markDeleted(offsets);
      deleted += offsets.length;
      break;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted > 0) this.firstId = this.firstLiveId()!;
    return deleted;
  }

  /** The group named `name`, or undefined. */
  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Groups in name (byte) order. */
  sortedGroups(): ConsumerGroup[] {
    if (!this.groups) return [];
    return [...this.groups.values()].sort((
      a,
      b,
    ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Whether the range [start, end] may contain a tombstone (Redis's streamRangeHasTombstones). */
  rangeHasTombstones(start: StreamId, end?: StreamId): boolean {
    const maxDel = this.maxDeletedId;
    if (this.length === 0 || (maxDel.ms === 0 && maxDel.seq === 0)) return false;
    if (compareIds(this.firstId, maxDel) > 0) return false;
    return compareIds(start, maxDel) <= 0 && (end === undefined || compareIds(maxDel, end) <= 0);
  }

  /**
   * The logical read counter of `id` (its distance from the first entry ever added), or -1
   * when it cannot be known (Redis's streamEstimateDistanceFromFirstEverEntry).
   */
  estimateDistance(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return -1;
    const maxDel = this.maxDeletedId;
    if ((maxDel.ms === 0 && maxDel.seq === 0) || compareIds(maxDel, this.firstId) < 0) {
      const cmpFirst = compareIds(id, this.firstId);
      if (cmpFirst < 0) return this.entriesAdded - this.length;
      if (cmpFirst === 0) return this.entriesAdded - this.length + 1;
    }
    return -1;
  }

  /** A group's lag, or null when it cannot be computed. */
  lag(group: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (group.entriesRead !== -1 && !this.rangeHasTombstones(group.lastId)) {
      return this.entriesAdded - group.entriesRead;
    }
    const read = this.estimateDistance(group.lastId);
    return read === -1 ? null : this.entriesAdded - read;
  }

  /** A deep copy (COPY); packed block data is immutable and shared. */
  copy(): Stream {
    const s = new Stream();
    s.blocks = this.blocks.slice(this.head).map((b) => b.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups) {
      const rdb = this.toRdb(false);
      s.groups = Stream.groupsFromRdb(rdb.groups, s);
    }
    return s;
  }

  /** Approximate heap bytes (MEMORY USAGE). */
  memoryUsage(): number {
    let n = 96 + 8 * this.blocks.length;
    for (let b = this.head; b < this.blocks.length; b++) n += this.blocks[b].memoryUsage();
    for (const g of this.groups?.values() ?? []) {
      n += 128 + g.pel.size * 96;
      for (const c of g.consumers.values()) n += 96 + c.name.length + c.pel.size * 16;
    }
    return n;
  }

  /** The neutral persistence form (entries omitted when `withEntries` is false). */
  toRdb(withEntries = true): StreamRdbForm {
    const entries: StreamRdbForm["entries"] = [];
    if (withEntries) {
      this.range(MIN_ID, this.lastId, false, (id, f) => {
        const fields: [string, string][] = [];
        for (let i = 0; i < f.length; i += 2) fields.push([f[i], f[i + 1]]);
        entries.push({ id: formatId(id), fields });
      });
    }
    return {
      kind: "stream",
      entries,
      lastId: formatId(this.lastId),
      firstId: formatId(this.firstId),
      maxDeletedId: formatId(this.maxDeletedId),
      entriesAdded: this.entriesAdded,
      groups: this.sortedGroups().map((g) => ({
        name: g.name,
        lastId: formatId(g.lastId),
        entriesRead: g.entriesRead,
        pending: g.pel.entries().map(([id, n]) => ({
          id: formatId(id),
          deliveryTime: n.deliveryTime,
          deliveryCount: n.deliveryCount,
        })),
        consumers: g.sortedConsumers().map((c) => ({
          name: c.name,
          seenTime: c.seenTime,
          activeTime: c.activeTime,
          pending: c.pel.entries().map(([id]) => formatId(id)),
        })),
      })),
    };
  }

  /**
   * Build a stream from its persistence form.
   *
   * @example
   * ```ts
   * const s = Stream.fromRdb(stream.toRdb(), { nodeMaxBytes: 4096, nodeMaxEntries: 100 });
   * ```
   */
  static fromRdb(v: StreamRdbForm, limits: StreamLimits): Stream {
    const s = new Stream();
    for (const e of v.entries) {
      const argv: string[] = [];
      for (const [f, val] of e.fields) argv.push(f, val);
      s.append(parseId(e.id), argv, 0, limits);
    }
    s.lastId = parseId(v.lastId);
    s.firstId = parseId(v.firstId);
    s.maxDeletedId = parseId(v.maxDeletedId);
    s.entriesAdded = v.entriesAdded;
    if (v.groups.length) s.groups = Stream.groupsFromRdb(v.groups, s);
    return s;
  }

  /** The groups of a persistence form, for stream `s` (its entries and IDs already set). */
  private static groupsFromRdb(
    groups: StreamRdbForm["groups"],
    s: Stream,
  ): Map<string, ConsumerGroup> {
    const out = new Map<string, ConsumerGroup>();
    for (const g of groups) {
      const lastId = parseId(g.lastId);
      // Files from before RDB 10 have no read counters: estimate them as Redis's loader does.
      const group = new ConsumerGroup(g.name, lastId, g.entriesRead ?? s.estimateDistance(lastId));
      const nacks = new Map<string, Nack>();
      for (const c of g.consumers) {
        const consumer = group.consumer(c.name, c.seenTime).consumer;
        consumer.activeTime = c.activeTime;
        for (const id of c.pending) {
          const nack: Nack = { consumer, deliveryTime: 0, deliveryCount: 0 };
          nacks.set(id, nack);
          consumer.pel.set(parseId(id), nack);
        }
      }
      for (const p of g.pending) {
        const nack = nacks.get(p.id);
        if (!nack) continue; // a PEL entry without owner cannot be represented
        nack.deliveryTime = p.deliveryTime;
        nack.deliveryCount = p.deliveryCount;
        group.pel.set(parseId(p.id), nack);
      }
      out.set(g.name, group);
    }
    return out;
  }
}

/**
 * The `stream` type.
 *
 * @example
 * ```ts
 * const s = ctx.db.lookupRead(key, streamType);
 * ```
 */
export const streamType: TypeSpec<Stream> = {
  name: "stream",
  encoding: () => "stream",
  copy: (s) => s.copy(),
  memoryUsage: (s) => s.memoryUsage(),
  length: (s) => s.length,
};

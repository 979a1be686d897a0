/**
 * Point-in-time snapshots of the keyspace without fork(): the engine behind SAVE, BGSAVE,
 * DEBUG RELOAD and AOF rewrites.
 *
 * Redis forks and lets the kernel's copy-on-write keep the child's view frozen: every page
 * the parent touches during the save is copied whole (4 KB for a 10-byte SET), and the fork
 * itself stalls the parent for ~10 ms per GB of page tables. Here the snapshot runs on the
 * event loop, in time slices of a couple of milliseconds, and freezes its view itself:
 *
 *   1. At the start it captures each database's Dicts (the objects, not copies). FLUSHDB and
 *      SWAPDB replace or exchange whole Dicts, so what it captured is never emptied under it.
 *   2. It walks each captured Dict with the reverse-binary SCAN cursor. That cursor has a
 *      property the snapshot relies on: after a step returns cursor c, exactly the keys whose
 *      bit-reversed hash is below reverse(c) have been visited, whatever resizing happened
 *      (a key seen twice after a shrink is recognised the same way and skipped).
 *   3. While it runs, core calls `beforeKeyWrite` before any mutation (server.watchWrites).
 *      For a key of a captured Dict that the walk has not reached and that is not yet saved,
 *      the snapshot writes the key's current — still old — value at once and remembers the
 *      key; a key absent from the Dict is new since the start, and is only remembered, so the
 *      walk skips it. Writes after the start therefore never reach the file.
 *
 * Extra memory is the set of keys written during the save (plus the output buffer), not a
 * copy of the dataset; clients wait at most one slice, or the encoding of the one value they
 * are about to modify. What it writes is handed to a `KeySink`: an RDB writer (files, AOF
 * preambles) or an AOF command writer (AOF rewrites without preamble).
 */

import type { Db } from "../../core/keyspace.ts";
import { Dict, hashString } from "../../core/dict.ts";
import type { ServerApi } from "../../core/server.ts";
import type { Value } from "../../core/spec.ts";

/** Where a snapshot's keys go (an RDB writer, an AOF rewriter). */
export interface KeySink {
  /** Keys that follow belong to database `db` (`keys`/`expires`: size hints, -1 unknown). */
  selectDb(db: number, keys: number, expires: number): void;
  /** One key with its value and absolute expiry in ms (-1: none). */
  key(key: string, value: Value, expireAt: number): void;
  /** Bytes buffered and not yet handed on: the runner flushes past a threshold. */
  readonly pending: number;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** A database as captured at the start, and how far the walk has come. */
interface Captured {
  index: number;
  main: Dict<Value>;
  expires: Dict<number>;
  size: number;
  volatile: number;
  /** Walk position: 0 before the first step. */
  cursor: number;
  /** reverse(cursor): keys with a reversed hash below it were visited. */
  reached: number;
  started: boolean;
  done: boolean;
  /**
   * Keys written ahead of the walk (pre-images) or created since the start. A Dict, not a
   * Set: on Deno (V8) the first `Set#has` after the set had grown cost time proportional to
   * its size — 15 ms at 22k keys, doubling with each growth, measured inside BGSAVE's walk.
   */
  touched: Dict<boolean>;
}

/**
 * One snapshot in progress.
 *
 * @example
 * ```ts
 * const snap = new Snapshot(server, sink, { live: true });
 * while (!snap.step(performance.now() + 2)) await flushAndYield();
 * snap.close();
 * ```
 */
export class Snapshot {
  private readonly dbs: Captured[];
  private readonly byDict = new Map<Dict<Value>, Captured>();
  private next = 0;
  private selected = -1;
  private readonly live: boolean;
  private closed = false;
  /** What the sink threw while saving a pre-image: `step` rethrows it to the runner. */
  private failure: unknown = null;
  /** Keys written so far (walk + pre-images). */
  keys = 0;
  /** Keys written ahead of the walk because they were about to change. */
  preImages = 0;
  private readonly hook = (db: Db, key: string) => this.beforeWrite(db, key);
  /** The database `visit` is walking, and whether its table shrank since the last step. */
  private walking: Captured | null = null;
  private shrunk = false;
  /**
   * The walk's per-key callback, made once: a closure per bucket, or hashing every key to
   * check the cursor invariant when the table did not shrink, were a third of the walk's
   * garbage and time.
   */
  private readonly visit = (key: string, value: Value) => {
    const c = this.walking!;
    if (c.touched.size > 0 && c.touched.has(key)) return;
    // Seen at an earlier step (the table shrank since): already written.
    if (this.shrunk && reverseBits(hashString(key)) < c.reached) return;
    this.write(c, key, value);
  };

  /**
   * Capture the databases. With `live`, writes are watched until `close()` (BGSAVE); without,
   * the caller runs the snapshot to completion before anything else runs (SAVE).
   */
  constructor(
    private readonly server: ServerApi,
    private readonly sink: KeySink,
    options: { live: boolean },
  ) {
    this.live = options.live;
    this.dbs = server.dbs.map((db) => ({
      index: db.index,
      main: db.main,
      expires: db.expires,
      size: db.main.size,
      volatile: db.expires.size,
      cursor: 0,
      reached: 0,
      started: false,
      done: db.main.size === 0,
      touched: new Dict<boolean>(false),
    }));
    for (const c of this.dbs) this.byDict.set(c.main, c);
    if (this.live) {
      server.addHook("beforeKeyWrite", this.hook);
      server.watchWrites(true);
    }
  }

  /**
   * Walk until `deadline` (performance.now() ms) or until the sink holds `flushAt` bytes;
   * returns true when every database has been written.
   */
  step(deadline: number, flushAt = 1 << 20): boolean {
    if (this.failure !== null) throw this.failure;
    let n = 0;
    while (this.next < this.dbs.length) {
      const c = this.dbs[this.next];
      if (c.done) {
        this.next++;
        continue;
      }
      if (!c.started) {
        c.started = true;
        this.select(c, true);
      }
      this.select(c, false);
      this.walking = c;
      // A cursor beyond the table means it shrank since the last step: the bucket then
      // merges buckets already visited, whose keys must be told apart by their hash.
      this.shrunk = c.cursor >= c.main.bucketCount;
      c.cursor = c.main.scan(c.cursor, this.visit);
      if (c.cursor === 0) {
        c.done = true;
        c.touched.clear();
        this.next++;
      } else c.reached = reverseBits(c.cursor);
      if ((++n & 15) === 0 && (performance.now() >= deadline || this.sink.pending >= flushAt)) {
        break;
      }
    }
    return this.next >= this.dbs.length;
  }

  /** Stop watching writes (always call it, also when the save failed). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.live) {
      this.server.removeHook("beforeKeyWrite", this.hook);
      this.server.watchWrites(false);
    }
    for (const c of this.dbs) c.touched.clear();
    this.byDict.clear();
  }

  private select(c: Captured, withSizes: boolean): void {
    if (this.selected === c.index && !withSizes) return;
    this.selected = c.index;
    this.sink.selectDb(c.index, withSizes ? c.size : -1, withSizes ? c.volatile : -1);
  }

  private write(c: Captured, key: string, value: Value): void {
    const at = c.expires.size > 0 ? c.expires.get(key) : undefined;
    this.sink.key(key, value, at ?? -1);
    this.keys++;
  }

  /** beforeKeyWrite: save the old value of a key the walk has not reached yet. */
  private beforeWrite(db: Db, key: string): void {
    const c = this.byDict.get(db.main);
    if (c === undefined || c.done || c.touched.has(key)) return;
    if (c.started && reverseBits(hashString(key)) < c.reached) return;
    c.touched.set(key, true);
    const slot = c.main.find(key);
    if (slot < 0) return; // created since the start: not part of the snapshot
    // The sink may refuse the value (RdbVersionTooLow, a type that cannot be saved): that is
    // the save's failure, not the client's command's, so it is handed to the runner.
    try {
      this.select(c, false);
      this.write(c, key, c.main.valueOf(slot));
      this.preImages++;
    } catch (e) {
      this.failure = e;
      this.close();
    }
  }
}

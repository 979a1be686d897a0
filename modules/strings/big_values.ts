/**
 * Cheap small edits to big values (SETBIT, BITFIELD, short SETRANGE writes).
 *
 * The problem. Values are immutable JS strings, so changing one byte of a 16MB bitmap means
 * building a new 16MB string: about a millisecond per SETBIT, and filling a bitmap bit by
 * bit becomes quadratic. Redis edits its buffer in place in microseconds.
 *
 * The approach. For values of at least BIG bytes this module keeps, next to the keyspace,
 * the value cut into about TARGET_CHUNKS pieces (4KB at least), and stores in the keyspace the concatenation of the
 * pieces: the engine represents that as a rope (a tree of references) built in O(number of
 * chunks), without copying bytes. An edit copies only the chunks it touches and re-ropes.
 * Reads by the bit commands go through `byteReader`, which reads the chunks, so a SETBIT/
 * GETBIT workload never forces the engine to flatten the rope; anything else that needs the
 * whole value (GET, BITCOUNT, persistence) flattens it once, as Redis would copy it to the
 * socket.
 *
 * Safety. An entry is used only while the keyspace still holds the very string it produced
 * (`===` on the same object is a pointer check); any other write to the key makes the entry
 * stale and it is rebuilt from the current value. Entries cost memory once the engine has
 * flattened their rope (the chunks are a second copy), so there are at most MAX_ENTRIES of
 * them, least recently used first out, and the cron drops entries idle for IDLE_MS.
 */

import type { Db } from "../../core/keyspace.ts";
import { guardLength, patchBytes } from "./common.ts";

/** Values shorter than this are simply copied on edit. */
export const BIG = 32 * 1024;
/** Chunks per value we aim for: an edit costs one chunk copy plus this many rope links. */
const TARGET_CHUNKS = 128;
const MAX_ENTRIES = 4;
const IDLE_MS = 5000;

interface Entry {
  db: Db;
  key: string;
  /** The string this entry last stored under the key. */
  value: string;
  chunkSize: number;
  chunks: string[];
  lastUse: number;
}

let entries: Entry[] = [];

function find(db: Db, key: string, value: string): Entry | undefined {
  for (const e of entries) {
    if (e.db === db && e.key === key) return e.value === value ? e : undefined;
  }
  return undefined;
}

/** Concatenate pieces as a balanced tree, so the rope stays shallow. */
function rope(parts: string[], lo = 0, hi = parts.length): string {
  if (hi - lo === 1) return parts[lo];
  const mid = (lo + hi) >>> 1;
  return rope(parts, lo, mid) + rope(parts, mid, hi);
}

/**
 * A byte reader for `value` (stored at `key`), reading past the end as 0. For a value this
 * module produced it reads the chunks, leaving the rope unflattened.
 *
 * @example
 * ```ts
 * const at = byteReader(db, key, value);
 * at(12345); // the byte at offset 12345
 * ```
 */
export function byteReader(db: Db, key: string, value: string): (i: number) => number {
  const e = value.length >= BIG ? find(db, key, value) : undefined;
  if (e === undefined) return (i) => (i < value.length ? value.charCodeAt(i) : 0);
  const { chunks, chunkSize } = e;
  return (i) => {
    const c = chunks[Math.floor(i / chunkSize)];
    return c === undefined ? 0 : c.charCodeAt(i % chunkSize) || 0;
  };
}

/** An edit of the value stored at `key`. */
export interface ByteEdit {
  key: string;
  /** The current value ("" when the key is absent). */
  old: string;
  /** The new length (at least `old.length`; the growth is zero bytes). */
  length: number;
  /** Offset → new byte. */
  changes: Map<number, number>;
}

/**
 * The value after an edit. The caller stores the result under the key.
 *
 * @example
 * ```ts
 * const next = editBytes(db, { key: "bm", old, length: old.length, changes: new Map([[3, 0x80]]) });
 * db.overwrite("bm", next);
 * ```
 */
export function editBytes(db: Db, edit: ByteEdit): string {
  const { key, old, length, changes } = edit;
  if (length < BIG) return patchBytes(old, length, changes);
  let e = find(db, key, old);
  // A value that grew far past its chunking (a bitmap filled bit by bit) is re-cut: that
  // costs one copy each time it quadruples, so growing stays linear overall.
  if (e === undefined || length > e.chunkSize * TARGET_CHUNKS * 4) {
    const chunkSize = Math.max(4096, 2 ** Math.ceil(Math.log2(length / TARGET_CHUNKS)));
    const chunks: string[] = [];
    for (let i = 0; i < old.length; i += chunkSize) chunks.push(old.slice(i, i + chunkSize));
    entries = entries.filter((x) => !(x.db === db && x.key === key));
    if (entries.length >= MAX_ENTRIES) entries.shift();
    e = { db, key, value: old, chunkSize, chunks, lastUse: 0 };
    entries.push(e);
  } else {
    // Most recently used last.
    entries.splice(entries.indexOf(e), 1);
    entries.push(e);
  }
  const { chunks, chunkSize } = e;
  const perChunk = new Map<number, Map<number, number>>();
  for (const [i, v] of changes) {
    const c = Math.floor(i / chunkSize);
    let m = perChunk.get(c);
    if (m === undefined) perChunk.set(c, m = new Map());
    m.set(i % chunkSize, v);
  }
  const lastChunk = Math.floor((length - 1) / chunkSize);
  for (let c = 0; c <= lastChunk; c++) {
    const want = c < lastChunk ? chunkSize : length - c * chunkSize;
    const have = chunks[c] ?? "";
    const m = perChunk.get(c);
    if (have.length < want || m !== undefined) chunks[c] = patchBytes(have, want, m ?? new Map());
  }
  e.value = guardLength(() => rope(chunks));
  e.lastUse = Date.now();
  return e.value;
}

/**
 * Drop entries idle for a while (the module's cron hook), or all of them.
 *
 * @example
 * ```ts
 * dropIdleEdits(Date.now()); // from cron
 * dropIdleEdits(Infinity); // after FLUSHALL
 * ```
 */
export function dropIdleEdits(now: number): void {
  if (entries.length > 0) entries = entries.filter((e) => now - e.lastUse < IDLE_MS);
}

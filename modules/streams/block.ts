/**
 * A stream block: a run of consecutive entries packed into one latin1 string, Modis's
 * counterpart of a Redis stream node (a listpack under a radix-tree key).
 *
 * Why a string. A million small entries as JS objects would cost well over 100 bytes each;
 * packed, `XADD s * item 1` costs about 5 bytes (flags, two ID deltas, one value). Sealed
 * blocks are immutable flat latin1 strings, cheap for both engines to keep, and decoding with
 * charCodeAt is fast. The open (last) block is written into a growable byte buffer instead,
 * so XADD is O(1) and leaves no garbage behind (small per-append strings and arrays made the
 * runtimes' heaps, and so RSS, grow far beyond the live data); reading it builds its string
 * once per change, bounded by the block size. A block is sealed, buffer dropped, when the
 * next one starts.
 *
 * Entry layout (all counts and lengths are base-128 varints, low 7 bits first):
 *   flags | ms-delta | seq-code | [nfields | (len field len value) × n]   (own fields)
 *   flags | ms-delta | seq-code | (len value) × n                         (master fields)
 * flags: bit 0 = deleted (tombstone, kept like Redis keeps it until the block empties),
 * bit 1 = same field names as the block's first entry (`masterFields`, shared like Redis's
 * master entry). IDs are relative to the previous entry of the block: ms-delta = ms − prev
 * ms; seq-code = seq − prev seq − 1 when the ms is the same, else the seq itself. The first
 * entry's ID is the block's `master` ID and is written as 0 0.
 *
 * `lpBytes` tracks the size the Redis listpack of the same entries would have, for Redis's
 * node-split rule (see listpack_size.ts).
 */

import { bytesToBinary } from "../../core/bytes.ts";
import { lpIntSize, lpStringSize } from "./listpack_size.ts";
import { incr, type StreamId, type U64, u64 } from "./stream_id.ts";

const FLAG_DELETED = 1;
const FLAG_SAME = 2;
const DELETED_CHAR = (c: number) => String.fromCharCode(c | FLAG_DELETED);
const LP_HEADER = 7;

function sub(a: U64, b: U64): U64 {
  return typeof a === "number" && typeof b === "number" ? a - b : u64(BigInt(a) - BigInt(b));
}

function add(a: U64, b: U64): U64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return u64(BigInt(a) + BigInt(b));
}

/** Listpack size of an ID delta against the master ID (int64 wrap, as Redis stores it). */
function deltaSize(v: U64, master: U64): number {
  if (typeof v === "number" && typeof master === "number") return lpIntSize(v - master);
  return lpIntSize(BigInt.asIntN(64, BigInt(v) - BigInt(master)));
}

/** One decoded entry: its ID, tombstone flag, flat field/value list and offset in `data`. */
export interface BlockEntry {
  id: StreamId;
  deleted: boolean;
  fields: string[];
  offset: number;
}

/**
 * Decodes a block's entries front to back.
 *
 * @example
 * ```ts
 * const r = new BlockReader(block);
 * for (let e = r.next(); e; e = r.next()) console.log(e.id);
 * ```
 */
export class BlockReader {
  private pos = 0;
  private ms: U64;
  private seq: U64;
  private first = true;
  private readonly data: string;

  constructor(private readonly block: Block) {
    this.data = block.flat();
    this.ms = block.master.ms;
    this.seq = block.master.seq;
  }

  private varint(): U64 {
    const d = this.data;
    let c = d.charCodeAt(this.pos++);
    if (c < 128) return c;
    let v = c & 127;
    let mul = 128;
    for (;;) {
      c = d.charCodeAt(this.pos++);
      if (mul >= 2 ** 46) return this.bigVarint(v, mul, c);
      v += (c & 127) * mul;
      if (c < 128) return v;
      mul *= 128;
    }
  }

  private bigVarint(low: number, mul: number, c: number): U64 {
    let v = BigInt(low);
    let m = BigInt(mul);
    for (;;) {
      v += BigInt(c & 127) * m;
      if (c < 128) return u64(v);
      m *= 128n;
      c = this.data.charCodeAt(this.pos++);
    }
  }

  private str(): string {
    const n = this.varint() as number;
    const s = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** The next entry (tombstones included), or null at the end. */
  next(): BlockEntry | null {
    if (this.pos >= this.data.length) return null;
    const offset = this.pos;
    const flags = this.data.charCodeAt(this.pos++);
    const msDelta = this.varint();
    const seqCode = this.varint();
    if (this.first) this.first = false;
    else if (msDelta === 0) this.seq = add(this.seq, incr(seqCode) ?? 0);
    else {
      this.ms = add(this.ms, msDelta);
      this.seq = seqCode;
    }
    const fields: string[] = [];
    if (flags & FLAG_SAME) {
      const names = this.block.masterFields;
      for (let i = 0; i < names.length; i++) fields.push(names[i], this.str());
    } else {
      const n = this.varint() as number;
      for (let i = 0; i < n; i++) fields.push(this.str(), this.str());
    }
    return {
      id: { ms: this.ms, seq: this.seq },
      deleted: (flags & FLAG_DELETED) !== 0,
      fields,
      offset,
    };
  }
}

/**
 * A block of stream entries (see the file comment).
 *
 * @example
 * ```ts
 * const b = new Block({ ms: 1, seq: 0 }, ["f", "v"], 0);
 * b.append({ ms: 1, seq: 1 }, ["f", "w"], 0);
 * ```
 */
export class Block {
  /** ID of the first entry ever stored here (tombstones included). */
  readonly master: StreamId;
  /** ID of the last entry stored here (tombstones included). */
  last: StreamId;
  readonly masterFields: string[];
  /** Packed entries up to `dataLen` bytes of `buf` (all of them once sealed). */
  private data = "";
  private dataLen = 0;
  /** The open block's byte buffer (null once sealed). */
  private buf: Uint8Array | null = new Uint8Array(64);
  private len = 0;
  /** Entries not deleted. */
  live = 0;
  /** Tombstones. */
  deleted = 0;
  /** Listpack bytes minus the two counters of the master entry. */
  private lpBody: number;

  /** Start a block with its first entry (flat field/value list from `argv[from]`). */
  constructor(id: StreamId, argv: readonly string[], from: number) {
    this.master = id;
    this.last = id;
    const names: string[] = [];
    let body = LP_HEADER + lpIntSize((argv.length - from) / 2) + 2; // nfields, terminator
    for (let i = from; i < argv.length; i += 2) {
      names.push(argv[i]);
      body += lpStringSize(argv[i]);
    }
    this.masterFields = names;
    this.lpBody = body;
    this.append(id, argv, from);
  }

  /** Size of the equivalent Redis listpack. */
  get lpBytes(): number {
    return this.lpBody + lpIntSize(this.live) + lpIntSize(this.deleted);
  }

  /** Entries stored, tombstones included (what Redis counts against node-max-entries). */
  get slots(): number {
    return this.live + this.deleted;
  }

  /** The packed entries as a string (rebuilt from the buffer after appends). */
  flat(): string {
    if (this.buf !== null && this.dataLen !== this.len) {
      this.data = bytesToBinary(this.buf, 0, this.len);
      this.dataLen = this.len;
    }
    return this.data;
  }

  /** Stop accepting appends and drop the append buffer. */
  seal(): void {
    this.flat();
    this.buf = null;
  }

  private reserve(n: number): Uint8Array {
    let buf = this.buf;
    if (buf === null) {
      // A sealed block reopened (tail block after its successor was deleted): back to bytes.
      buf = new Uint8Array(this.data.length + n + 64);
      for (let i = 0; i < this.data.length; i++) buf[i] = this.data.charCodeAt(i);
      this.len = this.dataLen = this.data.length;
    } else if (this.len + n > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, this.len + n));
      grown.set(buf.subarray(0, this.len));
      buf = grown;
    } else return buf;
    this.buf = buf;
    return buf;
  }

  private putVarint(v: U64): void {
    const buf = this.reserve(10);
    let at = this.len;
    if (typeof v === "number") {
      while (v >= 128) {
        buf[at++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      buf[at++] = v;
    } else {
      while (v >= 128n) {
        buf[at++] = Number(v & 127n) | 128;
        v >>= 7n;
      }
      buf[at++] = Number(v);
    }
    this.len = at;
  }

  private putString(s: string): void {
    this.putVarint(s.length);
    const n = s.length;
    const buf = this.reserve(n);
    let at = this.len;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.len = at;
  }

  /** Append an entry whose ID is greater than `last`. */
  append(id: StreamId, argv: readonly string[], from: number): void {
    const n = (argv.length - from) / 2;
    const names = this.masterFields;
    let same = n === names.length;
    for (let i = 0; same && i < n; i++) same = argv[from + 2 * i] === names[i];
    const first = this.live + this.deleted === 0;
    this.putVarint(same ? FLAG_SAME : 0);
    if (first) {
      this.putVarint(0);
      this.putVarint(0);
    } else if (id.ms === this.last.ms) {
      this.putVarint(0);
      this.putVarint(sub(sub(id.seq, this.last.seq), 1));
    } else {
      this.putVarint(sub(id.ms, this.last.ms));
      this.putVarint(id.seq);
    }
    let lp = 2 + deltaSize(id.ms, this.master.ms) + deltaSize(id.seq, this.master.seq);
    if (!same) {
      this.putVarint(n);
      lp += lpIntSize(n);
    }
    for (let i = from; i < argv.length; i += 2) {
      if (!same) {
        this.putString(argv[i]);
        lp += lpStringSize(argv[i]);
      }
      this.putString(argv[i + 1]);
      lp += lpStringSize(argv[i + 1]);
    }
    this.lpBody += lp + lpIntSize(same ? n + 3 : 2 * n + 4);
    this.live++;
    this.last = id;
  }

  /** Mark the entries at `offsets` (from a BlockReader) as deleted. */
  markDeleted(offsets: number[]): void {
    if (offsets.length === 0) return;
    this.live -= offsets.length;
    this.deleted += offsets.length;
    if (this.buf !== null) {
      for (const off of offsets) this.buf[off] |= FLAG_DELETED;
      this.dataLen = -1;
      return;
    }
    const d = this.data;
    const parts: string[] = [];
    let at = 0;
    for (const off of offsets) {
      parts.push(d.slice(at, off), DELETED_CHAR(d.charCodeAt(off)));
      at = off + 1;
    }
    parts.push(d.slice(at));
    this.data = parts.join("");
  }

  /** A copy sharing the (immutable) packed data. */
  clone(): Block {
    this.flat();
    const b: Block = Object.create(Block.prototype);
    Object.assign(b, this);
    b.buf = this.buf === null ? null : this.buf.slice();
    return b;
  }

  /** Approximate heap bytes (MEMORY USAGE). */
  memoryUsage(): number {
    let n = 64 + (this.buf === null ? this.data.length : this.buf.length);
    for (const f of this.masterFields) n += 16 + f.length;
    return n;
  }
}

/**
 * The HyperLogLog value, byte for byte in Redis's representation, so an HLL written by Modis
 * can be read by Redis (GET/SET, DUMP/RESTORE, RDB) and the reverse.
 *
 * Layout (Redis's documented format). A 16-byte header: the magic "HYLL", one encoding
 * byte (0 dense, 1 sparse), three unused bytes, and an 8-byte little-endian cached
 * cardinality whose top bit set means "stale". Then 16384 registers (P = 14) of 6 bits:
 *   dense   12288 bytes, register i in bits 6i..6i+5 counting from the least significant
 *           bit of each byte upwards;
 *   sparse  run-length opcodes: ZERO 00xxxxxx (1-64 zero registers), XZERO 01xxxxxx
 *           yyyyyyyy (1-16384 zero registers), VAL 1vvvvvxx (1-4 registers of value 1-32).
 * A new HLL is sparse (a single XZERO). It turns dense, for good, when a register needs a
 * value above 32 or an update would grow the sparse form past hll-sparse-max-bytes.
 *
 * Sparse updates must produce exactly Redis's bytes, not just an equivalent encoding: the
 * opcode covering the register is split into at most three opcodes, then VAL opcodes with
 * equal values next to the change are merged, looking at no more than five opcodes from the
 * one before the change. Doing anything smarter (or dumber) gives a different, valid string,
 * which would make GET differ from Redis's and change when promotion happens.
 *
 * Working copy. Values live in the keyspace as binary strings; a command decodes the string
 * once into an `Hll` (a Uint8Array with spare room so sparse edits shift bytes in place),
 * applies all its updates, and encodes it back once. The byte after the data is kept zero,
 * as the terminator of Redis's sds strings is: a truncated XZERO at the very end reads it.
 *
 * Estimation is Otmar Ertl's improved estimator over the register histogram (the one Redis
 * uses since 5.0), computed in the same double-precision order so results are identical.
 * Every reader of the sparse form checks that its runs cover exactly 16384 registers, so a
 * corrupted value is reported (INVALIDOBJ), never read out of bounds.
 */

import { ReplyError } from "../../core/errors.ts";
import { bytesToBinary } from "../../core/bytes.ts";
import { hllHashElement } from "./murmur.ts";

/** Number of registers (2^14). */
export const HLL_REGISTERS = 16384;
/** Header bytes. */
export const HLL_HDR_SIZE = 16;
/** Total length of a dense HLL string. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + HLL_REGISTERS * 6 / 8;
/** Largest run-of-zeros count a 64-bit hash can give (Q + 1). */
const MAX_COUNT = 51;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const DENSE = 0;
const SPARSE = 1;

/** The error for a string that is not an HLL. */
export const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
/** The error for an HLL whose registers cannot be decoded. */
export const INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";

/**
 * Throw NOT_HLL unless `s` passes Redis's cheap HLL check: long enough for a header, the
 * magic, a known encoding, and the exact length when dense. (The sparse opcodes are checked
 * when read.)
 *
 * @example
 * ```ts
 * checkHll(value); // throws ReplyError(NOT_HLL) for "bar"
 * ```
 */
export function checkHll(s: string): void {
  if (
    s.length < HLL_HDR_SIZE || !s.startsWith("HYLL") || s.charCodeAt(4) > SPARSE ||
    (s.charCodeAt(4) === DENSE && s.length !== HLL_DENSE_SIZE)
  ) {
    throw new ReplyError(NOT_HLL);
  }
}

/**
 * A decoded HLL being worked on by one command.
 *
 * @example
 * ```ts
 * const h = Hll.empty();
 * h.add("apple", 3000);
 * h.count(); // 1
 * h.toBinary(); // the string to store
 * ```
 */
export class Hll {
  private constructor(public buf: Uint8Array, public len: number) {}

  /** A new, empty HLL: sparse, one XZERO opcode, cached cardinality 0. */
  static empty(): Hll {
    const h = new Hll(new Uint8Array(64), HLL_HDR_SIZE + 2);
    h.buf.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]); // "HYLL"
    writeXZero(h.buf, HLL_HDR_SIZE, HLL_REGISTERS);
    return h;
  }

  /** Decode a stored value that passed `checkHll`. */
  static fromBinary(s: string): Hll {
    const buf = new Uint8Array(s.length + (s.charCodeAt(4) === SPARSE ? 64 : 1));
    for (let i = 0; i < s.length; i++) buf[i] = s.charCodeAt(i);
    return new Hll(buf, s.length);
  }

  /** The value to store. */
  toBinary(): string {
    return bytesToBinary(this.buf, 0, this.len);
  }

  /** Whether the registers are dense. */
  get isDense(): boolean {
    return this.buf[4] === DENSE;
  }

  /** Whether the cached cardinality is current. */
  get cacheValid(): boolean {
    return (this.buf[15] & 0x80) === 0;
  }

  /** Mark the cached cardinality stale (after any register change). */
  invalidateCache(): void {
    this.buf[15] |= 0x80;
  }

  /** The cached cardinality (meaningful when `cacheValid`). */
  get cachedCount(): number | bigint {
    let v = 0n;
    for (let i = 15; i >= 8; i--) v = (v << 8n) | BigInt(this.buf[i]);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** Store a freshly computed cardinality in the header (which also marks it valid). */
  set cachedCount(n: number | bigint) {
    let v = BigInt(n);
    for (let i = 8; i < 16; i++) {
      this.buf[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /**
   * Add an element: 1 if a register grew, 0 if not, -1 if the sparse form is corrupt.
   * `sparseMaxBytes` is hll-sparse-max-bytes.
   */
  add(element: string, sparseMaxBytes: number): number {
    const packed = hllHashElement(element);
    return this.set(packed >>> 6, packed & 63, sparseMaxBytes);
  }

  /** Raise register `index` to `count` if lower: 1 if changed, 0 if not, -1 if corrupt. */
  set(index: number, count: number, sparseMaxBytes: number): number {
    if (this.buf[4] === DENSE) return denseSet(this.buf, index, count) ? 1 : 0;
    const r = this.sparseSet(index, count, sparseMaxBytes);
    if (r !== PROMOTE) return r;
    if (!this.toDense()) return -1;
    denseSet(this.buf, index, count);
    return 1;
  }

  /** Convert to the dense encoding (keeping the header); false when the sparse form is corrupt. */
  toDense(): boolean {
    if (this.buf[4] === DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
    dense.set(this.buf.subarray(0, HLL_HDR_SIZE));
    dense[4] = DENSE;
    const b = this.buf;
    let idx = 0;
    for (let p = HLL_HDR_SIZE; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | b[p + 1]) + 1;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        const value = ((op >> 2) & 0x1f) + 1;
        if (idx + run > HLL_REGISTERS) break;
        for (let k = 0; k < run; k++) denseSet(dense, idx++, value, true);
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return false;
    this.buf = dense;
    this.len = HLL_DENSE_SIZE;
    return true;
  }

  /** The register histogram (count of registers per value), or null when corrupt. */
  histogram(): Int32Array | null {
    const histo = new Int32Array(64);
    const b = this.buf;
    if (b[4] === DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(b, i)]++;
      return histo;
    }
    let idx = 0;
    for (let p = HLL_HDR_SIZE; p < this.len;) {
      const op = b[p];
      let run: number;
      if ((op & 0xc0) === 0) {
        run = (op & 0x3f) + 1;
        histo[0] += run;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        run = (((op & 0x3f) << 8) | b[p + 1]) + 1;
        histo[0] += run;
        p += 2;
      } else {
        run = (op & 3) + 1;
        histo[((op >> 2) & 0x1f) + 1] += run;
        p++;
      }
      idx += run;
    }
    return idx === HLL_REGISTERS ? histo : null;
  }

  /** The estimated cardinality from the registers, or null when corrupt. */
  count(): number | null {
    const histo = this.histogram();
    return histo === null ? null : estimate(histo);
  }

  /** max[i] = max(max[i], register i) for every register; false when corrupt. */
  mergeInto(max: Uint8Array): boolean {
    const b = this.buf;
    if (b[4] === DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = denseGet(b, i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    let i = 0;
    for (let p = HLL_HDR_SIZE; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        i += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        i += (((op & 0x3f) << 8) | b[p + 1]) + 1;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        const value = ((op >> 2) & 0x1f) + 1;
        if (i + run > HLL_REGISTERS) break;
        for (let k = 0; k < run; k++, i++) if (value > max[i]) max[i] = value;
        p++;
      }
    }
    return i === HLL_REGISTERS;
  }

  /** Register values of a dense HLL (PFDEBUG GETREG). */
  registers(): number[] {
    const out: number[] = new Array(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(this.buf, i);
    return out;
  }

  /** The sparse opcodes in PFDEBUG DECODE's notation ("Z:16384", "v:3,1", "z:12"). */
  decodeSparse(): string {
    const parts: string[] = [];
    const b = this.buf;
    for (let p = HLL_HDR_SIZE; p < this.len;) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        parts.push(`z:${(op & 0x3f) + 1}`);
        p++;
      } else if ((op & 0xc0) === 0x40) {
        parts.push(`Z:${(((op & 0x3f) << 8) | b[p + 1]) + 1}`);
        p += 2;
      } else {
        parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
        p++;
      }
    }
    return parts.join(" ");
  }

  /**
   * The sparse update: 1 changed, 0 unchanged, -1 corrupt, PROMOTE when the dense form is
   * needed (value too big for a VAL opcode, or the string would outgrow the limit).
   */
  private sparseSet(index: number, count: number, maxBytes: number): number {
    if (count > SPARSE_VAL_MAX_VALUE) return PROMOTE;
    const start = HLL_HDR_SIZE;
    let b = this.buf;
    let end = this.len;
    // Step 1: find the opcode covering `index`.
    let p = start, first = 0, span = 0, prev = -1;
    while (p < end) {
      const op = b[p];
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | b[p + 1]) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p];
    const isXZero = (op & 0xc0) === 0x40;
    const isZero = (op & 0xc0) === 0;
    const isVal = !isXZero && !isZero;
    const runlen = span;
    const next = p + (isXZero ? 2 : 1);

    let updatedInPlace = false;
    if (isVal) {
      const old = ((op >> 2) & 0x1f) + 1;
      if (old >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        updatedInPlace = true;
      }
    }
    if (isZero && runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }
    if (!updatedInPlace) {
      // Step 2: split the opcode into up to three (at most 5 bytes).
      const seq: number[] = [];
      const last = first + span - 1;
      if (isVal) {
        const cur = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(cur, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(cur, last - index));
      } else {
        if (index !== first) pushZeros(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) pushZeros(seq, last - index);
      }
      // Step 3: put the sequence in place of the opcode, shifting the tail.
      const oldlen = isXZero ? 2 : 1;
      const delta = seq.length - oldlen;
      if (delta > 0 && this.len + delta > maxBytes) return PROMOTE;
      if (this.len + delta + 1 > b.length) {
        const grown = new Uint8Array(Math.max(b.length * 2, this.len + delta + 64));
        grown.set(b.subarray(0, this.len));
        this.buf = b = grown;
      }
      if (delta !== 0 && next < end) b.copyWithin(next + delta, next, end);
      for (let k = 0; k < seq.length; k++) b[p + k] = seq[k];
      end += delta;
      this.len = end;
      b[end] = 0;
    }
    // Step 4: merge equal adjacent VAL opcodes near the change (up to 5 opcodes from prev).
    p = prev >= 0 ? prev : start;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = b[p];
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && (b[p + 1] & 0x80) !== 0) {
        const o2 = b[p + 1];
        const v1 = ((o >> 2) & 0x1f) + 1;
        if (v1 === ((o2 >> 2) & 0x1f) + 1) {
          const len = (o & 3) + 1 + (o2 & 3) + 1;
          if (len <= SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, len);
            b.copyWithin(p, p + 1, end);
            end--;
            this.len = end;
            b[end] = 0;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }
}

const PROMOTE = 2;

function valOp(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

function writeXZero(b: Uint8Array, at: number, len: number): void {
  b[at] = ((len - 1) >> 8) | 0x40;
  b[at + 1] = (len - 1) & 0xff;
}

function pushZeros(seq: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
  else seq.push(len - 1);
}

/** Register `i` of a dense buffer (header included). */
function denseGet(b: Uint8Array, i: number): number {
  const bit = i * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  return ((b[at] >> fb) | (b[at + 1] << (8 - fb))) & 63;
}

/** Set register `i` to `v` if higher (or unconditionally with `force`); whether it changed. */
function denseSet(b: Uint8Array, i: number, v: number, force = false): boolean {
  if (!force && v <= denseGet(b, i)) return false;
  const bit = i * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  b[at] = (b[at] & ~(63 << fb)) | (v << fb);
  if (fb > 2) b[at + 1] = (b[at + 1] & ~(63 >> (8 - fb))) | (v >> (8 - fb));
  return true;
}

/**
 * The estimate for a register histogram (Ertl's improved estimator, as Redis computes it).
 *
 * @example
 * ```ts
 * const h = new Int32Array(64);
 * h[0] = 16384;
 * estimate(h); // 0
 * ```
 */
export function estimate(histo: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[MAX_COUNT]) / m);
  for (let j = MAX_COUNT - 1; j >= 1; j--) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round(0.721347520444481703680 * m * m / z);
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (prev !== z);
  return z / 3;
}

/**
 * The estimate for registers held one per byte (the union PFCOUNT builds over several keys).
 *
 * @example
 * ```ts
 * rawCount(new Uint8Array(HLL_REGISTERS)); // 0
 * ```
 */
export function rawCount(registers: Uint8Array): number {
  const histo = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[registers[i] & 63]++;
  return estimate(histo);
}

/**
 * Check the dense register accessors against a plain byte array, with random values over
 * all registers, `cycles` times (PFSELFTEST's first part). Returns an error text or null.
 *
 * @example
 * ```ts
 * denseAccessSelfTest(10); // null
 * ```
 */
export function denseAccessSelfTest(cycles: number): string | null {
  const b = new Uint8Array(HLL_DENSE_SIZE + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let c = 0; c < cycles; c++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = (Math.random() * 64) | 0;
      expected[i] = v;
      denseSet(b, i, v, true);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const got = denseGet(b, i);
      if (got !== expected[i]) {
        return `TESTFAILED Register ${i} should be ${expected[i]} but is ${got}`;
      }
    }
  }
  return null;
}

/**
 * Reads whole RDB files as a sequence of records (aux fields, database switches, resize hints,
 * keys, function libraries, module aux data, EOF), from one buffer or from chunks as they
 * arrive.
 *
 * Design. Loading must be time-sliceable and must not need the whole file in memory, so the
 * reader is pull-based: `push()` chunks, then call `next()` until it returns null ("need more
 * input"), yield to the event loop whenever you like, push more. A record is parsed
 * atomically: if the input ends inside one, the bounds-checked cursor throws a *truncation*
 * error, the reader rewinds to the record's start and waits. To keep that linear on huge
 * values it retries a failed record only once the buffered input has doubled (or at `end()`).
 * Only after `end()` is a truncation a real error (so a file without its EOF marker fails
 * there), and a record may be held back until more input arrives or `end()` is called: after
 * the last chunk, call `end()` and drain `next()`. Consumed bytes are released as it goes and
 * checksummed on the way, so the CRC-64 trailer is verified without re-reading anything.
 *
 * Expiry / LRU / LFU opcodes are folded into the key record they precede. `offset` is the
 * number of bytes consumed (progress reports; after EOF it is where an AOF tail begins when
 * the RDB is an AOF preamble).
 */

import { ByteReader, FormatError } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { moduleIdDecode, ModuleOpcode, skipModuleItems } from "./module_value.ts";
import {
  isValueType,
  RDB_VERSION_LATEST,
  RDB_VERSION_OLDEST,
  RdbOpcode,
  readLength,
  readLengthBig,
  readMillis,
  readString,
} from "./rdb_primitives.ts";
import { readValue } from "./value_codec.ts";
import type { RdbValue } from "./values.ts";

/**
 * One record of an RDB file.
 *
 * @example
 * ```ts
 * for (const rec of readRdb(bytes)) if (rec.kind === "key") console.log(rec.db, rec.key);
 * ```
 */
export type RdbRecord =
  | { kind: "aux"; name: string; value: string }
  | { kind: "selectdb"; db: number }
  | { kind: "resizedb"; keys: number; expires: number }
  | { kind: "slotinfo"; slot: number; keys: number; expires: number }
  | { kind: "function"; code: string }
  | { kind: "module-aux"; name: string; encver: number; when: number; body: Uint8Array }
  | {
    /** A key. Its value may be an empty collection, which Redis's loader skips (see `isEmptyCollection`). */
    kind: "key";
    db: number;
    key: string;
    /** The RDB type code it was stored with (tells which encoding Redis had). */
    type: number;
    value: RdbValue;
    expireAt?: number;
    idle?: number;
    freq?: number;
  }
  | { kind: "eof"; checksum: bigint; verified: boolean };

/** Reader options. @example `{ verifyChecksum: false }` */
export interface RdbReaderOptions {
  /** Check the CRC-64 trailer (unless it is zero, which means "not checksummed"). Default true. */
  verifyChecksum?: boolean;
}

/**
 * A chunked, pull-based RDB reader.
 *
 * @example
 * ```ts
 * const reader = new RdbReader();
 * reader.push(chunk1); reader.push(chunk2); reader.end();
 * for (let rec = reader.next(); rec; rec = reader.next()) handle(rec);
 * ```
 */
export class RdbReader {
  /** RDB version from the header (0 until the header was read). */
  version = 0;
  #buf = new Uint8Array(0);
  #start = 0;
  #len = 0;
  #consumed = 0;
  #ended = false;
  #done = false;
  #retryAt = 0;
  #db = 0;
  readonly #crc = new Crc64();
  readonly #verify: boolean;

  /** @example `new RdbReader({ verifyChecksum: true })` */
  constructor(options: RdbReaderOptions = {}) {
    this.#verify = options.verifyChecksum ?? true;
  }

  /** Bytes consumed so far (whole records only). @example `reader.offset / fileSize` */
  get offset(): number {
    return this.#consumed;
  }

  /** True once the EOF record was returned. @example `reader.done` */
  get done(): boolean {
    return this.#done;
  }

  /** Bytes after the EOF trailer (an AOF tail), once done. @example `reader.rest()` */
  rest(): Uint8Array {
    return this.#buf.slice(this.#start, this.#len);
  }

  /** Adds input. @example `reader.push(chunk)` */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error("RDB reader: push after end");
    const live = this.#len - this.#start;
    if (this.#len + chunk.length > this.#buf.length) {
      if (live + chunk.length <= this.#buf.length) this.#buf.copyWithin(0, this.#start, this.#len);
      else {
        const next = new Uint8Array(Math.max(2 * (live + chunk.length), 64 * 1024));
        next.set(this.#buf.subarray(this.#start, this.#len));
        this.#buf = next;
      }
      this.#len = live;
      this.#start = 0;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
  }

  /** Declares the input complete: a record cut short is now an error. @example `reader.end()` */
  end(): void {
    this.#ended = true;
  }

  /**
   * The next record, or null when more input is needed (or after EOF). Throws `FormatError`
   * on corrupt input, and on truncated input once `end()` was called.
   *
   * @example
   * ```ts
   * const rec = reader.next();
   * ```
   */
  next(): RdbRecord | null {
    if (this.#done) return null;
    if (this.version === 0 && this.#attempt((r) => this.#header(r)) === null) return null;
    return this.#attempt((r) => this.#record(r));
  }

  /** Parses one unit at the buffer start; consumes it on success, rewinds on truncation. */
  #attempt<T>(parse: (r: ByteReader) => T): T | null {
    const avail = this.#len - this.#start;
    if (!this.#ended && avail < this.#retryAt) return null;
    const r = new ByteReader(this.#buf.subarray(this.#start, this.#len), { base: this.#consumed });
    let result: T;
    try {
      result = parse(r);
    } catch (e) {
      if (e instanceof FormatError && e.truncated && !this.#ended) {
        this.#retryAt = avail * 2;
        return null;
      }
      throw e;
    }
    this.#retryAt = 0;
    if (!this.#done) this.#crc.update(r.bytes.subarray(0, r.pos));
    this.#start += r.pos;
    this.#consumed += r.pos;
    return result;
  }

  #header(r: ByteReader): number {
    const magic = r.latin1(9, "RDB header");
    const version = Number(magic.slice(5));
    if (!magic.startsWith("REDIS") || !/^\d{4}$/.test(magic.slice(5))) {
      r.fail(`not an RDB file (header "${magic}")`, 0);
    }
    if (version < RDB_VERSION_OLDEST || version > RDB_VERSION_LATEST) {
      r.fail(`can't handle RDB format version ${version}`, 5);
    }
    this.version = version;
    return version;
  }

  #record(r: ByteReader): RdbRecord {
    let expireAt: number | undefined;
    let idle: number | undefined;
    let freq: number | undefined;
    for (;;) {
      const at = r.pos;
      const op = r.u8("record type");
      switch (op) {
        case RdbOpcode.EXPIRETIME:
          expireAt = r.i32le("expire time") * 1000;
          continue;
        case RdbOpcode.EXPIRETIME_MS:
          expireAt = readMillis(r, "expire time");
          continue;
        case RdbOpcode.IDLE:
          idle = readLength(r, "LRU idle time");
          continue;
        case RdbOpcode.FREQ:
          freq = r.u8("LFU frequency");
          continue;
        case RdbOpcode.AUX:
          return {
            kind: "aux",
            name: readString(r, "aux name"),
            value: readString(r, "aux value"),
          };
        case RdbOpcode.SELECTDB:
          this.#db = readLength(r, "db number");
          return { kind: "selectdb", db: this.#db };
        case RdbOpcode.RESIZEDB:
          return {
            kind: "resizedb",
            keys: readLength(r, "db size"),
            expires: readLength(r, "expires size"),
          };
        case RdbOpcode.SLOT_INFO:
          return {
            kind: "slotinfo",
            slot: readLength(r, "slot id"),
            keys: readLength(r, "slot size"),
            expires: readLength(r, "slot expires size"),
          };
        case RdbOpcode.FUNCTION2:
          return { kind: "function", code: readString(r, "function library") };
        case RdbOpcode.FUNCTION_PRE_GA:
          return r.fail("pre-release function format not supported", at);
        case RdbOpcode.MODULE_AUX:
          return this.#moduleAux(r);
        case RdbOpcode.EOF:
          return this.#eof(r);
        default: {
          if (!isValueType(op)) return r.fail(`unknown RDB opcode/type ${op}`, at);
          const key = readString(r, "key");
          const value = readValue(r, op);
          const rec: RdbRecord = { kind: "key", db: this.#db, key, type: op, value };
          if (expireAt !== undefined) rec.expireAt = expireAt;
          if (idle !== undefined) rec.idle = idle;
          if (freq !== undefined) rec.freq = freq;
          return rec;
        }
      }
    }
  }

  #moduleAux(r: ByteReader): RdbRecord {
    const { name, encver } = moduleIdDecode(readLengthBig(r, "module ID"));
    const at = r.pos;
    if (readLength(r, "module aux when opcode") !== ModuleOpcode.UINT) {
      r.fail(`bad when opcode in module "${name}" aux data`, at);
    }
    const when = readLength(r, "module aux when");
    return { kind: "module-aux", name, encver, when, body: skipModuleItems(r, name) };
  }

  #eof(r: ByteReader): RdbRecord {
    const body = r.bytes.subarray(0, r.pos);
    if (this.version < 5) {
      this.#crc.update(body);
      this.#done = true;
      return { kind: "eof", checksum: 0n, verified: false };
    }
    const at = r.pos;
    const stored = new DataView(r.bytesView(8, "checksum").slice().buffer).getBigUint64(0, true);
    this.#crc.update(body);
    if (stored !== 0n && this.#verify) {
      const actual = this.#crc.digest();
      if (actual !== stored) {
        r.fail(
          `RDB checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${
            actual.toString(16)
          }`,
          at,
        );
      }
    }
    this.#done = true;
    return { kind: "eof", checksum: stored, verified: stored !== 0n && this.#verify };
  }
}

/**
 * Reads a complete RDB file held in memory, record by record.
 *
 * @example
 * ```ts
 * const keys = [...readRdb(bytes)].filter((r) => r.kind === "key");
 * ```
 */
export function* readRdb(bytes: Uint8Array, options: RdbReaderOptions = {}): Generator<RdbRecord> {
  const reader = new RdbReader(options);
  reader.push(bytes);
  reader.end();
  for (let rec = reader.next(); rec; rec = reader.next()) yield rec;
}

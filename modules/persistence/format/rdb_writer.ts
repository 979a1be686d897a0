/**
 * Writes whole RDB files incrementally: header, aux fields, databases with resize hints,
 * keys with expiry / LRU / LFU metadata, function libraries, module aux data, and the EOF
 * marker with the CRC-64 trailer.
 *
 * Design. A snapshot of a big keyspace must not block the event loop or be held in memory
 * twice, so the writer is a small state machine the caller drives key by key: each method
 * appends to an internal buffer and `take()` hands over (and checksums) what has accumulated,
 * so a saver can write a slice of keys, flush to disk, yield, and continue. The checksum is
 * computed over exactly the bytes taken, so nothing needs to be re-read. With `checksum:
 * false` the trailer is eight zero bytes, which Redis reads as "not checksummed".
 *
 * In the file the type byte precedes the key, but the type is only known once the value is
 * encoded (encoding depends on the value's size); the writer reserves the byte and patches it.
 */

import { ByteWriter } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { moduleIdEncode, ModuleOpcode } from "./module_value.ts";
import {
  RDB_VERSION_LATEST,
  RdbOpcode,
  RdbType,
  writeLength,
  writeMillis,
  writeString,
} from "./rdb_primitives.ts";
import { type ValueWriteOptions, writeValue } from "./value_codec.ts";
import type { RdbValue } from "./values.ts";

/** Options of `RdbWriter`: value encoding choices plus the checksum switch. @example `{ rdbVersion: 10, checksum: true }` */
export interface RdbWriterOptions extends ValueWriteOptions {
  /** Write a real CRC-64 trailer (rdbchecksum, default true). */
  checksum?: boolean;
}

/** Per-key metadata. @example `{ expireAt: Date.now() + 60000 }` */
export interface KeyMeta {
  /** Absolute expiry, Unix ms. */
  expireAt?: number;
  /** LRU idle time in seconds (maxmemory-policy *-lru). */
  idle?: number;
  /** LFU counter 0..255 (maxmemory-policy *-lfu). */
  freq?: number;
}

const NO_META: KeyMeta = Object.freeze({});

/**
 * An incremental RDB file writer.
 *
 * @example
 * ```ts
 * const rdb = new RdbWriter({ rdbVersion: 10 });
 * rdb.aux("redis-ver", "7.0.15");
 * rdb.selectDb(0);
 * rdb.resizeDb(1, 0);
 * rdb.key("greeting", { kind: "string", value: "hello" });
 * const bytes = rdb.end(); // everything not taken yet, ending with EOF + CRC
 * ```
 */
export class RdbWriter {
  readonly version: number;
  readonly #options: RdbWriterOptions;
  readonly #out = new ByteWriter(64 * 1024);
  readonly #crc = new Crc64();
  #taken = 0;
  #ended = false;

  /** Starts a file: the "REDIS00vv" header is written at once. @example `new RdbWriter()` */
  constructor(options: RdbWriterOptions = {}) {
    this.version = options.rdbVersion ?? RDB_VERSION_LATEST;
    this.#options = { ...options, rdbVersion: this.version, compress: options.compress ?? true };
    this.#out.latin1("REDIS" + String(this.version).padStart(4, "0"));
  }

  /** Bytes produced so far (taken or not), for progress reports. @example `rdb.bytesWritten` */
  get bytesWritten(): number {
    return this.#taken + this.#out.length;
  }

  /** Bytes buffered and not yet taken (flush when it grows). @example `if (rdb.pending > 1 << 20) flush()` */
  get pending(): number {
    return this.#out.length;
  }

  #check(): void {
    if (this.#ended) throw new Error("RDB writer already ended");
  }

  /** An AUX field (redis-ver, ctime, used-mem, aof-base...). @example `rdb.aux("redis-bits", "64")` */
  aux(name: string, value: string): void {
    this.#check();
    this.#out.u8(RdbOpcode.AUX);
    writeString(this.#out, name);
    writeString(this.#out, value);
  }

  /** Starts the keys of database `db`. @example `rdb.selectDb(3)` */
  selectDb(db: number): void {
    this.#check();
    this.#out.u8(RdbOpcode.SELECTDB);
    writeLength(this.#out, db);
  }

  /** Size hints for the current database. @example `rdb.resizeDb(1000, 10)` */
  resizeDb(keys: number, expires: number): void {
    this.#check();
    this.#out.u8(RdbOpcode.RESIZEDB);
    writeLength(this.#out, keys);
    writeLength(this.#out, expires);
  }

  /**
   * One key with its value and optional expiry / LRU / LFU metadata. A plain string stands
   * for a string value: a snapshot writes millions of them and need not build a form each.
   *
   * @example `rdb.key("k", { kind: "set", members: ["a"] })`
   */
  key(key: string, value: RdbValue | string, meta: KeyMeta = NO_META): void {
    this.#check();
    const out = this.#out;
    if (meta.expireAt !== undefined) {
      out.u8(RdbOpcode.EXPIRETIME_MS);
      writeMillis(out, meta.expireAt);
    }
    if (meta.idle !== undefined) {
      out.u8(RdbOpcode.IDLE);
      writeLength(out, meta.idle);
    }
    if (meta.freq !== undefined) {
      out.u8(RdbOpcode.FREQ);
      out.u8(meta.freq);
    }
    if (typeof value === "string") {
      out.u8(RdbType.STRING);
      writeString(out, key, this.#options);
      writeString(out, value, this.#options);
      return;
    }
    const typeAt = out.length;
    out.u8(0);
    writeString(out, key, this.#options);
    out.patchU8(typeAt, writeValue(out, value, this.#options));
  }

  /** A function library (FUNCTION2), kept as its source code. @example `rdb.functionLibrary("#!lua name=lib\n...")` */
  functionLibrary(code: string): void {
    this.#check();
    this.#out.u8(RdbOpcode.FUNCTION2);
    writeString(this.#out, code, this.#options);
  }

  /**
   * Module auxiliary data: `body` is the module's annotated items ending with EOF
   * (`buildModuleItems`); `when` is 1 (before keys) or 2 (after keys).
   *
   * @example
   * ```ts
   * rdb.moduleAux("mytype-AB", 1, 2, buildModuleItems([]));
   * ```
   */
  moduleAux(name: string, encver: number, when: number, body: Uint8Array): void {
    this.#check();
    this.#out.u8(RdbOpcode.MODULE_AUX);
    writeLength(this.#out, moduleIdEncode(name, encver));
    writeLength(this.#out, ModuleOpcode.UINT);
    writeLength(this.#out, when);
    this.#out.bytes(body);
  }

  /** Hands over (and checksums) the bytes produced since the last call. @example `await file.write(rdb.take())` */
  take(): Uint8Array {
    return this.#account(this.#out.drain());
  }

  /**
   * `take()` without a copy: the bytes are only valid until the writer writes again. A
   * background save flushes through it, so it makes no garbage buffer per slice.
   *
   * @example `file.writeSync(rdb.takeView())`
   */
  takeView(): Uint8Array {
    return this.#account(this.#out.drainView());
  }

  #account(bytes: Uint8Array): Uint8Array {
    this.#crc.update(bytes);
    this.#taken += bytes.length;
    return bytes;
  }

  /** Writes EOF and the checksum; returns the remaining bytes. @example `const tail = rdb.end()` */
  end(): Uint8Array {
    this.#check();
    this.#out.u8(RdbOpcode.EOF);
    const body = this.take();
    this.#ended = true;
    const trailer = this.#options.checksum === false ? new Uint8Array(8) : this.#crc.bytes();
    this.#taken += 8;
    const out = new Uint8Array(body.length + 8);
    out.set(body);
    out.set(trailer, body.length);
    return out;
  }
}

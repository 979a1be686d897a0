/**
 * RDB files: what goes in (header aux fields, function libraries, keys through the
 * snapshot engine) and how a file comes back into the keyspace.
 *
 * Version. Modis writes RDB 10 — the version Redis 7.0 writes and every Redis since loads —
 * unless a value needs more (hash field TTLs exist from RDB 12), so operators can move files
 * between Modis and any Redis 7.x. The version sits in the header, before any key, but
 * scanning every value for it up front stalled BGSAVE's first slice (~10 ms per million
 * keys). So the sink is given a guess (what the previous save needed), checks each value as
 * it is written, and throws `RdbVersionTooLow` on a value the guess cannot hold; the save
 * job then starts over at the higher version — at most once per save, and only when hashes
 * with field TTLs appeared since the last one.
 *
 * Loading reads the file in 1 MB chunks through the incremental reader and applies records
 * as they come. Any error — corrupt bytes, a truncated file, a checksum mismatch, a duplicate
 * key, a value of a type no loaded module provides — stops the load with a `LoadError`
 * naming the file, the byte offset and what was expected; the caller refuses to start rather
 * than serve a partial dataset. Keys already past their expiry are skipped, as Redis does on
 * a master.
 */

import type { ServerApi } from "../../core/server.ts";
import type { FileHandle } from "../../core/net/transport.ts";
import type { Value } from "../../core/spec.ts";
import { FormatError } from "./format/bytes.ts";
import { RdbReader } from "./format/rdb_reader.ts";
import { type KeyMeta, RdbWriter, type RdbWriterOptions } from "./format/rdb_writer.ts";
import { isEmptyCollection } from "./format/values.ts";
import { fromForm, minRdbVersion, toForm } from "./forms.ts";
import { functionCodes, restoreFunctionCodes } from "./functions.ts";
import type { KeySink } from "./snapshot.ts";

/**
 * A load that failed: the message names the file, the offset and the reason.
 *
 * @example
 * ```ts
 * throw new LoadError("/data/dump.rdb", 1234, "unexpected end of file reading a string");
 * ```
 */
export class LoadError extends Error {
  /** @example `new LoadError(path, 0, "not an RDB file")` */
  constructor(readonly file: string, readonly offset: number, readonly reason: string) {
    super(`Failed loading '${file}' at offset ${offset}: ${reason}`);
    this.name = "LoadError";
  }
}

/**
 * Value encoding options from the server's config (compression, checksum, the encoding
 * thresholds Redis uses to pick listpack vs. big encodings).
 *
 * @example
 * ```ts
 * new RdbWriter(writerOptions(server, 10));
 * ```
 */
export function writerOptions(server: ServerApi, rdbVersion: number): RdbWriterOptions {
  const c = server.config;
  const num = (name: string, def: number) => {
    const v = Number(c.get(name));
    return c.get(name) === "" || Number.isNaN(v) ? def : v;
  };
  return {
    rdbVersion,
    compress: c.get("rdbcompression") !== "no",
    checksum: c.get("rdbchecksum") !== "no",
    listMaxListpackSize: num("list-max-listpack-size", -2),
    hashMaxListpackEntries: num("hash-max-listpack-entries", 128),
    hashMaxListpackValue: num("hash-max-listpack-value", 64),
    setMaxIntsetEntries: num("set-max-intset-entries", 512),
    setMaxListpackEntries: num("set-max-listpack-entries", 128),
    setMaxListpackValue: num("set-max-listpack-value", 64),
    zsetMaxListpackEntries: num("zset-max-listpack-entries", 128),
    zsetMaxListpackValue: num("zset-max-listpack-value", 64),
    streamNodeMaxBytes: num("stream-node-max-bytes", 4096),
    streamNodeMaxEntries: num("stream-node-max-entries", 100),
  };
}

/**
 * Thrown by `RdbSink.key` for a value its RDB version cannot hold: the save must start over
 * at `version`.
 *
 * @example
 * ```ts
 * try { sink.key(k, v, -1); } catch (e) { if (e instanceof RdbVersionTooLow) restart(e.version); }
 * ```
 */
export class RdbVersionTooLow extends Error {
  /** @example `new RdbVersionTooLow(12)` */
  constructor(readonly version: number) {
    super(`a value needs RDB version ${version}`);
    this.name = "RdbVersionTooLow";
  }
}

/**
 * A KeySink writing RDB: the header, aux fields and function libraries at construction,
 * keys as the snapshot hands them over, EOF and checksum at `end()`. `rdbVersionNeeded`
 * tells the highest version the values written so far need (the next save's guess).
 *
 * @example
 * ```ts
 * const sink = new RdbSink(server, 10, { aofBase: false });
 * const snap = new Snapshot(server, sink, { live: false });
 * ```
 */
export class RdbSink implements KeySink {
  readonly writer: RdbWriter;
  private readonly version: number;
  private readonly meta: KeyMeta = { expireAt: undefined };
  /** The highest RDB version a value written so far needs (10 at least). */
  rdbVersionNeeded = 10;

  /** @example `new RdbSink(server, 10, { aofBase: true })` */
  constructor(server: ServerApi, rdbVersion: number, options: { aofBase: boolean }) {
    this.version = rdbVersion;
    this.writer = new RdbWriter(writerOptions(server, rdbVersion));
    const w = this.writer;
    w.aux("redis-ver", server.version);
    w.aux("redis-bits", "64");
    w.aux("ctime", String(Math.floor(Date.now() / 1000)));
    w.aux("used-mem", String(server.host?.rss() ?? 0));
    w.aux("aof-base", options.aofBase ? "1" : "0");
    for (const code of functionCodes(server)) w.functionLibrary(code);
  }

  get pending(): number {
    return this.writer.pending;
  }

  selectDb(db: number, keys: number, expires: number): void {
    this.writer.selectDb(db);
    if (keys >= 0) this.writer.resizeDb(keys, expires);
  }

  key(key: string, value: Value, expireAt: number): void {
    // One metadata object for every key: nothing is allocated per string key.
    this.meta.expireAt = expireAt >= 0 ? expireAt : undefined;
    if (typeof value === "string") return this.writer.key(key, value, this.meta);
    const needed = minRdbVersion(value);
    if (needed > this.version) throw new RdbVersionTooLow(needed);
    if (needed > this.rdbVersionNeeded) this.rdbVersionNeeded = needed;
    this.writer.key(key, toForm(value), this.meta);
  }

  /** Bytes produced since the last call, valid until the next key (see Encoder). */
  take(): Uint8Array {
    return this.writer.takeView();
  }

  /** The EOF marker and checksum. */
  end(): Uint8Array {
    return this.writer.end();
  }
}

/** What a load found. */
export interface LoadStats {
  keys: number;
  expiredSkipped: number;
  bytes: number;
  /** Aux fields as read (redis-ver, aof-base, ...). */
  aux: Map<string, string>;
}

/**
 * Load an RDB file into the (empty) keyspace, synchronously. Throws LoadError.
 *
 * @example
 * ```ts
 * const stats = loadRdbFile(server, "/data/dump.rdb");
 * ```
 */
export function loadRdbFile(server: ServerApi, path: string): LoadStats {
  const host = server.host!;
  let file: FileHandle;
  try {
    file = host.openFile(path, "read");
  } catch (e) {
    throw new LoadError(path, 0, `cannot open: ${e instanceof Error ? e.message : e}`);
  }
  const reader = new RdbReader({ verifyChecksum: server.config.get("rdbchecksum") !== "no" });
  const stats: LoadStats = { keys: 0, expiredSkipped: 0, bytes: 0, aux: new Map() };
  const functions: string[] = [];
  const now = Date.now();
  const buf = new Uint8Array(1 << 20);
  try {
    for (;;) {
      const n = file.read(buf);
      if (n === 0) reader.end();
      else reader.push(buf.subarray(0, n));
      for (let rec = reader.next(); rec !== null; rec = reader.next()) {
        switch (rec.kind) {
          case "key": {
            if (rec.db >= server.dbs.length) {
              throw new FormatError(
                `the file uses database ${rec.db}, but the server is configured for ${server.dbs.length} databases`,
                reader.offset,
              );
            }
            if (isEmptyCollection(rec.value)) break;
            if (rec.expireAt !== undefined && rec.expireAt < now && !server.isReplica) {
              stats.expiredSkipped++;
              break;
            }
            const db = server.dbs[rec.db];
            if (db.main.has(rec.key)) {
              throw new FormatError(`duplicate key '${rec.key}'`, reader.offset);
            }
            let value: Value;
            try {
              value = fromForm(server, rec.value);
            } catch (e) {
              throw new FormatError(
                `key '${rec.key}': ${e instanceof Error ? e.message : e}`,
                reader.offset,
              );
            }
            db.add(rec.key, value);
            if (rec.expireAt !== undefined) db.setExpire(rec.key, rec.expireAt);
            if (rec.idle !== undefined) db.setIdleSeconds(rec.key, rec.idle);
            if (typeof value !== "string") value.type.loaded?.(value, db, rec.key, server);
            stats.keys++;
            break;
          }
          case "function":
            functions.push(rec.code);
            break;
          case "aux":
            stats.aux.set(rec.name, rec.value);
            break;
          default:
            break;
        }
      }
      if (reader.done || n === 0) break;
    }
    if (!reader.done) {
      throw new FormatError("the file ends before its EOF marker", reader.offset, true);
    }
    try {
      restoreFunctionCodes(server, functions);
    } catch (e) {
      throw new FormatError(
        `function libraries: ${e instanceof Error ? e.message : e}`,
        reader.offset,
      );
    }
  } catch (e) {
    if (e instanceof FormatError) {
      throw new LoadError(path, e.offset, e.message.replace(/ \(at offset \d+\)$/, ""));
    }
    throw new LoadError(path, reader.offset, e instanceof Error ? e.message : String(e));
  } finally {
    file.close();
  }
  stats.bytes = reader.offset;
  return stats;
}

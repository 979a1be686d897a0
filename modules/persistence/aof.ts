/**
 * The append-only file, in Redis 7's multi-part layout: `appenddirname/` holds a base file
 * (an RDB when aof-use-rdb-preamble is on, commands otherwise), incr files of commands
 * appended since, and the manifest listing them (format/aof_manifest.ts). Files Modis writes
 * load in redis-server 7.x and pass redis-check-aof, and the other way round.
 *
 * Appending. Every write core propagates (hook `propagated`, attached only while the AOF is
 * on) is encoded as RESP, preceded by SELECT when the database changes, and buffered. The
 * buffer reaches the file according to appendfsync:
 *   - always: written and fsynced before the execution unit's replies leave (the hook runs
 *     when the unit ends; a MULTI/EXEC unit is written once its EXEC arrives), so an
 *     acknowledged write is on disk;
 *   - everysec: written at the end of the current event-loop turn (one write per batch of
 *     commands), fsynced by the cron once a second — at most about a second is lost;
 *   - no: written likewise, fsync left to the kernel.
 *
 * Rewriting (BGREWRITEAOF, auto-aof-rewrite-*). As in Redis 7, appends switch at once to a
 * new incr file, and a new base is written from a snapshot taken at that same instant
 * (snapshot.ts: point-in-time without fork), so base + new incr is exactly the dataset. The
 * manifest is replaced atomically twice: at the start (old base, old incrs, new incr — a
 * crash during the rewrite loses nothing) and at the end (new base, new incr); then the
 * obsolete files are deleted.
 *
 * Loading replays the base (RDB or commands) and the incr files through the normal command
 * path with a private client. A command cut short at the end of the last incr file (a crash
 * mid-write) is truncated away when aof-load-truncated is yes, and stops the load otherwise;
 * anything else malformed stops it with the file and offset.
 */

import type { ServerApi } from "../../core/server.ts";
import type { FileHandle } from "../../core/net/transport.ts";
import { PROPAGATE_AOF, type ReplyWriter, type Value } from "../../core/spec.ts";
import { bytesToLatin1, FormatError, latin1ToBytes } from "./format/bytes.ts";
import { AofCommandParser, encodeCommand, formCommands } from "./format/aof_commands.ts";
import { type AofFileInfo, formatManifest, parseManifest } from "./format/aof_manifest.ts";
import { toForm } from "./forms.ts";
import { functionCodes } from "./functions.ts";
import { LoadError, loadRdbFile, RdbSink } from "./rdb_file.ts";
import { type Encoder, type JobResult, SaveJob } from "./save_job.ts";
import { dirOf, readWholeFile } from "./files.ts";

/** Writes a dataset as commands (an AOF base without RDB preamble). */
class CommandSink implements Encoder {
  private buf = "";
  constructor(server: ServerApi) {
    for (const code of functionCodes(server)) this.emit(["FUNCTION", "LOAD", "REPLACE", code]);
  }
  private emit(argv: string[]): void {
    this.buf += encodeCommand(argv);
  }
  get pending(): number {
    return this.buf.length;
  }
  selectDb(db: number): void {
    this.emit(["SELECT", String(db)]);
  }
  key(key: string, value: Value, expireAt: number): void {
    const emit = (argv: string[]) => this.emit(argv);
    if (typeof value !== "string" && value.type.aofRewrite) value.type.aofRewrite(key, value, emit);
    else formCommands(key, toForm(value), emit);
    if (expireAt >= 0) this.emit(["PEXPIREAT", key, String(expireAt)]);
  }
  take(): Uint8Array {
    const bytes = latin1ToBytes(this.buf);
    this.buf = "";
    return bytes;
  }
  end(): Uint8Array {
    return this.take();
  }
}

/** A reply sink for replayed commands: replies are dropped, errors counted. */
class ReplaySink implements ReplyWriter {
  readonly resp = 2;
  errors = 0;
  lastError = "";
  ok(): void {}
  simple(): void {}
  error(msg: string): void {
    this.errors++;
    this.lastError = msg;
  }
  int(): void {}
  bulk(): void {}
  null(): void {}
  nullArray(): void {}
  array(): void {}
  map(): void {}
  set(): void {}
  push(): void {}
  double(): void {}
  bool(): void {}
  verbatim(): void {}
  bigNumber(): void {}
  bulks(): void {}
}

/** Status of the last rewrite / write, as INFO persistence reports them. */
type Status = "ok" | "err";

/**
 * The AOF of one server.
 *
 * @example
 * ```ts
 * const aof = new Aof(server);
 * aof.loadOrCreate(); // startup with appendonly yes
 * ```
 */
export class Aof {
  on = false;
  private files: AofFileInfo[] = [];
  private incr: FileHandle | null = null;
  private buf = "";
  private selected = -1;
  private multi = 0;
  private flushQueued = false;
  private unsynced = false;
  /** An everysec fsync is running off the event loop. */
  private syncing = false;
  private lastFsync = Date.now();
  private lastTs = 0;
  /** Bytes in the base and incr files, and the size after the last rewrite. */
  currentSize = 0;
  baseSize = 0;
  rewriting: SaveJob | null = null;
  rewriteScheduled = false;
  private rewriteStarted = 0;
  lastRewriteStatus: Status = "ok";
  lastWriteStatus: Status = "ok";
  lastRewriteSeconds = -1;
  rewrites = 0;
  /** True while replaying: nothing is appended. */
  loading = false;
  /**
   * `server.propagatedCount` up to which every AOF write is on disk (Redis's
   * fsynced_reploff): WAITAOF's local acknowledgement. Under appendfsync no it never moves,
   * as in Redis.
   */
  fsyncedThrough = 0;
  /** Called whenever `fsyncedThrough` moves (WAITAOF's waiters). */
  onFsynced: (() => void) | null = null;
  /** The `propagated` hook: what is for replicas only (PUBLISH, set_repl) is not logged. */
  private readonly hook = (db: number, argv: string[], _server: unknown, targets: number) => {
    if ((targets & PROPAGATE_AOF) !== 0) this.feed(db, argv);
  };

  constructor(private readonly server: ServerApi) {}

  private get dir(): string {
    const c = this.server.config;
    return `${dirOf(this.server)}/${c.get("appenddirname") || "appendonlydir"}`;
  }

  private get prefix(): string {
    return this.server.config.get("appendfilename") || "appendonly.aof";
  }

  private path(name: string): string {
    return `${this.dir}/${name}`;
  }

  private get manifestPath(): string {
    return this.path(`${this.prefix}.manifest`);
  }

  /** Whether an AOF (a manifest) exists on disk. */
  exists(): boolean {
    return this.server.host!.fileSize(this.manifestPath) >= 0;
  }

  /** Startup with appendonly yes: load the AOF, or create one for the (empty) dataset. */
  loadOrCreate(): { keys: number } {
    let keys = 0;
    if (this.exists()) keys = this.load();
    this.enable();
    return { keys };
  }

  /**
   * Turn appending on. Without an AOF on disk (first start, CONFIG SET appendonly yes) a
   * rewrite creates the base from the current dataset; appends go to its new incr file.
   */
  enable(): void {
    if (this.on) return;
    this.on = true;
    this.fsyncedThrough = this.server.propagatedCount;
    this.server.addHook("propagated", this.hook);
    if (this.files.some((f) => f.type === "b") || this.files.some((f) => f.type === "i")) {
      const last = this.files.filter((f) => f.type === "i").at(-1);
      if (last) this.incr = this.server.host!.openFile(this.path(last.name), "append");
      else this.startRewrite();
    } else this.startRewrite();
  }

  /** Turn appending off (CONFIG SET appendonly no, shutdown): flush, fsync, close. */
  disable(): void {
    if (!this.on) return;
    this.flush(true);
    this.rewriting?.abort("AOF turned off");
    this.server.removeHook("propagated", this.hook);
    this.incr?.close();
    this.incr = null;
    this.on = false;
  }

  // ---- appending -----------------------------------------------------------------------

  private feed(db: number, argv: string[]): void {
    if (this.loading) return;
    if (this.server.config.get("aof-timestamp-enabled") === "yes") {
      const sec = Math.floor(Date.now() / 1000);
      if (sec !== this.lastTs) {
        this.lastTs = sec;
        this.buf += `#TS:${sec}\r\n`;
      }
    }
    if (db !== this.selected) {
      this.buf += encodeCommand(["SELECT", String(db)]);
      this.selected = db;
    }
    this.buf += encodeCommand(argv);
    const name = argv[0].toLowerCase();
    if (name === "multi") this.multi++;
    else if (name === "exec" && this.multi > 0) this.multi--;
    if (this.multi > 0) return;
    if (this.server.config.get("appendfsync") === "always") this.flush(true);
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush(false);
      });
    }
  }

  /** Write the buffer to the incr file, and fsync when asked. */
  flush(fsync: boolean): void {
    if (this.incr === null) return;
    try {
      if (this.buf.length > 0) {
        const bytes = latin1ToBytes(this.buf);
        this.buf = "";
        this.incr.write(bytes);
        this.currentSize += bytes.length;
        this.unsynced = true;
      }
      if (fsync && this.unsynced) {
        this.incr.sync();
        this.unsynced = false;
        this.lastFsync = Date.now();
      }
      if (fsync) this.markFsynced();
      this.lastWriteStatus = "ok";
    } catch (e) {
      this.lastWriteStatus = "err";
      this.server.log(
        "warning",
        `Error writing to the AOF file: ${e instanceof Error ? e.message : e}`,
      );
    }
  }

  /** Everything written so far is on disk: so is everything propagated so far. */
  private markFsynced(through = this.server.propagatedCount): void {
    if (this.fsyncedThrough >= through) return;
    this.fsyncedThrough = through;
    this.onFsynced?.();
  }

  /**
   * appendfsync everysec: write the buffer, then fsync off the event loop (Redis hands it to
   * a background thread), so a slow disk never stalls clients; what was written before it
   * started counts as fsynced when it completes.
   */
  private backgroundFsync(): void {
    this.flush(false);
    const file = this.incr;
    if (file === null || !this.unsynced) return;
    const through = this.server.propagatedCount;
    this.unsynced = false;
    this.syncing = true;
    this.lastFsync = Date.now();
    file.syncAsync().then(
      () => {
        this.syncing = false;
        this.markFsynced(through);
      },
      (e) => {
        this.syncing = false;
        this.unsynced = true;
        this.server.log("warning", `AOF fsync failed: ${e instanceof Error ? e.message : e}`);
      },
    );
  }

  /**
   * Bring `fsyncedThrough` up to date when no AOF write is waiting for an fsync (writes that
   * went to replicas only, PUBLISH, moved the count without touching the file). Not under
   * appendfsync no, as in Redis.
   */
  catchUp(): void {
    if (
      this.on && !this.unsynced && !this.syncing && this.buf.length === 0 &&
      this.server.config.get("appendfsync") !== "no"
    ) {
      this.markFsynced();
    }
  }

  /** Cron: the everysec fsync, scheduled and automatic rewrites. */
  cron(): void {
    if (!this.on) return;
    const policy = this.server.config.get("appendfsync");
    if (
      policy === "everysec" && (this.unsynced || this.buf.length > 0) && !this.syncing &&
      Date.now() - this.lastFsync >= 1000
    ) {
      this.backgroundFsync();
    }
    this.catchUp();
    if (this.rewriting) return;
    if (this.rewriteScheduled) {
      this.startRewrite();
      return;
    }
    const pct = this.server.config.getNumber("auto-aof-rewrite-percentage");
    const min = this.server.config.getNumber("auto-aof-rewrite-min-size");
    if (pct > 0 && this.currentSize > min) {
      const base = this.baseSize || 1;
      if (((this.currentSize - base) * 100) / base >= pct) {
        this.server.log(
          "notice",
          `Starting automatic rewriting of AOF on ${
            Math.round(((this.currentSize - base) * 100) / base)
          }% growth`,
        );
        this.startRewrite();
      }
    }
  }

  // ---- rewriting -----------------------------------------------------------------------

  private writeManifest(files: AofFileInfo[]): void {
    const host = this.server.host!;
    const tmp = `${this.manifestPath}.tmp`;
    const f = host.openFile(tmp, "write");
    try {
      f.write(latin1ToBytes(formatManifest(files)));
      f.sync();
    } finally {
      f.close();
    }
    host.renameFile(tmp, this.manifestPath);
    this.files = files;
  }

  /**
   * Start a rewrite: switch appends to a new incr file now, and write a new base from a
   * snapshot of this instant in the background. Returns false when one is already running.
   */
  startRewrite(): boolean {
    if (this.rewriting) return false;
    this.rewriteScheduled = false;
    const host = this.server.host!;
    host.makeDir(this.dir);
    const maxSeq = (type: string) =>
      Math.max(0, ...this.files.filter((f) => f.type === type).map((f) => f.seq));
    const incr: AofFileInfo = {
      name: `${this.prefix}.${maxSeq("i") + 1}.incr.aof`,
      seq: maxSeq("i") + 1,
      type: "i",
    };
    const preamble = this.server.config.get("aof-use-rdb-preamble") !== "no";
    const baseSeq = maxSeq("b") + 1;
    const base: AofFileInfo = {
      name: `${this.prefix}.${baseSeq}.base.${preamble ? "rdb" : "aof"}`,
      seq: baseSeq,
      type: "b",
    };
    let job: SaveJob;
    try {
      if (this.on) {
        this.flush(true);
        const next = host.openFile(this.path(incr.name), "write");
        this.incr?.close();
        this.incr = next;
        this.selected = -1;
        // Crash-safe from now on: the old files plus the new incr describe the dataset.
        if (this.files.length > 0) this.writeManifest([...this.files, incr]);
      }
      const server = this.server;
      const encoder = (v: number) =>
        preamble ? new RdbSink(server, v, { aofBase: true }) : new CommandSink(server);
      job = new SaveJob(this.server, encoder, this.path(base.name), { live: true });
    } catch (e) {
      this.lastRewriteStatus = "err";
      this.server.log(
        "warning",
        `Can't rewrite append only file in background: ${e instanceof Error ? e.message : e}`,
      );
      return true;
    }
    this.rewriting = job;
    this.rewriteStarted = Date.now();
    this.server.log("notice", "Background append only file rewriting started");
    job.runInBackground((r) => this.rewriteDone(r, base, incr));
    return true;
  }

  private rewriteDone(r: JobResult, base: AofFileInfo, incr: AofFileInfo): void {
    this.rewriting = null;
    this.lastRewriteSeconds = Math.round((Date.now() - this.rewriteStarted) / 1000);
    if (!r.ok) {
      this.lastRewriteStatus = "err";
      this.server.log("warning", `Background AOF rewrite failed: ${r.error}`);
      return;
    }
    const old = this.files.filter((f) => f.name !== incr.name);
    try {
      this.writeManifest(this.on ? [base, incr] : [base]);
    } catch (e) {
      this.lastRewriteStatus = "err";
      this.server.log(
        "warning",
        `Background AOF rewrite failed writing the manifest: ${e instanceof Error ? e.message : e}`,
      );
      return;
    }
    for (const f of old) this.server.host!.removeFile(this.path(f.name));
    this.baseSize = r.bytes;
    this.currentSize = r.bytes + (this.on ? this.server.host!.fileSize(this.path(incr.name)) : 0);
    this.lastRewriteStatus = "ok";
    this.rewrites++;
    this.server.log(
      "notice",
      `Background AOF rewrite finished successfully (${r.keys} keys, ${r.preImages} saved ahead of writes, ${r.bytes} bytes, ${
        Math.round(r.ms)
      } ms)`,
    );
  }

  // ---- loading -------------------------------------------------------------------------

  /** Replay the AOF described by the manifest into the keyspace; returns the key count. */
  load(): number {
    const host = this.server.host!;
    let files: AofFileInfo[];
    try {
      files = parseManifest(bytesToLatin1(readWholeFile(host, this.manifestPath)));
    } catch (e) {
      throw new LoadError(this.manifestPath, 0, e instanceof Error ? e.message : String(e));
    }
    const incrs = files.filter((f) => f.type === "i");
    const base = files.find((f) => f.type === "b");
    this.loading = true;
    try {
      let size = 0;
      if (base) {
        const p = this.path(base.name);
        const head = readWholeFile(host, p);
        if (bytesToLatin1(head.subarray(0, 5)) === "REDIS") loadRdbFile(this.server, p);
        else this.replay(p, head, false);
        this.baseSize = head.length;
        size += head.length;
      }
      for (let i = 0; i < incrs.length; i++) {
        const p = this.path(incrs[i].name);
        if (host.fileSize(p) < 0) {
          throw new LoadError(p, 0, "file listed in the manifest does not exist");
        }
        const bytes = readWholeFile(host, p);
        size += this.replay(p, bytes, i === incrs.length - 1);
      }
      this.currentSize = size;
      this.files = files;
    } finally {
      this.loading = false;
    }
    let keys = 0;
    for (const db of this.server.dbs) keys += db.size;
    return keys;
  }

  /** Replay one file of commands; returns the bytes kept. */
  private replay(path: string, bytes: Uint8Array, last: boolean): number {
    const server = this.server;
    const sink = new ReplaySink();
    const client = server.createClient(sink);
    const parser = new AofCommandParser(bytes);
    try {
      for (let argv = parser.next(); argv !== null; argv = parser.next()) {
        if (server.commands.lookup(argv) === undefined) {
          throw new FormatError(
            `unknown command '${argv[0]}' in the append only file`,
            parser.validUpTo,
          );
        }
        server.execute(client, argv);
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      const truncatedTail = e.truncated && last;
      if (!truncatedTail || server.config.get("aof-load-truncated") === "no") {
        const what = e.message.replace(/ \(at offset \d+\)$/, "");
        throw new LoadError(
          path,
          e.offset,
          truncatedTail
            ? `${what} (set aof-load-truncated yes to load the complete commands)`
            : what,
        );
      }
      server.log(
        "warning",
        `!!! Warning: short read while loading the AOF file ${path}!!! Truncating the AOF at offset ${parser.validUpTo}, dropping ${
          bytes.length - parser.validUpTo
        } bytes of an incomplete command`,
      );
      const tmp = `${path}.truncate.tmp`;
      const f = server.host!.openFile(tmp, "write");
      f.write(bytes.subarray(0, parser.validUpTo));
      f.sync();
      f.close();
      server.host!.renameFile(tmp, path);
      return parser.validUpTo;
    }
    return bytes.length;
  }

  /** INFO persistence aof_* fields. */
  info(): string[] {
    const lines = [
      `aof_enabled:${this.on ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.rewriting ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteSeconds}`,
      `aof_current_rewrite_time_sec:${
        this.rewriting ? Math.round((Date.now() - this.rewriteStarted) / 1000) : -1
      }`,
      `aof_last_bgrewrite_status:${this.lastRewriteStatus}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:0`,
      `aof_last_write_status:${this.lastWriteStatus}`,
      `aof_last_cow_size:0`,
      `module_fork_in_progress:0`,
      `module_fork_last_cow_size:0`,
    ];
    if (this.on) {
      lines.push(
        `aof_current_size:${this.currentSize}`,
        `aof_base_size:${this.baseSize}`,
        `aof_pending_rewrite:0`,
        `aof_buffer_length:${this.buf.length}`,
        `aof_pending_bio_fsync:0`,
        `aof_delayed_fsync:0`,
      );
    }
    return lines;
  }
}

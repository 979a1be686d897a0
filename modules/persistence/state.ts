/**
 * The persistence state of one server (one ModuleSpec serves every server in a process, so
 * state is kept per server in a WeakMap): RDB saves (SAVE, BGSAVE, save points), loading at
 * startup and DEBUG RELOAD, the AOF, and what INFO persistence reports.
 *
 * Dirty accounting follows Redis: `server.dirty` counts changes; a successful save
 * subtracts the count it had when the save began (changes made during a BGSAVE are not in
 * the file, so they still count), and a save point `<seconds> <changes>` fires when at
 * least that many changes happened and that many seconds passed since the last successful
 * save. After a failed BGSAVE the cron waits 5 seconds before trying again, and with
 * stop-writes-on-bgsave-error (default yes) write commands are refused with MISCONF until a
 * save succeeds (the gate is a beforeCommand hook attached only while that is the case).
 */

import type { ServerApi } from "../../core/server.ts";
import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { Aof } from "./aof.ts";
import { dirOf } from "./files.ts";
import { loadRdbFile, RdbSink } from "./rdb_file.ts";
import { type JobResult, SaveJob } from "./save_job.ts";

const BGSAVE_RETRY_MS = 5000;

/** Redis's reply while writes are refused after a failed background save. */
export const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting is enabled. Please check the Redis logs for details about the RDB error.";

/** Parse a `save` directive: "" or pairs "<seconds> <changes>". */
export function parseSavePoints(value: string): [number, number][] {
  const words = value.trim() === "" ? [] : value.trim().split(/\s+/);
  if (words.length % 2 !== 0) throw new Error("Invalid save parameters");
  const points: [number, number][] = [];
  for (let i = 0; i < words.length; i += 2) {
    const s = Number(words[i]);
    const c = Number(words[i + 1]);
    if (!/^\d+$/.test(words[i]) || !/^\d+$/.test(words[i + 1])) {
      throw new Error("Invalid save parameters");
    }
    points.push([s, c]);
  }
  return points;
}

/**
 * Persistence of one server.
 *
 * @example
 * ```ts
 * const p = persistenceOf(server);
 * p.save(); // SAVE
 * ```
 */
export class Persistence {
  readonly aof: Aof;
  savePoints: [number, number][] = [];
  /** Unix seconds of the last successful save (or of startup). */
  lastSave: number;
  rdbSaves = 0;
  bgsave: SaveJob | null = null;
  bgsaveScheduled = false;
  private bgsaveStarted = 0;
  private dirtyAtBgsave = 0;
  private lastBgsaveTry = 0;
  lastBgsaveStatus: "ok" | "err" = "ok";
  lastBgsaveSeconds = -1;
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  /** Set once the startup load ran: config changes from then on act at once. */
  started = false;
  /** Flags of the SHUTDOWN command being run (null for signals and close()). */
  shutdownFlags: Set<string> | null = null;
  private readonly misconfGate = (ctx: CommandContext, cmd: CommandSpec) =>
    this.refuseWrite(ctx, cmd);
  private gateOn = false;

  constructor(private readonly server: ServerApi) {
    this.aof = new Aof(server);
    this.lastSave = Math.floor(server.startTime / 1000);
  }

  /** Absolute path of the RDB file. */
  rdbPath(): string {
    return `${dirOf(this.server)}/${this.server.config.get("dbfilename") || "dump.rdb"}`;
  }

  // ---- startup -------------------------------------------------------------------------

  /** The `loading` hook: the AOF when appendonly is on, else the RDB file if present. */
  loadAtStartup(): void {
    const server = this.server;
    const start = performance.now();
    if (server.config.get("appendonly") === "yes") {
      const had = this.aof.exists();
      const { keys } = this.aof.loadOrCreate();
      if (had) {
        server.log(
          "notice",
          `DB loaded from append only file: ${
            ((performance.now() - start) / 1000).toFixed(3)
          } seconds (${keys} keys)`,
        );
      }
    } else if (server.host!.fileSize(this.rdbPath()) >= 0) {
      const stats = loadRdbFile(server, this.rdbPath());
      this.lastLoadKeys = stats.keys;
      this.lastLoadExpired = stats.expiredSkipped;
      server.log(
        "notice",
        `DB loaded from disk: ${
          ((performance.now() - start) / 1000).toFixed(3)
        } seconds (${stats.keys} keys, ${stats.expiredSkipped} expired keys skipped)`,
      );
    }
    server.dirty = 0;
    this.started = true;
  }

  // ---- RDB saves -----------------------------------------------------------------------

  private newJob(live: boolean): SaveJob {
    const encoder = (v: number) => new RdbSink(this.server, v, { aofBase: false });
    return new SaveJob(this.server, encoder, this.rdbPath(), { live });
  }

  /** SAVE: write the RDB file now, blocking. Returns whether it succeeded. */
  save(): boolean {
    const dirtyBefore = this.server.dirty;
    let r: JobResult;
    try {
      r = this.newJob(false).runSync();
    } catch (e) {
      r = {
        ok: false,
        error: e instanceof Error ? e.message : String(e),
        keys: 0,
        preImages: 0,
        bytes: 0,
        ms: 0,
      };
    }
    this.saved(r, dirtyBefore);
    if (r.ok) this.server.log("notice", "DB saved on disk");
    return r.ok;
  }

  /** BGSAVE: start a background save; false (with a reason) when one can't start. */
  startBgsave(): string | null {
    if (this.bgsave) return "Background save already in progress";
    if (this.aof.rewriting) return "An AOF log rewriting in progress";
    let job: SaveJob;
    try {
      job = this.newJob(true);
    } catch (e) {
      this.lastBgsaveStatus = "err";
      return `Can't save in background: ${e instanceof Error ? e.message : e}`;
    }
    this.bgsave = job;
    this.bgsaveScheduled = false;
    this.bgsaveStarted = Date.now();
    this.lastBgsaveTry = Date.now();
    this.dirtyAtBgsave = this.server.dirty;
    this.server.log("notice", "Background saving started");
    job.runInBackground((r) => {
      this.bgsave = null;
      this.lastBgsaveSeconds = Math.round((Date.now() - this.bgsaveStarted) / 1000);
      this.saved(r, this.dirtyAtBgsave);
      if (r.ok) {
        this.server.log(
          "notice",
          `Background saving terminated with success (${r.keys} keys, ${r.preImages} saved ahead of writes, ${r.bytes} bytes, ${
            Math.round(r.ms)
          } ms)`,
        );
      }
      if (this.aof.rewriteScheduled) this.aof.startRewrite();
    });
    return null;
  }

  private saved(r: JobResult, dirtyBefore: number): void {
    if (r.ok) {
      this.server.dirty = Math.max(0, this.server.dirty - dirtyBefore);
      this.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveStatus = "ok";
      this.rdbSaves++;
    } else {
      this.lastBgsaveStatus = "err";
      this.server.log("warning", `Failed saving the DB: ${r.error}`);
    }
    this.updateGate();
  }

  /** Stop a running background save (FLUSHALL, shutdown). */
  killBgsave(): void {
    this.bgsave?.abort("background save aborted");
  }

  // ---- MISCONF gate --------------------------------------------------------------------

  private updateGate(): void {
    const want = this.lastBgsaveStatus === "err" && this.savePoints.length > 0 &&
      this.server.config.get("stop-writes-on-bgsave-error") !== "no";
    if (want === this.gateOn) return;
    this.gateOn = want;
    if (want) this.server.addHook("beforeCommand", this.misconfGate);
    else this.server.removeHook("beforeCommand", this.misconfGate);
  }

  private refuseWrite(ctx: CommandContext, cmd: CommandSpec): boolean {
    if (!cmd.flags.includes("write") || ctx.client.kind === "master") return false;
    ctx.server.countError(MISCONF);
    ctx.reply.error(MISCONF);
    return true;
  }

  // ---- cron, shutdown ------------------------------------------------------------------

  /** Save points, scheduled BGSAVEs, the AOF's periodic work. */
  cron(): void {
    if (!this.started) return;
    this.aof.cron();
    if (this.bgsave || this.aof.rewriting) return;
    const now = Date.now();
    if (this.bgsaveScheduled) {
      this.startBgsave();
      return;
    }
    const sinceSave = now / 1000 - this.lastSave;
    const canRetry = this.lastBgsaveStatus === "ok" || now - this.lastBgsaveTry > BGSAVE_RETRY_MS;
    for (const [seconds, changes] of this.savePoints) {
      if (this.server.dirty >= changes && sinceSave > seconds && canRetry) {
        this.server.log("notice", `${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        return;
      }
    }
  }

  /**
   * The `shutdown` hook: final save (unless NOSAVE, or no save points without SAVE), AOF
   * flushed and fsynced. A failed save stops the shutdown (unless FORCE).
   */
  shutdown(): void {
    const flags = this.shutdownFlags ?? new Set<string>();
    this.shutdownFlags = null;
    this.killBgsave();
    if (this.aof.on) {
      this.server.log("notice", "Calling fsync() on the AOF file.");
      this.aof.disable();
    }
    if (!this.started) return;
    const wantSave = !flags.has("nosave") && (flags.has("save") || this.savePoints.length > 0);
    if (!wantSave) return;
    this.server.log("notice", "Saving the final RDB snapshot before exiting.");
    if (!this.save() && !flags.has("force")) {
      throw new Error("Error trying to save the DB, can't exit.");
    }
  }

  /** DEBUG RELOAD: save (unless NOSAVE), empty the keyspace, load the file back. */
  reload(options: { save: boolean; flush: boolean }): void {
    if (options.save && !this.save()) throw new Error("Error trying to save the DB");
    if (options.flush) {
      for (const db of this.server.dbs) db.flush();
      this.server.flushed(-1);
    }
    const stats = loadRdbFile(this.server, this.rdbPath());
    this.lastLoadKeys = stats.keys;
    this.lastLoadExpired = stats.expiredSkipped;
    this.server.log("notice", "DB reloaded by DEBUG RELOAD");
  }

  /** DEBUG LOADAOF: flush the AOF, empty the keyspace, replay the AOF. */
  reloadAof(): void {
    this.aof.flush(true);
    for (const db of this.server.dbs) db.flush();
    this.server.flushed(-1);
    this.aof.load();
    this.server.log("notice", "Append Only File loaded by DEBUG LOADAOF");
  }

  /** INFO persistence. */
  info(): string[] {
    const bg = this.bgsave;
    return [
      "loading:0",
      "async_loading:0",
      "current_cow_peak:0",
      "current_cow_size:0",
      "current_cow_size_age:0",
      "current_fork_perc:0.00",
      `current_save_keys_processed:0`,
      `current_save_keys_total:0`,
      `rdb_changes_since_last_save:${this.server.dirty}`,
      `rdb_bgsave_in_progress:${bg ? 1 : 0}`,
      `rdb_last_save_time:${this.lastSave}`,
      `rdb_last_bgsave_status:${this.lastBgsaveStatus}`,
      `rdb_last_bgsave_time_sec:${this.lastBgsaveSeconds}`,
      `rdb_current_bgsave_time_sec:${
        bg ? Math.round((Date.now() - this.bgsaveStarted) / 1000) : -1
      }`,
      `rdb_saves:${this.rdbSaves}`,
      "rdb_last_cow_size:0",
      `rdb_last_load_keys_expired:${this.lastLoadExpired}`,
      `rdb_last_load_keys_loaded:${this.lastLoadKeys}`,
      ...this.aof.info(),
    ];
  }
}

const states = new WeakMap<ServerApi, Persistence>();

/**
 * The persistence state of `server`.
 *
 * @example
 * ```ts
 * persistenceOf(ctx.server).startBgsave();
 * ```
 */
export function persistenceOf(server: ServerApi): Persistence {
  let p = states.get(server);
  if (p === undefined) states.set(server, p = new Persistence(server));
  return p;
}

/**
 * Writing a snapshot to a file safely: into a temporary file in the target directory,
 * fsynced, then renamed over the target — so the previous file survives any failure (disk
 * full, a value that cannot be saved, a crash mid-way) and readers only ever see a complete
 * file. Used by SAVE (run to completion), BGSAVE and AOF rewrites (sliced on the event loop).
 *
 * A background job runs slices of about `SLICE_MS` on timers, writing out what the encoder
 * has accumulated after each slice (and within one when it passes 1 MB), so the output
 * buffer stays small and clients wait at most one slice between their commands.
 */

import type { ServerApi } from "../../core/server.ts";
import type { FileHandle } from "../../core/net/transport.ts";
import { Snapshot, type KeySink } from "./snapshot.ts";

/** A KeySink whose bytes can be taken as they accumulate, and ended. */
export interface Encoder extends KeySink {
  take(): Uint8Array;
  end(): Uint8Array;
}

/** Milliseconds of work per background slice. */
export const SLICE_MS = 2;

/** How a finished job went. */
export interface JobResult {
  ok: boolean;
  error?: string;
  keys: number;
  preImages: number;
  bytes: number;
  ms: number;
}

/**
 * One snapshot being written to `path`.
 *
 * @example
 * ```ts
 * const job = new SaveJob(server, encoder, "/data/dump.rdb", { live: true });
 * job.runInBackground((r) => console.log(r.ok));
 * ```
 */
export class SaveJob {
  private readonly snapshot: Snapshot;
  private file: FileHandle | null = null;
  private readonly tmp: string;
  private bytes = 0;
  private readonly started = performance.now();
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private onDone: ((r: JobResult) => void) | null = null;

  /** Captures the keyspace now (the snapshot's point in time) and opens the temp file. */
  constructor(
    private readonly server: ServerApi,
    private readonly encoder: Encoder,
    private readonly path: string,
    options: { live: boolean },
  ) {
    this.snapshot = new Snapshot(server, encoder, { live: options.live });
    const slash = path.lastIndexOf("/");
    this.tmp = `${path.slice(0, slash + 1)}temp-${server.host?.pid ?? 0}-${Math.floor(Math.random() * 1e9)}.tmp`;
    try {
      this.file = server.host!.openFile(this.tmp, "write");
    } catch (e) {
      this.snapshot.close();
      throw e;
    }
  }

  /** Run to completion now (SAVE). */
  runSync(): JobResult {
    try {
      while (!this.snapshot.step(Infinity)) this.flush();
      return this.complete();
    } catch (e) {
      return this.fail(e);
    }
  }

  /** Run in slices between other work; `done` is called once, with the outcome. */
  runInBackground(done: (r: JobResult) => void): void {
    this.onDone = done;
    const slice = () => {
      this.timer = null;
      if (this.finished) return;
      let r: JobResult | null = null;
      try {
        const deadline = performance.now() + SLICE_MS;
        let complete = false;
        while (!complete && performance.now() < deadline) {
          complete = this.snapshot.step(deadline);
          this.flush();
        }
        if (complete) r = this.complete();
      } catch (e) {
        r = this.fail(e);
      }
      if (r) this.onDone?.(r);
      else this.timer = setTimeout(slice, 0);
    };
    this.timer = setTimeout(slice, 0);
  }

  /** Stop a background job (its temp file is removed; `done` is called with the failure). */
  abort(reason: string): void {
    if (this.finished) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onDone?.(this.fail(new Error(reason)));
  }

  private flush(): void {
    const bytes = this.encoder.take();
    if (bytes.length > 0) {
      this.file!.write(bytes);
      this.bytes += bytes.length;
    }
  }

  private complete(): JobResult {
    this.snapshot.close();
    const tail = this.encoder.end();
    this.file!.write(tail);
    this.bytes += tail.length;
    this.file!.sync();
    this.file!.close();
    this.file = null;
    this.server.host!.renameFile(this.tmp, this.path);
    this.finished = true;
    return this.result(true);
  }

  private fail(e: unknown): JobResult {
    this.snapshot.close();
    this.finished = true;
    try {
      this.file?.close();
    } catch { /* already failing */ }
    this.file = null;
    this.server.host?.removeFile(this.tmp);
    return this.result(false, e instanceof Error ? e.message : String(e));
  }

  private result(ok: boolean, error?: string): JobResult {
    return {
      ok,
      error,
      keys: this.snapshot.keys,
      preImages: this.snapshot.preImages,
      bytes: this.bytes,
      ms: performance.now() - this.started,
    };
  }
}

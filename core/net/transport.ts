/**
 * The host interface: the only place runtime-specific code plugs in. Everything else in
 * Modis is plain TypeScript over web-standard APIs.
 *
 * A Host offers listening sockets (TCP and Unix), outgoing connections, a few file and
 * process facilities (config files, logs, signals, memory and CPU figures), and nothing
 * else. `bun.ts` implements it with Bun.listen/Bun.connect, `deno.ts` with
 * Deno.listen/Deno.connect; `detectHost()` picks one.
 *
 * Connections deliver bytes through a handler the server returns from `onConnection`.
 * `write` takes a buffer the caller may reuse right after the call: adapters copy what they
 * cannot send at once and report it in `pendingBytes`, which the server uses to enforce
 * output buffer limits.
 */

/** A connected socket. */
export interface Connection {
  /** Send bytes; the caller may reuse `data` after the call returns. */
  write(data: Uint8Array): void;
  /** Bytes accepted by write() but not yet handed to the kernel. */
  readonly pendingBytes: number;
  /** Close after pending bytes are flushed (best effort). */
  close(): void;
  /** "ip:port" of the peer ("" or a path for Unix sockets). */
  readonly remoteAddress: string;
  /** "ip:port" of the local end. */
  readonly localAddress: string;
  /** Whether the peer is on a loopback address or a Unix socket. */
  readonly isLocal: boolean;
  /** Enable TCP keepalive with the given interval in seconds (no-op where unsupported). */
  setKeepAlive(seconds: number): void;
}

/** What the server does with a connection's events. */
export interface ConnectionHandler {
  /** Bytes arrived; `chunk` is only valid during the call. */
  data(chunk: Uint8Array): void;
  /** The connection closed (by either side). */
  closed(): void;
}

/** A listening socket. */
export interface Listener {
  /** The bound port (useful with port 0), or 0 for Unix sockets. */
  readonly port: number;
  readonly address: string;
  close(): void;
}

/** Where to listen. */
export type ListenTarget = { host: string; port: number } | { path: string; permissions?: number };

/**
 * An open file. Synchronous on purpose: persistence writes in bounded slices between
 * commands (a BGSAVE slice, an AOF flush) or blocks by contract (SAVE, `appendfsync
 * always`), so an async API would only add a promise per write and reorder nothing.
 * The one exception is `syncAsync`: an fsync after a background save waits for the disk
 * for milliseconds (6-7 ms measured for a 25 MB file) with nothing to compute meanwhile.
 */
export interface FileHandle {
  /** Write all of `data` at the current position (the caller may reuse it afterwards). */
  write(data: Uint8Array): void;
  /** Read up to `buf.length` bytes at the current position; 0 at end of file. */
  read(buf: Uint8Array): number;
  /** Flush the file's data to stable storage (fsync). */
  sync(): void;
  /**
   * The same fsync off the event loop, for background jobs. Neither write nor close the
   * handle until the promise settles; it rejects with the reason when the fsync fails.
   */
  syncAsync(): Promise<void>;
  close(): void;
}

/** Everything runtime-specific that Modis uses. */
export interface Host {
  readonly runtime: "bun" | "deno";
  readonly runtimeVersion: string;
  readonly pid: number;
  listen(
    target: ListenTarget,
    onConnection: (conn: Connection) => ConnectionHandler,
  ): Promise<Listener>;
  connect(
    target: { host: string; port: number },
    handler: (conn: Connection) => ConnectionHandler,
  ): Promise<Connection>;
  readTextFile(path: string): Promise<string>;
  /** Append (or with `truncate`, write) text to a file; used by the log file. */
  writeTextFileSync(path: string, text: string, append: boolean): void;
  /** Resident set size in bytes. */
  rss(): number;
  /**
   * Bytes the JS engine's heap holds (live objects and garbage not yet collected, plus
   * memory outside the heap the engine accounts for). Costs about 2 µs: sample it.
   */
  heapUsed(): number;
  /** CPU time used by the process, in seconds. */
  cpuUsage(): { user: number; system: number };
  onSignal(signal: "SIGTERM" | "SIGINT", fn: () => void): void;
  exit(code: number): never;
  /** The process arguments after the script name. */
  args(): string[];
  cwd(): string;
  /** Remove a file, off the event loop (no error when it is missing). */
  removeFile(path: string): Promise<void>;
  /**
   * Open a file: "read", "write" (created or truncated) or "append" (created if missing).
   * Throws an Error whose message names the path and the reason.
   */
  openFile(path: string, mode: "read" | "write" | "append"): FileHandle;
  /** Atomically replace `to` with `from` (rename(2)). */
  renameFile(from: string, to: string): void;
  /**
   * Give the file at `existing` a second name (link(2)); throws when it does not exist. A
   * rename over a big file frees its blocks inside the rename (31 ms for 25 MB on ext4,
   * measured): linking it first and removing that link with the async `removeFile` moves
   * the freeing off the event loop.
   */
  linkFile(existing: string, newPath: string): void;
  /** The file's size in bytes, or -1 when it does not exist. */
  fileSize(path: string): number;
  /** Create a directory and its parents (no error when it exists). */
  makeDir(path: string): void;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1" || ip.startsWith("::ffff:127.") ||
    ip === "localhost";
}

/** Format an address as Redis does in CLIENT LIST: "ip:port", IPv6 without brackets. */
export function formatAddress(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/**
 * The host for the runtime this process runs on.
 *
 * @example
 * ```ts
 * const host = await detectHost();
 * console.log(host.runtime); // "bun" or "deno"
 * ```
 */
export async function detectHost(): Promise<Host> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (typeof g.Bun !== "undefined") return (await import("./bun.ts")).bunHost();
  if (typeof g.Deno !== "undefined") return (await import("./deno.ts")).denoHost();
  throw new Error("Modis runs on Bun or Deno");
}

/**
 * A raw RESP client for e2e and differential tests, deliberately independent of Modis's own
 * parser and encoder so a bug there cannot hide itself.
 *
 * It speaks bytes: commands are encoded as RESP multibulk from binary strings (one char per
 * byte, the project's convention; a string with a char above 255 is sent as UTF-8) or
 * Uint8Arrays, and `write()` sends arbitrary bytes for protocol tests. Replies are decoded
 * by RespReader into type-preserving values (see resp_reader.ts).
 *
 * Replies are matched to readers in arrival order: `send()` writes one command and awaits
 * the next reply; `pipeline()` writes many in one write and awaits as many replies. Replies
 * nobody waits for yet (push messages, replies to raw writes) are queued for `read()`.
 *
 * Sockets come from Bun.connect (tests run under bun:test). Bun's socket.write may take only
 * part of a big buffer, so the rest is kept and sent from the drain callback. Every wait has
 * a timeout so a silent server fails the test instead of hanging the suite.
 */

import { type Reply, RespReader } from "./resp_reader.ts";

/** One command argument: binary string, bytes, or a number (sent as its decimal text). */
export type Arg = string | number | bigint | Uint8Array;

/** Where to connect: TCP (host defaults to 127.0.0.1) or a Unix socket path. */
export type Target = { port: number; host?: string } | { path: string };

const utf8 = new TextEncoder();

function argBytes(a: Arg): Uint8Array {
  if (a instanceof Uint8Array) return a;
  const s = typeof a === "string" ? a : String(a);
  let wide = false;
  for (let i = 0; i < s.length && !wide; i++) wide = s.charCodeAt(i) > 255;
  if (wide) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Encode commands as RESP multibulk requests, concatenated.
 *
 * @example
 * ```ts
 * encodeCommands([["SET", "k", "v"], ["GET", "k"]]); // "*3\r\n$3\r\nSET\r\n..." as bytes
 * ```
 */
export function encodeCommands(cmds: Arg[][]): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    total += p.length;
  };
  for (const argv of cmds) {
    push(utf8.encode(`*${argv.length}\r\n`));
    for (const a of argv) {
      const b = argBytes(a);
      push(utf8.encode(`$${b.length}\r\n`));
      push(b);
      push(CRLF);
    }
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const CRLF = new Uint8Array([13, 10]);

interface Waiter {
  resolve(r: Reply): void;
  reject(e: Error): void;
}

// deno-lint-ignore no-explicit-any
type BunSocket = any;
// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

/**
 * A connection to a RESP server.
 *
 * @example
 * ```ts
 * const c = await RespClient.connect({ port });
 * await c.send("SET", "k", "v");          // { simple: "OK" }
 * await c.pipeline([["INCR", "n"], ["INCR", "n"]]); // [1, 2]
 * c.close();
 * ```
 */
export class RespClient {
  /** Default timeout for a reply, in ms. */
  timeoutMs = 10_000;
  private readonly reader = new RespReader();
  private readonly queued: Reply[] = [];
  private readonly waiters: Waiter[] = [];
  private pending: Uint8Array[] = [];
  private isClosed = false;
  private failure: Error | null = null;
  private closeListeners: (() => void)[] = [];

  private socket: BunSocket = null;

  private constructor() {}

  /** Open a connection. */
  static async connect(target: Target): Promise<RespClient> {
    const client = new RespClient();
    const handlers = {
      data: (_s: BunSocket, chunk: Uint8Array) => client.onData(chunk),
      drain: () => client.onDrain(),
      close: () => client.onClose(null),
      error: (_s: BunSocket, e: Error) => client.onClose(e),
      end: () => client.onClose(null),
    };
    client.socket = "path" in target
      ? await Bun.connect({ unix: target.path, socket: handlers })
      : await Bun.connect({
        hostname: target.host ?? "127.0.0.1",
        port: target.port,
        socket: handlers,
      });
    return client;
  }

  /** Whether the server (or we) closed the connection. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Send one command and await its reply. */
  send(...argv: Arg[]): Promise<Reply> {
    this.write(encodeCommands([argv]));
    return this.read();
  }

  /** Send many commands in one write; await all their replies, in order. */
  async pipeline(cmds: Arg[][]): Promise<Reply[]> {
    this.write(encodeCommands(cmds));
    const out: Reply[] = [];
    for (let i = 0; i < cmds.length; i++) out.push(await this.read());
    return out;
  }

  /** Write raw bytes (a string is sent one char per byte). */
  write(data: string | Uint8Array): void {
    if (this.isClosed) throw new Error("write on a closed connection");
    const bytes = typeof data === "string" ? argBytes(data) : data;
    if (this.pending.length > 0) {
      this.pending.push(bytes.slice());
      return;
    }
    const n = this.socket.write(bytes);
    if (n < bytes.length) this.pending.push(bytes.slice(Math.max(0, n)));
  }

  /** The next reply (queued or yet to come). Rejects on close or after `timeoutMs`. */
  read(timeoutMs = this.timeoutMs): Promise<Reply> {
    const q = this.queued.shift();
    if (q !== undefined) return Promise.resolve(q);
    if (this.isClosed) {
      return Promise.reject(this.failure ?? new Error("connection closed by server"));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const w: Waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Resolve when the server closes the connection; reject after `timeoutMs`. */
  waitClosed(timeoutMs = this.timeoutMs): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`connection still open after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.closeListeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Close our side. */
  close(): void {
    if (!this.isClosed) this.socket.end();
    this.onClose(null);
  }

  private onData(chunk: Uint8Array): void {
    this.reader.feed(chunk);
    for (;;) {
      let r: Reply | undefined;
      try {
        r = this.reader.next();
      } catch (e) {
        this.onClose(e as Error);
        this.socket.end();
        return;
      }
      if (r === undefined) return;
      const w = this.waiters.shift();
      if (w) w.resolve(r);
      else this.queued.push(r);
    }
  }

  private onDrain(): void {
    while (this.pending.length > 0) {
      const chunk = this.pending[0];
      const n = this.socket.write(chunk);
      if (n < chunk.length) {
        this.pending[0] = chunk.subarray(Math.max(0, n));
        return;
      }
      this.pending.shift();
    }
  }

  private onClose(err: Error | null): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.failure = err;
    const e = err ?? new Error("connection closed by server");
    for (const w of this.waiters.splice(0)) w.reject(e);
    for (const l of this.closeListeners.splice(0)) l();
  }
}

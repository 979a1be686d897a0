/**
 * The Bun host: sockets through Bun.listen / Bun.connect, everything else through Bun's
 * process and file APIs.
 *
 * Bun's socket.write copies synchronously and returns how many bytes the kernel took; the
 * rest is kept here and sent from the `drain` callback, so the server can reuse its output
 * buffer right after every write.
 */

import type {
  Connection,
  ConnectionHandler,
  FileHandle,
  Host,
  Listener,
  ListenTarget,
} from "./transport.ts";
import { isLoopback } from "./transport.ts";
import { setNativeBytes } from "../bytes.ts";

// deno-lint-ignore no-explicit-any
type BunSocket = any;
// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;
// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;

interface SocketData {
  conn: BunConnection;
  handler: ConnectionHandler | null;
}

class BunConnection implements Connection {
  private pending: Uint8Array[] = [];
  pendingBytes = 0;
  private closing = false;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly isLocal: boolean;

  constructor(private readonly socket: BunSocket, unixPath?: string) {
    if (unixPath !== undefined) {
      this.remoteAddress = `${unixPath}:0`;
      this.localAddress = `${unixPath}:0`;
      this.isLocal = true;
    } else {
      this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
      this.localAddress = `${socket.localAddress}:${socket.localPort}`;
      this.isLocal = isLoopback(socket.remoteAddress ?? "");
      socket.setNoDelay?.(true);
    }
  }

  write(data: Uint8Array): void {
    if (this.pendingBytes > 0) {
      this.pending.push(data.slice());
      this.pendingBytes += data.length;
      return;
    }
    const n = this.socket.write(data);
    if (n < data.length) {
      const rest = data.slice(Math.max(0, n));
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
  }

  drain(): void {
    while (this.pending.length > 0) {
      const chunk = this.pending[0];
      const n = this.socket.write(chunk);
      if (n < chunk.length) {
        this.pending[0] = chunk.subarray(Math.max(0, n));
        this.pendingBytes -= Math.max(0, n);
        return;
      }
      this.pending.shift();
      this.pendingBytes -= chunk.length;
    }
    if (this.closing) this.socket.end();
  }

  close(): void {
    this.closing = true;
    if (this.pendingBytes === 0) this.socket.end();
  }

  setKeepAlive(seconds: number): void {
    this.socket.setKeepAlive?.(seconds > 0, seconds * 1000);
  }
}

function socketHandlers(onConnection: (conn: Connection) => ConnectionHandler, unixPath?: string) {
  return {
    open(socket: BunSocket) {
      const conn = new BunConnection(socket, unixPath);
      const data: SocketData = { conn, handler: null };
      socket.data = data;
      data.handler = onConnection(conn);
    },
    data(socket: BunSocket, chunk: Uint8Array) {
      (socket.data as SocketData).handler?.data(chunk);
    },
    drain(socket: BunSocket) {
      (socket.data as SocketData).conn.drain();
    },
    close(socket: BunSocket) {
      const d = socket.data as SocketData;
      const h = d.handler;
      d.handler = null;
      h?.closed();
    },
    error(socket: BunSocket) {
      const d = socket.data as SocketData | undefined;
      const h = d?.handler;
      if (d) d.handler = null;
      h?.closed();
    },
  };
}

/** A file through node:fs's synchronous calls (part of Bun's runtime; Bun.file has no fsync). */
function bunFile(path: string, mode: "read" | "write" | "append"): FileHandle {
  const fs = proc.getBuiltinModule("fs");
  const fd: number = fs.openSync(path, mode === "read" ? "r" : mode === "write" ? "w" : "a");
  return {
    write(data) {
      for (let off = 0; off < data.length;) off += fs.writeSync(fd, data, off, data.length - off);
    },
    read: (buf) => fs.readSync(fd, buf, 0, buf.length, null),
    sync: () => fs.fsyncSync(fd),
    // Bun has no fsync of its own (Bun.file sinks flush to the kernel, not to the disk); its
    // built-in fs runs the callback form on a worker thread.
    syncAsync: () =>
      new Promise<void>((resolve, reject) =>
        fs.fsync(fd, (e: Error | null) => (e ? reject(e) : resolve()))
      ),
    close: () => fs.closeSync(fd),
  };
}

/**
 * The Host implementation for Bun.
 *
 * @example
 * ```ts
 * const host = bunHost();
 * await host.listen({ host: "127.0.0.1", port: 6379 }, (conn) => handlerFor(conn));
 * ```
 */
export function bunHost(): Host {
  // Bun hands socket data over as Buffers, which decode latin1 natively (flat strings, no
  // ropes); other arrays get a Buffer view first.
  // deno-lint-ignore no-explicit-any
  const NodeBuffer = (globalThis as any).Buffer;
  setNativeBytes({
    alloc: (n) => NodeBuffer.allocUnsafe(n),
    decode(buf, start, end) {
      // deno-lint-ignore no-explicit-any
      const b: any = "latin1Slice" in buf
        ? buf
        : NodeBuffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      return b.latin1Slice(start, end);
    },
  });
  return {
    runtime: "bun",
    runtimeVersion: Bun.version,
    pid: proc.pid,
    listen(target: ListenTarget, onConnection): Promise<Listener> {
      if ("path" in target) {
        const l = Bun.listen({
          unix: target.path,
          socket: socketHandlers(onConnection, target.path),
        });
        // Bun.listen has no mode option; node:fs (part of Bun's runtime) sets it.
        if (target.permissions !== undefined) {
          proc.getBuiltinModule("fs").chmodSync(target.path, target.permissions);
        }
        return Promise.resolve({ port: 0, address: target.path, close: () => l.stop(true) });
      }
      const l = Bun.listen({
        hostname: target.host,
        port: target.port,
        socket: socketHandlers(onConnection),
      });
      return Promise.resolve({ port: l.port, address: target.host, close: () => l.stop(true) });
    },
    connect(target, handler): Promise<Connection> {
      return new Promise((resolve, reject) => {
        const handlers = socketHandlers((conn) => {
          resolve(conn);
          return handler(conn);
        });
        Bun.connect({ hostname: target.host, port: target.port, socket: handlers }).catch(reject);
      });
    },
    readTextFile: (path) => Bun.file(path).text(),
    writeTextFileSync(path, text, append) {
      // Bun has no synchronous append in its own API; node:fs is part of Bun's runtime.
      const fs = proc.getBuiltinModule?.("fs");
      if (append) fs.appendFileSync(path, text);
      else fs.writeFileSync(path, text);
    },
    rss: () => proc.memoryUsage.rss?.() ?? proc.memoryUsage().rss,
    // JSC's heap size already includes the string and buffer memory it reports as "extra".
    heapUsed: () => proc.memoryUsage().heapUsed,
    cpuUsage() {
      const u = proc.cpuUsage();
      return { user: u.user / 1e6, system: u.system / 1e6 };
    },
    onSignal(signal, fn) {
      proc.on(signal, fn);
    },
    exit: (code): never => proc.exit(code) as never,
    args: () => proc.argv.slice(2),
    cwd: () => proc.cwd(),
    async removeFile(path) {
      try {
        await Bun.file(path).delete();
      } catch { /* already gone */ }
    },
    openFile: bunFile,
    renameFile: (from, to) => proc.getBuiltinModule("fs").renameSync(from, to),
    linkFile: (existing, newPath) => proc.getBuiltinModule("fs").linkSync(existing, newPath),
    fileSize(path) {
      try {
        return proc.getBuiltinModule("fs").statSync(path).size;
      } catch {
        return -1;
      }
    },
    makeDir: (path) => proc.getBuiltinModule("fs").mkdirSync(path, { recursive: true }),
  };
}

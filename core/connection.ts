/**
 * A network client: glues a transport Connection to a ClientState through the request
 * parser and the RESP encoder.
 *
 * Per read: feed the parser, run every complete command, then write all replies at once
 * (one read and one write syscall per batch, as Redis does). A protocol error answers with
 * Redis's message and closes the connection after the reply; it never affects other
 * clients. CLIENT REPLY OFF/SKIP are applied here by discarding the command's reply bytes.
 *
 * A client can be paused (blocked on a key, or waiting for a long script) with
 * `suspend()`; pipelined commands stay in the parser until `resume()`.
 */

import { ClientState } from "./client.ts";
import { OutputBuffer, RespEncoder } from "./resp/encoder.ts";
import { ProtocolError, RequestParser } from "./resp/parser.ts";
import type { Connection, ConnectionHandler } from "./net/transport.ts";
import type { Server } from "./server.ts";
import type { ReplyWriter } from "./spec.ts";

/**
 * A client connected over TCP or a Unix socket.
 *
 * @example
 * ```ts
 * host.listen(target, (conn) => new NetworkClient(server, conn));
 * ```
 */
export class NetworkClient extends ClientState implements ConnectionHandler {
  readonly parser = new RequestParser();
  readonly out = new OutputBuffer();
  readonly encoder: RespEncoder;
  /** Replies of the running command are discarded (CLIENT REPLY OFF / SKIP). */
  suppressReply = false;
  private suspended = 0;
  private gone = false;
  private processing = false;
  private flushQueued = false;
  /** When the output first went over the soft limit (0 = it is not over). */
  private softLimitSince = 0;
  /** Deliveries to this client made by its own running command, written after its reply. */
  private deferred: ((reply: ReplyWriter) => void)[] = [];

  constructor(server: Server, readonly conn: Connection) {
    const encoder = new RespEncoder(new OutputBuffer(), 2);
    super(server, server.allocateClientId(), server.dbs[0], encoder);
    encoder.out = this.out;
    encoder.onError = (msg) => server.countError(msg);
    this.encoder = encoder;
    this.addr = conn.remoteAddress;
    this.laddr = conn.localAddress;
    this.isLocal = conn.isLocal;
    this.parser.maxBulkLen = server.settings.protoMaxBulkLen;
    if (server.settings.tcpKeepalive > 0) conn.setKeepAlive(server.settings.tcpKeepalive);
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.gone;
  }

  data(chunk: Uint8Array): void {
    if (this.gone) return;
    this.server.stats.netInputBytes += chunk.length;
    this.server.clock = performance.now();
    this.lastInteraction = this.server.wallClock();
    this.parser.feed(chunk);
    this.processInput();
    this.parser.retain();
    this.flush();
  }

  /** Run every complete command buffered, unless suspended. */
  processInput(): void {
    if (this.processing) return;
    this.processing = true;
    const server = this.server;
    // A nested batch (a client resumed by another's command) leaves the outer flag alone.
    const outerBatching = server.batching;
    try {
      while (this.suspended === 0 && !this.closeAfterReply && !this.gone) {
        this.parser.authPending = !this.authenticated;
        this.parser.maxBulkLen = this.server.settings.protoMaxBulkLen;
        let argv: string[] | null;
        try {
          argv = this.parser.next();
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          this.encoder.error(err.message);
          this.server.log(
            "verbose",
            `Protocol error (${err.message}) from client: id=${this.id} addr=${this.addr}`,
          );
          this.closeAfterReply = true;
          break;
        }
        if (argv === null) break;
        if (argv.length === 0) continue;
        const mark = this.out.length;
        const mode = this.replyMode;
        // Only a command with more pipelined behind it may be timed with its batch; the last
        // (or only) one of a read is timed alone, so request/response traffic stays exact.
        server.batching = this.parser.pending > 0 && !server.preciseTiming;
        this.server.execute(this, argv);
        // Decided after the command, like Redis at reply time: CLIENT REPLY ON's own +OK
        // is sent even when replies were off or the command was the one to skip.
        if (this.replyMode !== "on" || this.suppressReply) {
          this.out.length = mark;
          this.suppressReply = false;
          if (mode === "skip" && this.replyMode === "skip") this.replyMode = "on";
        }
        if (this.deferred.length > 0) this.writeDeferred();
      }
    } finally {
      this.processing = false;
      server.batching = outerBatching;
      if (!outerBatching) server.settleTiming();
    }
  }

  /** Send buffered replies. */
  flush(): void {
    if (this.out.length > 0 && !this.gone) {
      this.server.stats.netOutputBytes += this.out.length;
      this.conn.write(this.out.view());
      this.out.clear();
      if (this.conn.pendingBytes > 0) this.checkOutputLimits();
    }
    if (this.closeAfterReply && !this.gone) this.kill();
  }

  /**
   * Out-of-command writes. One produced by this client's own command (PUBLISH to a channel it
   * is subscribed to, an invalidation of a key it wrote, also from a script it runs) waits
   * until that command's reply is
   * written — inside MULTI/EXEC, until after EXEC's — as Redis 7.2+ does; such pushes are not
   * silenced by CLIENT REPLY OFF either.
   */
  override deliver(write: (reply: ReplyWriter) => void): void {
    if (this.gone) return;
    if (this.server.unitClient === this) {
      this.deferred.push(write);
      if (this.deferred.length === 1 && !this.processing) {
        queueMicrotask(() => this.writeDeferred());
      }
      return;
    }
    write(this.reply);
    // Inside this client's own batch the batch's flush sends it; otherwise coalesce every
    // delivery of this tick into one write.
    if (!this.processing && !this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  private writeDeferred(): void {
    const writes = this.deferred;
    if (writes.length === 0) return;
    this.deferred = [];
    this.deliver((reply) => {
      for (const w of writes) w(reply);
    });
  }

  /**
   * Enforce client-output-buffer-limit for this client's class: over the hard limit, or over
   * the soft limit for longer than its seconds, the client is disconnected (Redis's rule), so
   * a client that stops reading cannot grow the server's memory without bound.
   */
  private checkOutputLimits(): void {
    const cls = this.kind === "pubsub" ? "pubsub" : this.kind === "replica" ? "replica" : "normal";
    const limit = this.server.settings.outputLimits[cls];
    const pending = this.conn.pendingBytes;
    let over = limit.hard > 0 && pending >= limit.hard;
    if (!over && limit.soft > 0 && pending >= limit.soft) {
      const now = Date.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else over = now - this.softLimitSince >= limit.softSeconds * 1000;
    } else if (!over) this.softLimitSince = 0;
    if (over) {
      this.server.log(
        "warning",
        `Client id=${this.id} addr=${this.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      );
      this.server.stats.clientOutputLimitDisconnections++;
      this.kill();
    }
  }

  /** Stop running this client's commands until `resume()`. */
  override suspend(): void {
    this.suspended++;
  }

  /** Resume after `suspend()`: run what was pipelined meanwhile and flush. */
  override resume(): void {
    if (this.suspended > 0) this.suspended--;
    if (this.suspended === 0 && !this.gone) {
      this.processInput();
      this.parser.retain();
      this.flush();
    }
  }

  /** Close the connection and forget the client. */
  override kill(): void {
    if (this.gone) return;
    this.gone = true;
    this.conn.close();
    this.server.removeClient(this);
  }

  closed(): void {
    if (this.gone) return;
    this.gone = true;
    this.parser.reset();
    this.server.removeClient(this);
  }
}

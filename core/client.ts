/**
 * Client state: everything Redis keeps per connection that core needs (identity, protocol,
 * selected db, reply mode, the pending reply) plus a place for modules' own per-client
 * state.
 *
 * A ClientState is also the CommandContext handed to handlers (`ctx.client === ctx`), as
 * Redis passes its `client *c` everywhere: no allocation per command. The same class backs
 * network connections, the embedded caller of `call()`, and script clients; only the reply
 * sink differs.
 *
 * Modules keep per-client data in `client.ext` under their own key (or in a WeakMap of
 * their own), and may add CLIENT LIST flag letters and counters through `flagLetters` and
 * `counters`. Core never reads module data.
 */

import { type BlockOptions, type CommandContext, PROPAGATE_ALL, type ReplyWriter } from "./spec.ts";
import type { Db } from "./keyspace.ts";
import type { ServerApi } from "./server.ts";

/** How replies are delivered (CLIENT REPLY). */
export type ReplyMode = "on" | "off" | "skip";

/**
 * Per-client state; also the command context.
 *
 * @example
 * ```ts
 * handler(ctx) { ctx.reply.simple(ctx.client.name || "anonymous"); }
 * ```
 */
export class ClientState implements CommandContext {
  /** Unique, increasing id (CLIENT ID). */
  readonly id: number;
  name = "";
  libName = "";
  libVer = "";
  resp: 2 | 3 = 2;
  db: Db;
  reply: ReplyWriter;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** Whether the client passed AUTH (or needs none). */
  authenticated = true;
  user = "default";
  replyMode: ReplyMode = "on";
  noEvict = false;
  noTouch = false;
  /** Close the connection once pending replies are written (QUIT, protocol errors). */
  closeAfterReply = false;
  /** The last command's full name (CLIENT LIST cmd=). */
  lastCommand = "NULL";
  /** "host:port" of the peer and the local end; "" for in-process clients. */
  addr = "";
  laddr = "";
  /** Local connections are trusted for protected mode and enable-debug-command local. */
  isLocal = true;
  /** Client kind for CLIENT LIST / KILL TYPE: normal, master, replica, pubsub. */
  kind: "normal" | "master" | "replica" | "pubsub" = "normal";
  /** Extra CLIENT LIST flag letters modules set (x = MULTI, P = pubsub, b = blocked...). */
  readonly flagLetters = new Set<string>();
  /** Counters modules maintain for CLIENT LIST (sub, psub, ssub, multi, watch). */
  readonly counters: Record<string, number> = {};
  /** Per-module client data. */
  readonly ext = new Map<string, unknown>();
  /** Propagation override for the running command (undefined = verbatim, null = none). */
  propagation: string[] | null | undefined = undefined;
  /** Where the running command's propagation goes (PROPAGATE_* bits; reset per command). */
  propagationTargets = PROPAGATE_ALL;
  /** Set while commands must not block (EXEC, scripts, embedded calls). */
  denyBlocking = false;
  /** `server.propagatedCount` after this client's last write went out (Redis's woff). */
  writeOffset = 0;
  /**
   * The client that runs a script's commands (Redis's CLIENT_SCRIPT): a command whose reply
   * would otherwise follow hash order (SORT BY a constant of a set) sorts it, so a script
   * sees the same reply on every server.
   */
  fromScript = false;
  /** The argv of the running command (so that a blocking command can be run again). */
  currentArgv: string[] = [];

  constructor(readonly server: ServerApi, id: number, db: Db, reply: ReplyWriter) {
    this.id = id;
    this.db = db;
    this.reply = reply;
  }

  get client(): ClientState {
    return this;
  }

  propagate(argv: string[], targets = PROPAGATE_ALL): void {
    this.propagation = argv;
    this.propagationTargets = targets;
  }

  preventPropagation(): void {
    this.propagation = null;
  }

  get canBlock(): boolean {
    return !this.denyBlocking;
  }

  block(keys: string[], options: BlockOptions): void {
    this.server.blocking.block(this, this.db, keys, this.currentArgv, options);
  }

  /**
   * Write something to this client outside of its own command (pub/sub messages, tracking
   * invalidations, MONITOR lines): `write` gets the client's reply writer, and the bytes are
   * sent soon after, together with anything else delivered meanwhile.
   */
  deliver(write: (reply: ReplyWriter) => void): void {
    write(this.reply);
  }

  /** Stop running this client's input until `resume()` (no-op for in-process clients). */
  suspend(): void {}

  /** Resume after `suspend()`, sending what was produced meanwhile. */
  resume(): void {}

  /** Called by the transport layer to close the connection; in-process clients ignore it. */
  kill(): void {}
}

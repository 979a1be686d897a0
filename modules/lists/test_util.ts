/**
 * Test support for the lists module (not part of the module itself): an embedded server
 * with the connection, keys, strings and lists modules plus a spy module recording keyspace
 * events and propagated commands, and "wire" clients whose replies are the exact RESP2 or
 * RESP3 bytes a socket would carry — the only way to tell a null bulk from a null array.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { ClientState } from "../../core/client.ts";
import { OutputBuffer, RespEncoder } from "../../core/resp/encoder.ts";
import { bytesToBinary } from "../../core/bytes.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { stringsModule } from "../strings/mod.ts";
import { listsModule } from "./mod.ts";

/** A client speaking RESP through the real command path. */
export interface WireClient {
  state: ClientState;
  /** Run a command; returns what was written since the last call (RESP bytes as text). */
  send(...argv: (string | number)[]): string;
  /** Replies written since the last `send`/`take` (for blocked clients served later). */
  take(): string;
}

/** A server under test and what it announced. */
export interface ListsHarness {
  m: ModisServer;
  /** Keyspace events as "class:event:key" (key-miss events left out). */
  events: string[];
  /** Propagated commands, argv joined by spaces. */
  propagated: string[];
  /** Run a command in-process; error replies come back as their message. */
  run(...args: (string | number)[]): Promise<unknown>;
  /** A new RESP client (protocol 2 or 3). */
  client(resp?: 2 | 3): WireClient;
  /** Forget recorded events and propagation. */
  clear(): void;
}

/**
 * Start an embedded server for a test.
 *
 * @example
 * ```ts
 * const h = await listsHarness();
 * await h.run("RPUSH", "k", "a");
 * h.events; // ["l:rpush:k"]
 * ```
 */
export async function listsHarness(): Promise<ListsHarness> {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "lists_spy",
    hooks: {
      keyspaceEvent: (cls, event, key) => cls !== "m" && events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => propagated.push(argv.join(" ")),
    },
  };
  const m = createServer({
    builtins: [connectionModule, keysModule, stringsModule, listsModule],
    modules: [spy],
    log: false,
  });
  await m.ready;
  const server = m.server;
  return {
    m,
    events,
    propagated,
    run: (...args) => m.call(...args).catch((e: Error) => e.message),
    client(resp = 2) {
      const out = new OutputBuffer();
      const state = new ClientState(
        server,
        server.allocateClientId(),
        server.dbs[0],
        new RespEncoder(out, resp),
      );
      state.resp = resp;
      server.addClient(state);
      const take = () => {
        const s = bytesToBinary(out.view());
        out.clear();
        return s;
      };
      return {
        state,
        take,
        send(...argv) {
          server.execute(state, argv.map(String));
          return take();
        },
      };
    },
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
  };
}

/** Let timers and microtasks run. */
export function tick(ms = 0): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

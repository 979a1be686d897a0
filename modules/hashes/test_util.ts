/**
 * Test support for the hashes module: an embedded server with the connection, keys and
 * hashes modules plus a spy module recording keyspace events and propagated commands, so
 * tests see what a subscriber or a replica would see.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import type { Db } from "../../core/keyspace.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { stringsModule } from "../strings/mod.ts";
import { serverModule } from "../server/mod.ts";
import { hashesModule } from "./mod.ts";

/** A server under test and what it announced. */
export interface HashHarness {
  m: ModisServer;
  /** Database 0. */
  db: Db;
  /** Keyspace events as "class:event:key". */
  events: string[];
  /** Propagated commands, argv joined by spaces. */
  propagated: string[];
  /** Run a command; error replies come back as their message instead of rejecting. */
  run(...args: (string | number)[]): Promise<unknown>;
  /** Forget recorded events and propagation. */
  clear(): void;
}

/**
 * Start an embedded server for a test. Its cron runs, so tests of lazy expiry switch
 * active expiry off (`h.m.server.activeExpire = false`).
 *
 * @example
 * ```ts
 * const h = await hashHarness();
 * await h.run("HSET", "k", "f", "v");
 * h.events; // ["h:hset:k"]
 * ```
 */
export async function hashHarness(
  config: Record<string, string | number> = {},
): Promise<HashHarness> {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "hashes_spy",
    hooks: {
      keyspaceEvent: (cls, event, key) => events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => {
        // Core wraps a command's several propagations in MULTI/EXEC; tests look at the commands.
        if (argv[0] !== "MULTI" && argv[0] !== "EXEC") propagated.push(argv.join(" "));
      },
    },
  };
  const m = createServer({
    builtins: [connectionModule, keysModule, stringsModule, serverModule, hashesModule],
    modules: [spy],
    config,
    log: false,
  });
  await m.ready;
  return {
    m,
    db: m.server.dbs[0],
    events,
    propagated,
    run: (...args) => m.call(...args).catch((e: Error) => e.message),
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
  };
}

/**
 * Wait `ms` milliseconds (field deadlines are real wall-clock times).
 *
 * @example
 * ```ts
 * await sleep(5);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

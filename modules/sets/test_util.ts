/**
 * Test support for the sets module: an embedded server with the connection, keys, strings
 * and sets modules, plus a spy module recording keyspace events and propagated commands, so
 * tests can check what a subscriber or a replica would see.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { stringsModule } from "../strings/mod.ts";
import { setsModule } from "./mod.ts";

/** A server under test and what it announced. */
export interface SetsHarness {
  m: ModisServer;
  /** Keyspace events as "class:event:key". */
  events: string[];
  /** Propagated commands, argv joined by spaces. */
  propagated: string[];
  /** Run a command; error replies come back as their message instead of rejecting. */
  run(...args: (string | number)[]): Promise<unknown>;
  /** Forget recorded events and propagation. */
  clear(): void;
  /** Members of a set, sorted (for order-insensitive checks). */
  members(key: string): Promise<string[]>;
}

/**
 * Start an embedded server for a test.
 *
 * @example
 * ```ts
 * const h = await setsHarness();
 * await h.run("SADD", "s", "a");
 * h.events; // ["s:sadd:s"]
 * ```
 */
export async function setsHarness(): Promise<SetsHarness> {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "sets_spy",
    hooks: {
      // Class m (keymiss) comes from core lookups, not from the commands under test.
      keyspaceEvent: (cls, event, key) => cls !== "m" && events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => propagated.push(argv.join(" ")),
    },
  };
  const m = createServer({
    builtins: [connectionModule, keysModule, stringsModule, setsModule],
    modules: [spy],
    log: false,
    // A free port on loopback, for tests that listen() to see RESP3 on the wire.
    config: { port: "0", bind: "127.0.0.1" },
  });
  await m.ready;
  const run = (...args: (string | number)[]) => m.call(...args).catch((e: Error) => e.message);
  return {
    m,
    events,
    propagated,
    run,
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
    async members(key) {
      return ((await run("SMEMBERS", key)) as string[]).slice().sort();
    },
  };
}

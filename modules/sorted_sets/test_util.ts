/**
 * Test support for the sorted sets module: an embedded server with the connection, keys,
 * strings and sorted sets modules, plus a spy module that records keyspace events and
 * propagated commands, so tests can check what a subscriber or a replica would see.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { stringsModule } from "../strings/mod.ts";
import { sortedSetsModule } from "./mod.ts";

/** A server under test and what it announced. */
export interface ZsetHarness {
  m: ModisServer;
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
 * Start an embedded server for a test.
 *
 * @example
 * ```ts
 * const h = await zsetHarness();
 * await h.run("ZADD", "z", 1, "a");
 * h.events; // ["z:zadd:z"]
 * ```
 */
export async function zsetHarness(extra: ModuleSpec[] = []): Promise<ZsetHarness> {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "zset_spy",
    hooks: {
      keyspaceEvent: (cls, event, key) => events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => propagated.push(argv.join(" ")),
    },
  };
  const m = createServer({
    builtins: [connectionModule, keysModule, stringsModule, sortedSetsModule, ...extra],
    modules: [spy],
    log: false,
  });
  await m.ready;
  return {
    m,
    events,
    propagated,
    run: (...args) => m.call(...args).catch((e: Error) => e.message),
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
  };
}

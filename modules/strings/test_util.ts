/**
 * Test support for the strings module: an embedded server with only the connection and
 * strings modules, plus a spy module that records keyspace events and propagated commands,
 * so tests can check the side effects a replica or a subscriber would see.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec, TypedValue, TypeSpec } from "../../core/spec.ts";
import type { Db } from "../../core/keyspace.ts";
import { connectionModule } from "../connection/mod.ts";
import { stringsModule } from "./mod.ts";

/** A server under test and what it announced. */
export interface StringsHarness {
  m: ModisServer;
  /** Database 0. */
  db: Db;
  /** Keyspace events as "class:event:key". */
  events: string[];
  /** Propagated commands, argv joined by spaces. */
  propagated: string[];
  /** Run a command; error replies come back as their message instead of rejecting. */
  run(...args: (string | number | Uint8Array)[]): Promise<unknown>;
  /** Like `run` with binary strings in replies (one char per byte). */
  raw(...args: (string | number | Uint8Array)[]): Promise<unknown>;
  /** Forget recorded events and propagation. */
  clear(): void;
  /** Store a value of another type under `key` (for WRONGTYPE checks). */
  addOther(key: string): void;
}

/** A stand-in non-string type: the strings module must refuse it. */
const otherType: TypeSpec<TypedValue> = {
  name: "list",
  encoding: () => "listpack",
  copy: (v) => v,
};

/**
 * Start an embedded server for a test.
 *
 * @example
 * ```ts
 * const h = await stringsHarness();
 * await h.run("SET", "k", "v");
 * h.events; // ["$:set:k"]
 * ```
 */
export async function stringsHarness(): Promise<StringsHarness> {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "strings_spy",
    hooks: {
      keyspaceEvent: (cls, event, key) => events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => propagated.push(argv.join(" ")),
    },
  };
  const m = createServer({
    builtins: [connectionModule, stringsModule],
    modules: [spy],
    log: false,
  });
  await m.ready;
  const settle = (p: Promise<unknown>) => p.catch((e: Error) => e.message);
  return {
    m,
    db: m.server.dbs[0],
    events,
    propagated,
    run: (...args) => settle(m.call(...args)),
    raw: (...args) => settle(m.callRaw(...args)),
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
    addOther(key) {
      m.server.dbs[0].add(key, { type: otherType });
    },
  };
}

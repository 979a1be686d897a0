/**
 * Test fixture for the keys module's *_test.ts files (not part of the module itself).
 *
 * The keys module must be testable without the modules that create values (strings, lists,
 * ...), which other engineers own and may change. So the fixture loads only the connection
 * and keys modules plus a small recorder module that (a) writes values straight into the
 * keyspace, (b) provides a toy collection type "list" with a real deep `copy`, (c) can put the
 * caller in no-touch mode, and (d)
 * records keyspace events and propagated commands through the same hooks a real listener
 * (pub/sub, AOF, replication) would use.
 */

import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec, TypedValue, TypeSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "./mod.ts";

/** The toy collection value. */
export interface ToyList extends TypedValue {
  items: string[];
}

/**
 * A minimal list-like TypeSpec for tests.
 *
 * @example
 * ```ts
 * const v: ToyList = { type: toyListType, items: ["a"] };
 * ```
 */
export const toyListType: TypeSpec<ToyList> = {
  name: "list",
  encoding: (v) => (v.items.length > 128 ? "quicklist" : "listpack"),
  copy: (v) => ({ type: toyListType, items: [...v.items] }),
  length: (v) => v.items.length,
};

/** A server with the keys module and recorders. */
export interface KeysFixture {
  modis: ModisServer;
  /** "event:key@db" for every keyspace event, in order. */
  events: string[];
  /** Propagated commands, as "db: ARG ARG ...". */
  propagated: string[];
  /** Store a string (or a toy list when `value` is an array), optionally with a TTL in ms. */
  put(key: string, value: string | string[], options?: { db?: number; ttlMs?: number }): void;
  close(): Promise<void>;
}

/**
 * Start a fixture server; close it after the test.
 *
 * @example
 * ```ts
 * const fx = await keysFixture();
 * fx.put("k", "v");
 * await fx.modis.call("DEL", "k"); // 1
 * await fx.close();
 * ```
 */
export async function keysFixture(
  config: Record<string, string | number> = {},
): Promise<KeysFixture> {
  const events: string[] = [];
  const propagated: string[] = [];
  const recorder: ModuleSpec = {
    name: "keys-test-recorder",
    types: [toyListType],
    commands: [{
      name: "keystest.notouch",
      group: "connection",
      summary: "Puts the caller in no-touch mode (stands in for CLIENT NO-TOUCH ON).",
      since: "0.1.0",
      arity: 1,
      flags: [],
      handler(ctx) {
        ctx.client.noTouch = true;
        ctx.reply.ok();
      },
    }],
    hooks: {
      keyspaceEvent: (_cls, event, key, db) => events.push(`${event}:${key}@${db}`),
      propagated: (db, argv) => propagated.push(`${db}: ${argv.join(" ")}`),
    },
  };
  const modis = createServer({
    builtins: [connectionModule, keysModule, recorder],
    log: false,
    config,
  });
  await modis.ready;
  const put: KeysFixture["put"] = (key, value, options = {}) => {
    const db = modis.server.db(options.db ?? 0);
    db.remove(key);
    db.add(key, typeof value === "string" ? value : { type: toyListType, items: value } as ToyList);
    if (options.ttlMs !== undefined) db.setExpire(key, Date.now() + options.ttlMs);
  };
  return { modis, events, propagated, put, close: () => modis.close() };
}

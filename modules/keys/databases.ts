/**
 * Whole-database commands: DBSIZE, FLUSHDB, FLUSHALL and SWAPDB.
 *
 * Flushing is O(1) on the event loop: `Db.flush()` swaps in empty Dicts and the old tables
 * become garbage for the runtime's collector, which reclaims them incrementally and mostly
 * off the main thread. So SYNC and ASYNC (and `lazyfree-lazy-user-flush`) behave the same;
 * the options are still parsed strictly, as Redis does (one optional SYNC|ASYNC, anything
 * else is a syntax error).
 *
 * Other modules hear of a flush through `server.flushed(db)` (-1 for FLUSHALL), called once
 * the data is gone: WATCH and client tracking invalidate, persistence may save. The command
 * is always propagated, even when the databases were already empty (a replica or the AOF
 * must flush too), and the dirty counter grows by the number of keys removed.
 *
 * SWAPDB exchanges the contents of two databases in O(1); clients keep their selected
 * index and so see the other data set. Swapping a database with itself is a no-op that still
 * answers OK and counts as a change, like Redis.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { dbAt, parseDbIndex } from "./lookup.ts";

/** Validate FLUSHDB / FLUSHALL's optional SYNC|ASYNC argument. */
function checkFlushMode(argv: string[]): void {
  if (argv.length === 1) return;
  const mode = argv[1].toLowerCase();
  if (argv.length === 2 && (mode === "sync" || mode === "async")) return;
  throw new ReplyError(SYNTAX_ERR);
}

/** The shared body of FLUSHDB (`all` false) and FLUSHALL. */
function flush(ctx: CommandContext, argv: string[], all: boolean): void {
  checkFlushMode(argv);
  const server = ctx.server;
  let removed = 0;
  if (all) {
    for (const db of server.dbs) removed += db.flush();
  } else {
    removed = ctx.db.flush();
  }
  server.dirty += removed;
  server.flushed(all ? -1 : ctx.db.index);
  ctx.propagate(argv);
  ctx.reply.ok();
}

const flushArgs = [{
  name: "flush-type",
  type: "oneof" as const,
  optional: true,
  arguments: [
    { name: "async", type: "pure-token" as const, token: "ASYNC", since: "4.0.0" },
    { name: "sync", type: "pure-token" as const, token: "SYNC", since: "6.2.0" },
  ],
}];
const flushHistory: [string, string][] = [
  ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
  ["6.2.0", "Added the `SYNC` flushing mode modifier."],
];

/**
 * DBSIZE, FLUSHDB, FLUSHALL and SWAPDB.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [...databaseCommands] };
 * ```
 */
export const databaseCommands: CommandSpec[] = [
  {
    name: "dbsize",
    group: "server",
    summary: "Counts the keys of the selected database.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 1,
    flags: ["readonly", "fast"],
    aclCategories: ["keyspace"],
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
    handler(ctx) {
      ctx.reply.int(ctx.db.size);
    },
  },
  {
    name: "flushdb",
    group: "server",
    summary: "Removes every key of the selected database.",
    since: "1.0.0",
    complexity: "O(1) on the event loop; memory is reclaimed by the garbage collector.",
    arity: -1,
    flags: ["write"],
    aclCategories: ["keyspace", "dangerous"],
    arguments: flushArgs,
    history: flushHistory,
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: (ctx, argv) => flush(ctx, argv, false),
  },
  {
    name: "flushall",
    group: "server",
    summary: "Removes every key of every database.",
    since: "1.0.0",
    complexity: "O(databases) on the event loop; memory is reclaimed by the garbage collector.",
    arity: -1,
    flags: ["write"],
    aclCategories: ["keyspace", "dangerous"],
    arguments: flushArgs,
    history: flushHistory,
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: (ctx, argv) => flush(ctx, argv, true),
  },
  {
    name: "swapdb",
    group: "server",
    summary: "Exchanges the contents of two databases.",
    since: "4.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["write", "fast"],
    aclCategories: ["keyspace", "dangerous"],
    arguments: [{ name: "index1", type: "integer" }, { name: "index2", type: "integer" }],
    handler(ctx, argv) {
      const first = parseDbIndex(argv[1], "ERR invalid first DB index");
      const second = parseDbIndex(argv[2], "ERR invalid second DB index");
      const a = dbAt(ctx, first);
      const b = dbAt(ctx, second);
      if (a !== b) a.swapWith(b);
      ctx.server.dirty++;
      ctx.reply.ok();
    },
  },
];

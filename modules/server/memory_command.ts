/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP.
 *
 * A JS runtime does not tell how many bytes one object takes, so MEMORY USAGE is an
 * estimate built from what the type knows about its value (`TypeSpec.memoryUsage`) plus
 * the key and a fixed per-entry overhead; process-wide figures come from the runtime's
 * resident set size, like INFO memory.
 */

import type { CommandSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { typeOf } from "../../core/keyspace.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import type { Value } from "../../core/spec.ts";
import { intArg, replyHelp } from "./state.ts";
import { memoryFigures } from "./info.ts";

/** Bytes a dictionary entry costs beyond its key and value (hash slot, expiry, LRU). */
const ENTRY_OVERHEAD = 48;

/**
 * Estimated bytes used by a key and its value.
 *
 * @example
 * ```ts
 * keyMemoryUsage("greeting", "hello"); // ~77
 * ```
 */
export function keyMemoryUsage(key: string, value: Value): number {
  const t = typeOf(value);
  return ENTRY_OVERHEAD + key.length + (t.memoryUsage?.(value) ?? 64);
}

function statsFields(server: ServerApi): [string, number | [string, number][]][] {
  const { used, peak, startup } = memoryFigures(server);
  let keys = 0;
  const dbs: [string, [string, number][]][] = [];
  for (const db of server.dbs) {
    keys += db.size;
    if (db.size === 0) continue;
    dbs.push([`db.${db.index}`, [
      ["overhead.hashtable.main", db.size * ENTRY_OVERHEAD],
      ["overhead.hashtable.expires", db.volatileCount * ENTRY_OVERHEAD],
    ]]);
  }
  const dataset = Math.max(0, used - startup);
  return [
    ["peak.allocated", peak],
    ["total.allocated", used],
    ["startup.allocated", startup],
    ["replication.backlog", 0],
    ["clients.slaves", 0],
    ["clients.normal", 0],
    ["cluster.links", 0],
    ["aof.buffer", 0],
    ["lua.caches", 0],
    ["functions.caches", 0],
    ...dbs,
    ["overhead.db.hashtable.lut", 0],
    ["overhead.db.hashtable.rehashing", 0],
    ["overhead.total", startup],
    ["db.dict.rehashing.count", 0],
    ["keys.count", keys],
    ["keys.bytes-per-key", keys === 0 ? 0 : Math.floor(dataset / keys)],
    ["dataset.bytes", dataset],
    ["dataset.percentage", used === 0 ? 0 : (dataset / used) * 100],
    ["peak.percentage", peak === 0 ? 0 : (used / peak) * 100],
    ["allocator.allocated", used],
    ["allocator.active", used],
    ["allocator.resident", used],
    ["allocator.muzzy", 0],
    ["allocator-fragmentation.ratio", 1],
    ["allocator-fragmentation.bytes", 0],
    ["allocator.rss-ratio", 1],
    ["allocator.rss-bytes", 0],
    ["rss-overhead.ratio", 1],
    ["rss-overhead.bytes", 0],
    ["fragmentation", 1],
    ["fragmentation.bytes", 0],
  ];
}

const RATIOS = new Set([
  "dataset.percentage",
  "peak.percentage",
  "allocator-fragmentation.ratio",
  "allocator.rss-ratio",
  "rss-overhead.ratio",
  "fragmentation",
]);

/**
 * The MEMORY container command.
 *
 * @example
 * ```ts
 * await modis.call("MEMORY", "USAGE", "k");
 * ```
 */
export const memoryCommand: CommandSpec = {
  name: "memory",
  group: "server",
  summary: "A container for memory diagnostics commands.",
  since: "4.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "usage",
      group: "server",
      summary: "Estimates the memory usage of a key.",
      since: "4.0.0",
      complexity: "O(N) where N is the number of samples.",
      arity: -3,
      flags: ["readonly"],
      keys: [{ flags: ["RO"], begin: 2 }],
      arguments: [
        { name: "key", type: "key", keySpecIndex: 0 },
        { name: "count", type: "integer", token: "SAMPLES", optional: true },
      ],
      handler(ctx, argv) {
        for (let i = 3; i < argv.length; i += 2) {
          if (argv[i].toLowerCase() !== "samples" || i + 1 >= argv.length) {
            throw new ReplyError(SYNTAX_ERR);
          }
          if (intArg(argv[i + 1]) < 0) throw new ReplyError(SYNTAX_ERR);
        }
        const value = ctx.db.peek(argv[2]);
        if (value === undefined) ctx.reply.null();
        else ctx.reply.int(keyMemoryUsage(argv[2], value));
      },
    },
    {
      name: "stats",
      group: "server",
      summary: "Returns details about memory usage.",
      since: "4.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: [],
      tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      handler(ctx) {
        const fields = statsFields(ctx.server);
        const r = ctx.reply;
        r.map(fields.length);
        for (const [name, v] of fields) {
          r.bulk(name);
          if (Array.isArray(v)) {
            r.map(v.length);
            for (const [k, n] of v) {
              r.bulk(k);
              r.int(n);
            }
          } else if (RATIOS.has(name)) r.double(v);
          else r.int(v);
        }
      },
    },
    {
      name: "doctor",
      group: "server",
      summary: "Outputs a memory problems report.",
      since: "4.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: [],
      tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      handler(ctx) {
        const { used, peak } = memoryFigures(ctx.server);
        const text = used > 0 && peak > used * 1.5
          ? `Memory use is ${
            Math.round((used / peak) * 100)
          }% of its peak: the runtime keeps freed memory for reuse.\n`
          : "No memory problems detected.\n";
        ctx.reply.verbatim(text);
      },
    },
    {
      name: "malloc-stats",
      group: "server",
      summary: "Returns the allocator statistics.",
      since: "4.0.0",
      complexity: "Depends on how much memory is allocated, could be slow",
      arity: 2,
      flags: [],
      tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      handler(ctx) {
        ctx.reply.verbatim(
          `Stats not supported for the current allocator (${
            ctx.server.host?.runtime ?? "js"
          } heap)`,
        );
      },
    },
    {
      name: "purge",
      group: "server",
      summary: "Asks the allocator to release memory.",
      since: "4.0.0",
      complexity: "Depends on how much memory is allocated, could be slow",
      arity: 2,
      flags: [],
      tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      handler(ctx) {
        ctx.reply.ok();
      },
    },
    {
      name: "help",
      group: "server",
      summary: "Returns helpful text about the different subcommands.",
      since: "4.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "MEMORY", [
          "DOCTOR",
          "    A short report on memory problems.",
          "MALLOC-STATS",
          "    Allocator statistics (not available in a JS runtime).",
          "PURGE",
          "    Ask the allocator to give memory back (nothing to do in a JS runtime).",
          "STATS",
          "    Memory figures of the server.",
          "USAGE <key> [SAMPLES <count>]",
          "    Estimated bytes used by a key and its value.",
        ]);
      },
    },
  ],
};

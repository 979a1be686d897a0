/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS, XINFO HELP.
 *
 * Replies are maps (flat arrays in RESP2) with Redis 7.4's fields in Redis's order.
 * `radix-tree-keys` is the number of blocks (Redis's listpack nodes, which blocks mirror);
 * `radix-tree-nodes` has no counterpart in Modis's flat block index and reports the node
 * count a radix tree with that many keys would have at least (keys + 1). Group lag and
 * entries-read are null when Redis cannot know them (see Stream.lag). In CONSUMERS, `idle`
 * is the time since the consumer was last seen and `inactive` since its last successful
 * read or claim (-1 when never), as in Redis 7.2+. FULL lists at most COUNT entries, PEL
 * entries per group and per consumer (default 10, 0 = all).
 */

import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { NO_SUCH_KEY, ReplyError } from "../../core/errors.ts";
import {
  cstr,
  intArg,
  oneKey,
  readStream,
  replyEntry,
  replyHelp,
  replyId,
  streamCommand,
  subcommandSyntaxError,
} from "./common.ts";
import type { ConsumerGroup, Nack } from "./groups.ts";
import type { Stream } from "./stream.ts";
import { MAX_ID, MIN_ID, type StreamId } from "./stream_id.ts";

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Lists the consumers of <groupname>.",
  "GROUPS <key>",
  "    Lists the consumer groups of the stream.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Describes the stream.",
];

function stream(ctx: CommandContext, key: string): Stream {
  const s = readStream(ctx, key);
  if (s === undefined) throw new ReplyError(NO_SUCH_KEY);
  return s;
}

function nullableInt(r: ReplyWriter, n: number | null): void {
  if (n === null) r.null();
  else r.int(n);
}

function edgeEntry(r: ReplyWriter, s: Stream, rev: boolean): void {
  let done = false;
  s.range(MIN_ID, MAX_ID, rev, (id, fields) => {
    replyEntry(r, id, fields);
    done = true;
    return false;
  });
  if (!done) r.null();
}

function header(r: ReplyWriter, s: Stream, fields: number): void {
  r.map(fields);
  r.bulk("length");
  r.int(s.length);
  r.bulk("radix-tree-keys");
  r.int(s.blockCount);
  r.bulk("radix-tree-nodes");
  r.int(s.blockCount + 1);
  r.bulk("last-generated-id");
  replyId(r, s.lastId);
  r.bulk("max-deleted-entry-id");
  replyId(r, s.maxDeletedId);
  r.bulk("entries-added");
  r.int(s.entriesAdded);
  r.bulk("recorded-first-entry-id");
  replyId(r, s.firstId);
}

/**
 * A pending-entries list of XINFO STREAM FULL (at most `count`, 0 = all): [id, consumer,
 * delivery time, delivery count] for a group's list, without the consumer for a
 * consumer's own.
 */
function replyPending(
  r: ReplyWriter,
  pel: [StreamId, Nack][],
  count: number,
  withConsumer: boolean,
): void {
  const n = count === 0 ? pel.length : Math.min(count, pel.length);
  r.array(n);
  for (let i = 0; i < n; i++) {
    const [id, nack] = pel[i];
    r.array(withConsumer ? 4 : 3);
    replyId(r, id);
    if (withConsumer) r.bulk(nack.consumer.name);
    r.int(nack.deliveryTime);
    r.int(nack.deliveryCount);
  }
}

function fullGroup(r: ReplyWriter, s: Stream, g: ConsumerGroup, count: number): void {
  r.map(7);
  r.bulk("name");
  r.bulk(g.name);
  r.bulk("last-delivered-id");
  replyId(r, g.lastId);
  r.bulk("entries-read");
  nullableInt(r, g.entriesRead === -1 ? null : g.entriesRead);
  r.bulk("lag");
  nullableInt(r, s.lag(g));
  r.bulk("pel-count");
  r.int(g.pel.size);
  r.bulk("pending");
  replyPending(r, g.pel.entries(), count, true);
  r.bulk("consumers");
  const consumers = g.sortedConsumers();
  r.array(consumers.length);
  for (const c of consumers) {
    r.map(5);
    r.bulk("name");
    r.bulk(c.name);
    r.bulk("seen-time");
    r.int(c.seenTime);
    r.bulk("active-time");
    r.int(c.activeTime);
    r.bulk("pel-count");
    r.int(c.pel.size);
    r.bulk("pending");
    replyPending(r, c.pel.entries(), count, false);
  }
}

function xinfoStream(ctx: CommandContext, argv: string[]): void {
  const opts = argv.length - 3;
  let full = false;
  let count = 10;
  if (opts > 0) {
    if ((opts !== 1 && opts !== 3) || argv[3].toLowerCase() !== "full") {
      throw subcommandSyntaxError(argv);
    }
    if (opts === 3) {
      if (argv[4].toLowerCase() !== "count") throw subcommandSyntaxError(argv);
      count = intArg(argv[5]);
      if (count < 0) count = 10;
    }
    full = true;
  }
  const s = stream(ctx, argv[2]);
  const r = ctx.reply;
  header(r, s, full ? 9 : 10);
  if (!full) {
    r.bulk("groups");
    r.int(s.groups?.size ?? 0);
    r.bulk("first-entry");
    edgeEntry(r, s, false);
    r.bulk("last-entry");
    edgeEntry(r, s, true);
    return;
  }
  r.bulk("entries");
  const entries: [Parameters<typeof replyEntry>[1], string[]][] = [];
  s.range(MIN_ID, MAX_ID, false, (id, fields) => {
    entries.push([id, fields]);
    return count === 0 || entries.length < count;
  });
  r.array(entries.length);
  for (const [id, fields] of entries) replyEntry(r, id, fields);
  r.bulk("groups");
  const groups = s.sortedGroups();
  r.array(groups.length);
  for (const g of groups) fullGroup(r, s, g, count);
}

function xinfoGroups(ctx: CommandContext, argv: string[]): void {
  const s = stream(ctx, argv[2]);
  const r = ctx.reply;
  const groups = s.sortedGroups();
  r.array(groups.length);
  for (const g of groups) {
    r.map(6);
    r.bulk("name");
    r.bulk(g.name);
    r.bulk("consumers");
    r.int(g.consumers.size);
    r.bulk("pending");
    r.int(g.pel.size);
    r.bulk("last-delivered-id");
    replyId(r, g.lastId);
    r.bulk("entries-read");
    nullableInt(r, g.entriesRead === -1 ? null : g.entriesRead);
    r.bulk("lag");
    nullableInt(r, s.lag(g));
  }
}

function xinfoConsumers(ctx: CommandContext, argv: string[]): void {
  const s = stream(ctx, argv[2]);
  const g = s.group(argv[3]);
  if (g === undefined) {
    throw new ReplyError(
      `NOGROUP No such consumer group '${cstr(argv[3])}' for key name '${cstr(argv[2])}'`,
    );
  }
  const now = ctx.server.now();
  const r = ctx.reply;
  const consumers = g.sortedConsumers();
  r.array(consumers.length);
  for (const c of consumers) {
    r.map(4);
    r.bulk("name");
    r.bulk(c.name);
    r.bulk("pending");
    r.int(c.pel.size);
    r.bulk("idle");
    r.int(Math.max(0, now - c.seenTime));
    r.bulk("inactive");
    r.int(c.activeTime === -1 ? -1 : now - c.activeTime);
  }
}

const KEY = { name: "key", type: "key" as const, keySpecIndex: 0 };

/**
 * XINFO and its subcommands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [xinfoCommand] };
 * ```
 */
export const xinfoCommand: CommandSpec = streamCommand({
  name: "xinfo",
  summary: "A container for stream introspection commands.",
  since: "5.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    streamCommand({
      name: "consumers",
      summary: "Lists the consumers of a consumer group.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 4,
      flags: ["readonly"],
      keys: [oneKey(2, "RO", "access")],
      arguments: [KEY, { name: "group", type: "string" }],
      history: [["7.2.0", "Added the `inactive` field, and changed the meaning of `idle`."]],
      tips: ["nondeterministic_output"],
      handler: xinfoConsumers,
    }),
    streamCommand({
      name: "groups",
      summary: "Lists the consumer groups of a stream.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 3,
      flags: ["readonly"],
      keys: [oneKey(2, "RO", "access")],
      arguments: [KEY],
      history: [["7.0.0", "Added the `entries-read` and `lag` fields"]],
      handler: xinfoGroups,
    }),
    streamCommand({
      name: "stream",
      summary: "Describes a stream.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: -3,
      flags: ["readonly"],
      keys: [oneKey(2, "RO", "access")],
      arguments: [
        KEY,
        {
          name: "full-block",
          type: "block",
          optional: true,
          arguments: [
            { name: "full", type: "pure-token", token: "FULL" },
            { name: "count", type: "integer", token: "COUNT", optional: true },
          ],
        },
      ],
      history: [
        ["6.0.0", "Added the `FULL` modifier."],
        [
          "7.0.0",
          "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
        ],
        ["7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`."],
      ],
      handler: xinfoStream,
    }),
    streamCommand({
      name: "help",
      summary: "Lists the XINFO subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler: (ctx) => replyHelp(ctx.reply, "XINFO", XINFO_HELP),
    }),
  ],
});

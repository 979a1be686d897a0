/**
 * Consumer group management: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER,
 * HELP), XACK and XPENDING.
 *
 * XGROUP checks its arguments the way Redis's single xgroupCommand does, in the same order:
 * options first (MKSTREAM for CREATE, ENTRIESREAD for CREATE/SETID), then the key (it must
 * exist unless MKSTREAM), then the group for the subcommands that need one; the error texts
 * and codes (BUSYGROUP, NOGROUP) are Redis's. Group bookkeeping does not signal the key as
 * modified (Redis doesn't: WATCH is not triggered by XACK or SETID), except DESTROY, which
 * must wake blocked XREADGROUP clients so they get their NOGROUP error, and CREATE with
 * MKSTREAM, which creates the key. Events (class x): xgroup-create, xgroup-setid,
 * xgroup-destroy, xgroup-createconsumer, xgroup-delconsumer.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { ConsumerGroup } from "./groups.ts";
import { Stream } from "./stream.ts";
import {
  cstr,
  dirty,
  intArg,
  lookupOrCreateConsumer,
  noGroup,
  oneKey,
  readStream,
  replyHelp,
  replyId,
  streamCommand,
  subcommandSyntaxError,
  writeStream,
} from "./common.ts";
import {
  compareIds,
  formatId,
  MIN_ID,
  parseId,
  parseRangeBound,
  type StreamId,
} from "./stream_id.ts";

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Creates a consumer group. Options:",
  "    * MKSTREAM",
  "      Creates an empty stream when the key does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Sets the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Creates a consumer in the group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Deletes a consumer from the group.",
  "DESTROY <key> <groupname>",
  "    Deletes the group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Sets the group's last delivered ID and entries_read counter.",
];

function xgroup(ctx: CommandContext, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  let mkstream = false;
  let entriesRead = -1;
  for (let i = 5; i < argv.length;) {
    const opt = argv[i].toLowerCase();
    if (sub === "create" && opt === "mkstream") {
      mkstream = true;
      i++;
    } else if (
      (sub === "create" || sub === "setid") && opt === "entriesread" && i + 1 < argv.length
    ) {
      entriesRead = intArg(argv[i + 1]);
      if (entriesRead < -1) {
        throw new ReplyError("ERR value for ENTRIESREAD must be positive or -1");
      }
      i += 2;
    } else throw subcommandSyntaxError(argv);
  }
  const key = argv[2];
  let s = writeStream(ctx, key);
  const name = argv[3];
  if (!mkstream) {
    if (s === undefined) {
      throw new ReplyError(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
      );
    }
    if (
      s.group(name) === undefined &&
      (sub === "setid" || sub === "createconsumer" || sub === "delconsumer")
    ) {
      throw new ReplyError(
        `NOGROUP No such consumer group '${cstr(name)}' for key name '${cstr(key)}'`,
      );
    }
  }
  const argc = argv.length;
  if (sub === "create" && argc >= 5 && argc <= 8) {
    const id = argv[4] === "$" ? (s ? s.lastId : MIN_ID) : parseId(argv[4]);
    if (s === undefined) {
      s = new Stream();
      ctx.db.add(key, s);
      ctx.db.modified(key);
    }
    if (s.group(name) !== undefined) {
      throw new ReplyError("BUSYGROUP Consumer Group name already exists");
    }
    (s.groups ??= new Map()).set(name, new ConsumerGroup(name, id, entriesRead));
    dirty(ctx);
    ctx.db.notify("t", "xgroup-create", key);
    return ctx.reply.ok();
  }
  const group = s!.group(name);
  if (sub === "setid" && (argc === 5 || argc === 7)) {
    group!.lastId = argv[4] === "$" ? s!.lastId : parseId(argv[4], { specials: true });
    group!.entriesRead = entriesRead;
    dirty(ctx);
    ctx.db.notify("t", "xgroup-setid", key);
    return ctx.reply.ok();
  }
  if (sub === "destroy" && argc === 4) {
    if (group === undefined) return ctx.reply.int(0);
    s!.groups!.delete(name);
    ctx.db.modified(key);
    ctx.db.notify("t", "xgroup-destroy", key);
    return ctx.reply.int(1);
  }
  if (sub === "createconsumer" && argc === 5) {
    return ctx.reply.int(lookupOrCreateConsumer(ctx, key, group!, argv[4]).created ? 1 : 0);
  }
  if (sub === "delconsumer" && argc === 5) {
    const consumer = group!.consumers.get(argv[4]);
    let pending = 0;
    if (consumer !== undefined) {
      pending = group!.deleteConsumer(consumer);
      dirty(ctx);
      ctx.db.notify("t", "xgroup-delconsumer", key);
    }
    return ctx.reply.int(pending);
  }
  throw subcommandSyntaxError(argv);
}

function xack(ctx: CommandContext, argv: string[]): void {
  const s = readStream(ctx, argv[1]);
  const group = s?.group(argv[2]);
  if (group === undefined) return ctx.reply.int(0);
  const ids = argv.slice(3).map((a) => parseId(a));
  let acked = 0;
  for (const id of ids) if (group.ack(id)) acked++;
  if (acked > 0) dirty(ctx, acked);
  ctx.reply.int(acked);
}

function xpending(ctx: CommandContext, argv: string[]): void {
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw new ReplyError(SYNTAX_ERR);
  let minIdle = 0;
  let count = 0;
  let start: StreamId = MIN_ID;
  let end: StreamId = MIN_ID;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let at = 3;
    if (argv[3].toLowerCase() === "idle") {
      minIdle = intArg(argv[4]);
      if (argc < 8) throw new ReplyError(SYNTAX_ERR);
      at += 2;
    }
    count = Math.max(0, intArg(argv[at + 2]));
    start = parseRangeBound(argv[at], "start");
    end = parseRangeBound(argv[at + 1], "end");
    if (at + 3 < argc) consumerName = argv[at + 3];
  }
  const s = readStream(ctx, argv[1]);
  const group = s?.group(argv[2]);
  if (group === undefined) throw noGroup(argv[1], argv[2]);
  const r = ctx.reply;
  if (argc === 3) {
    r.array(4);
    r.int(group.pel.size);
    if (group.pel.size === 0) {
      r.null();
      r.null();
      r.nullArray();
      return;
    }
    replyId(r, group.pel.first()!);
    replyId(r, group.pel.last()!);
    const owners = group.sortedConsumers().filter((c) => c.pel.size > 0);
    r.array(owners.length);
    for (const c of owners) {
      r.array(2);
      r.bulk(c.name);
      r.bulk(String(c.pel.size));
    }
    return;
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) return r.array(0);
    pel = consumer.pel;
  }
  const now = ctx.server.now();
  const rows: [StreamId, string, number, number][] = [];
  if (count > 0) {
    pel.forEachFrom(start, (id, nack) => {
      if (compareIds(id, end) > 0) return false;
      const idle = now - nack.deliveryTime;
      if (minIdle && idle < minIdle) return;
      rows.push([id, nack.consumer.name, Math.max(0, idle), nack.deliveryCount]);
      return rows.length < count;
    });
  }
  r.array(rows.length);
  for (const [id, name, idle, n] of rows) {
    r.array(4);
    r.bulk(formatId(id));
    r.bulk(name);
    r.int(idle);
    r.int(n);
  }
}

const KEY_GROUP = [{ name: "key", type: "key" as const, keySpecIndex: 0 }, {
  name: "group",
  type: "string" as const,
}];

function xgroupSub(o: Omit<CommandSpec, "group" | "handler">): CommandSpec {
  return streamCommand({ ...o, handler: xgroup });
}

/**
 * XGROUP, XACK, XPENDING.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [...groupCommands] };
 * ```
 */
export const groupCommands: CommandSpec[] = [
  streamCommand({
    name: "xgroup",
    summary: "A container for consumer group commands.",
    since: "5.0.0",
    complexity: "Depends on subcommand.",
    arity: -2,
    flags: [],
    subcommands: [
      xgroupSub({
        name: "create",
        summary: "Creates a consumer group, and optionally the stream.",
        since: "5.0.0",
        complexity: "O(1)",
        arity: -5,
        flags: ["write", "denyoom"],
        keys: [oneKey(2, "RW", "insert")],
        arguments: [
          ...KEY_GROUP,
          {
            name: "id-selector",
            type: "oneof",
            arguments: [{ name: "id", type: "string" }, {
              name: "new-id",
              type: "pure-token",
              token: "$",
            }],
          },
          { name: "mkstream", type: "pure-token", token: "MKSTREAM", optional: true },
          { name: "entriesread", type: "integer", token: "ENTRIESREAD", optional: true },
        ],
        history: [["7.0.0", "Added the `entries_read` named argument."]],
      }),
      xgroupSub({
        name: "setid",
        summary: "Sets a consumer group's last delivered ID.",
        since: "5.0.0",
        complexity: "O(1)",
        arity: -5,
        flags: ["write"],
        keys: [oneKey(2, "RW", "update")],
        arguments: [
          ...KEY_GROUP,
          {
            name: "id-selector",
            type: "oneof",
            arguments: [{ name: "id", type: "string" }, {
              name: "new-id",
              type: "pure-token",
              token: "$",
            }],
          },
          { name: "entriesread", type: "integer", token: "ENTRIESREAD", optional: true },
        ],
        history: [["7.0.0", "Added the optional `entries_read` argument."]],
      }),
      xgroupSub({
        name: "destroy",
        summary: "Deletes a consumer group.",
        since: "5.0.0",
        complexity:
          "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        arity: 4,
        flags: ["write"],
        keys: [oneKey(2, "RW", "delete")],
        arguments: KEY_GROUP,
      }),
      xgroupSub({
        name: "createconsumer",
        summary: "Creates a consumer in a consumer group.",
        since: "6.2.0",
        complexity: "O(1)",
        arity: 5,
        flags: ["write", "denyoom"],
        keys: [oneKey(2, "RW", "insert")],
        arguments: [...KEY_GROUP, { name: "consumer", type: "string" }],
      }),
      xgroupSub({
        name: "delconsumer",
        summary: "Deletes a consumer from a consumer group.",
        since: "5.0.0",
        complexity: "O(1)",
        arity: 5,
        flags: ["write"],
        keys: [oneKey(2, "RW", "delete")],
        arguments: [...KEY_GROUP, { name: "consumer", type: "string" }],
      }),
      streamCommand({
        name: "help",
        summary: "Lists the XGROUP subcommands.",
        since: "5.0.0",
        complexity: "O(1)",
        arity: 2,
        flags: ["loading", "stale"],
        handler: (ctx) => replyHelp(ctx.reply, "XGROUP", XGROUP_HELP),
      }),
    ],
  }),
  streamCommand({
    name: "xack",
    summary: "Acknowledges entries of a consumer group, removing them from its pending list.",
    since: "5.0.0",
    complexity: "O(1) for each message ID processed.",
    arity: -4,
    flags: ["write", "fast"],
    keys: [oneKey(1, "RW", "update")],
    arguments: [...KEY_GROUP, { name: "id", type: "string", multiple: true }],
    handler: xack,
  }),
  streamCommand({
    name: "xpending",
    summary: "Summarizes or lists the pending entries of a consumer group.",
    since: "5.0.0",
    complexity:
      "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
    arity: -3,
    flags: ["readonly"],
    keys: [oneKey(1, "RO", "access")],
    arguments: [
      ...KEY_GROUP,
      {
        name: "filters",
        type: "block",
        optional: true,
        arguments: [
          { name: "min-idle-time", type: "integer", token: "IDLE", optional: true, since: "6.2.0" },
          { name: "start", type: "string" },
          { name: "end", type: "string" },
          { name: "count", type: "integer" },
          { name: "consumer", type: "string", optional: true },
        ],
      },
    ],
    history: [["6.2.0", "Added the `IDLE` option and exclusive range intervals."]],
    tips: ["nondeterministic_output"],
    handler: xpending,
  }),
];

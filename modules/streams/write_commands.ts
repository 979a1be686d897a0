/**
 * The commands that change a stream's entries: XADD, XDEL, XTRIM, XSETID.
 *
 * XADD and XTRIM share one option parser (`parseAddOrTrim`), as in Redis, so MAXLEN/MINID
 * with `=`/`~`, LIMIT and their errors behave identically in both. Approximate trimming
 * removes whole blocks only and is capped by LIMIT (default 100 × stream-node-max-entries);
 * since that makes the result depend on block shapes, the command is propagated with the
 * exact outcome (`MAXLEN = <new length>` or `MINID = <first remaining ID>`), and an XADD with
 * an automatic ID (`*` or `ms-*`) is propagated with the ID it produced: replicas and the AOF
 * replay the same entries.
 *
 * Events (class x): xadd, xtrim (when a trim removed something), xdel, xsetid. XSETID changes
 * metadata only, so like Redis it does not signal the key as modified.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NO_SUCH_KEY, NOT_INTEGER, ReplyError, SYNTAX_ERR, wrongArity } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { streamLimits } from "./config.ts";
import { dirty, intArg, oneKey, streamCommand, writeStream } from "./common.ts";
import { Stream, type TrimSpec } from "./stream.ts";
import {
  compareIds,
  formatId,
  incr,
  INVALID_ID,
  isZero,
  MAX_ID,
  MIN_ID,
  nextId,
  parseId,
  parseIdOrNull,
  type StreamId,
  type U64,
  U64_MAX,
} from "./stream_id.ts";

interface AddOrTrimArgs {
  trim: (TrimSpec & { argIndex: number }) | null;
  noMkStream: boolean;
  /** XADD: the explicit ID (seq null for `ms-*`), or null for `*`. */
  id: { ms: U64; seq: U64 | null } | null;
  /** XADD: where the ID argument is. */
  idIndex: number;
}

/** Parse XADD / XTRIM options (Redis's streamParseAddOrTrimArgsOrReply rules). */
function parseAddOrTrim(ctx: CommandContext, argv: string[], xadd: boolean): AddOrTrimArgs {
  const out: AddOrTrimArgs = { trim: null, noMkStream: false, id: null, idIndex: 0 };
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i].toLowerCase();
    if (xadd && argv[i] === "*") break;
    if ((opt === "maxlen" || opt === "minid") && more > 0) {
      if (out.trim) {
        throw new ReplyError(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
      }
      const next = argv[i + 1];
      const approx = more >= 2 && next === "~";
      if (more >= 2 && (next === "~" || next === "=")) i++;
      const arg = argv[i + 1];
      let maxlen = 0;
      let minid: StreamId = MIN_ID;
      if (opt === "maxlen") {
        const n = parseInteger(arg);
        if (n === null) throw new ReplyError(NOT_INTEGER);
        if (n < 0) throw new ReplyError("ERR The MAXLEN argument must be >= 0.");
        maxlen = n;
      } else minid = parseId(arg);
      i++;
      out.trim = {
        strategy: opt as TrimSpec["strategy"],
        maxlen,
        minid,
        approx,
        limit: 0,
        argIndex: i,
      };
    } else if (opt === "limit" && more > 0) {
      limit = intArg(argv[i + 1]);
      if (limit < 0) throw new ReplyError("ERR The LIMIT argument must be >= 0.");
      limitGiven = true;
      i++;
    } else if (xadd && opt === "nomkstream") {
      out.noMkStream = true;
    } else if (xadd) {
      const id = parseIdOrNull(argv[i], { autoSeq: true });
      if (id === null) throw new ReplyError(INVALID_ID);
      out.id = id;
      break;
    } else throw new ReplyError(SYNTAX_ERR);
  }
  out.idIndex = i;
  if (limit !== 0 && !out.trim) {
    throw new ReplyError(
      "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
    );
  }
  if (!xadd && !out.trim) {
    throw new ReplyError("ERR syntax error, XTRIM must be called with a trimming strategy");
  }
  if (out.trim) {
    if (ctx.client.kind === "master") out.trim.limit = 0;
    else if (limitGiven) {
      if (!out.trim.approx) {
        throw new ReplyError("ERR syntax error, LIMIT cannot be used without the special ~ option");
      }
      out.trim.limit = limit;
    } else if (out.trim.approx) {
      const n = 100 * streamLimits(ctx.server).nodeMaxEntries;
      out.trim.limit = n <= 0 ? 10000 : Math.min(n, 1_000_000);
    }
  }
  return out;
}

/** Trim and, for approximate trims, rewrite the propagated arguments with the outcome. */
function applyTrim(
  ctx: CommandContext,
  s: Stream,
  argv: string[],
  trim: AddOrTrimArgs["trim"],
): number {
  if (!trim) return 0;
  const removed = s.trim(trim);
  if (removed > 0) ctx.db.notify("t", "xtrim", argv[1]);
  if (trim.approx && (removed > 0 || argv[0].toLowerCase() === "xadd")) {
    argv[trim.argIndex - 1] = "=";
    argv[trim.argIndex] = trim.strategy === "maxlen"
      ? String(s.length)
      : formatId(s.firstPhysicalId() ?? MAX_ID);
  }
  return removed;
}

/** The ID for a new entry, or an error text (Redis's streamAppendItem rules). */
function newEntryId(last: StreamId, given: AddOrTrimArgs["id"], now: number): StreamId | string {
  const tooSmall =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
  let id: StreamId;
  if (given === null) {
    if (now > last.ms) id = { ms: now, seq: 0 };
    else {
      const next = nextId(last);
      if (next === null) return tooSmall;
      id = next;
    }
  } else if (given.seq === null) {
    if (given.ms === last.ms) {
      const seq = incr(last.seq);
      if (seq === null) return tooSmall;
      id = { ms: given.ms, seq };
    } else id = { ms: given.ms, seq: 0 };
  } else id = given as StreamId;
  return compareIds(id, last) <= 0 ? tooSmall : id;
}

function xadd(ctx: CommandContext, argv: string[]): void {
  const args = parseAddOrTrim(ctx, argv, true);
  const fieldsAt = args.idIndex + 1;
  const nfields = argv.length - fieldsAt;
  if (nfields < 2 || nfields % 2 === 1) throw new ReplyError(wrongArity("xadd"));
  if (args.id !== null && args.id.seq !== null && isZero(args.id as StreamId)) {
    throw new ReplyError("ERR The ID specified in XADD must be greater than 0-0");
  }
  const key = argv[1];
  let s = writeStream(ctx, key);
  if (s === undefined) {
    if (args.noMkStream) return ctx.reply.null();
    s = new Stream();
    ctx.db.add(key, s);
  }
  if (s.lastId.ms === U64_MAX && s.lastId.seq === U64_MAX) {
    throw new ReplyError(
      "ERR The stream has exhausted the last possible ID, unable to add more items",
    );
  }
  const id = newEntryId(s.lastId, args.id, ctx.server.now());
  if (typeof id === "string") throw new ReplyError(id);
  let total = 0;
  for (let i = fieldsAt; i < argv.length; i++) total += argv[i].length;
  if (total > 2 ** 32 - 1) throw new ReplyError("ERR Elements are too large to be stored");
  s.append(id, argv, fieldsAt, streamLimits(ctx.server));
  const text = formatId(id);
  ctx.reply.bulk(text);
  ctx.db.notify("t", "xadd", key);
  applyTrim(ctx, s, argv, args.trim);
  ctx.db.modified(key);
  // argv is what core propagates: rewriting it in place propagates the concrete ID.
  if (args.id === null || args.id.seq === null) argv[args.idIndex] = text;
}

function xtrim(ctx: CommandContext, argv: string[]): void {
  const args = parseAddOrTrim(ctx, argv, false);
  const s = writeStream(ctx, argv[1]);
  if (s === undefined) return ctx.reply.int(0);
  const removed = applyTrim(ctx, s, argv, args.trim);
  if (removed > 0) ctx.db.modified(argv[1]);
  ctx.reply.int(removed);
}

function xdel(ctx: CommandContext, argv: string[]): void {
  const s = writeStream(ctx, argv[1]);
  if (s === undefined) return ctx.reply.int(0);
  const ids = argv.slice(2).map((a) => parseId(a));
  let deleted = 0;
  let firstGone = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (compareIds(id, s.firstId) === 0) firstGone = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) s.firstId = MIN_ID;
    else if (firstGone) s.firstId = s.firstLiveId()!;
    ctx.db.modified(argv[1]);
    ctx.db.notify("t", "xdel", argv[1]);
  }
  ctx.reply.int(deleted);
}

function xsetid(ctx: CommandContext, argv: string[]): void {
  const id = parseId(argv[2]);
  let entriesAdded = -1;
  let maxDeleted: StreamId = MIN_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const more = argv.length - 1 - i;
    if (opt === "entriesadded" && more > 0) {
      entriesAdded = intArg(argv[i + 1]);
      if (entriesAdded < 0) throw new ReplyError("ERR entries_added must be positive");
    } else if (opt === "maxdeletedid" && more > 0) {
      maxDeleted = parseId(argv[i + 1]);
      if (compareIds(id, maxDeleted) < 0) {
        throw new ReplyError(
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
      }
    } else throw new ReplyError(SYNTAX_ERR);
  }
  const s = writeStream(ctx, argv[1]);
  if (s === undefined) throw new ReplyError(NO_SUCH_KEY);
  if (compareIds(id, s.maxDeletedId) < 0) {
    throw new ReplyError(
      "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
    );
  }
  if (s.length > 0) {
    if (compareIds(id, s.lastLiveId()!) < 0) {
      throw new ReplyError(
        "ERR The ID specified in XSETID is smaller than the target stream top item",
      );
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      throw new ReplyError(
        "ERR The entries_added specified in XSETID is smaller than the target stream length",
      );
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!isZero(maxDeleted)) s.maxDeletedId = maxDeleted;
  dirty(ctx);
  ctx.db.notify("t", "xsetid", argv[1]);
  ctx.reply.ok();
}

const TRIM_ARGS = [
  {
    name: "trim",
    type: "block" as const,
    arguments: [
      {
        name: "strategy",
        type: "oneof" as const,
        arguments: [
          { name: "maxlen", type: "pure-token" as const, token: "MAXLEN" },
          { name: "minid", type: "pure-token" as const, token: "MINID", since: "6.2.0" },
        ],
      },
      {
        name: "operator",
        type: "oneof" as const,
        optional: true,
        arguments: [
          { name: "equal", type: "pure-token" as const, token: "=" },
          { name: "approximately", type: "pure-token" as const, token: "~" },
        ],
      },
      { name: "threshold", type: "string" as const },
      { name: "count", type: "integer" as const, token: "LIMIT", optional: true, since: "6.2.0" },
    ],
  },
];

/**
 * The entry-changing commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [...writeCommands] };
 * ```
 */
export const writeCommands: CommandSpec[] = [
  streamCommand({
    name: "xadd",
    summary: "Appends an entry to a stream, creating the stream when needed.",
    since: "5.0.0",
    complexity:
      "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
    arity: -5,
    flags: ["write", "denyoom", "fast"],
    keys: [oneKey(1, "RW", "update")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "nomkstream",
        type: "pure-token",
        token: "NOMKSTREAM",
        optional: true,
        since: "6.2.0",
      },
      { ...TRIM_ARGS[0], optional: true },
      {
        name: "id-selector",
        type: "oneof",
        arguments: [{ name: "auto-id", type: "pure-token", token: "*" }, {
          name: "id",
          type: "string",
        }],
      },
      {
        name: "data",
        type: "block",
        multiple: true,
        arguments: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
      },
    ],
    history: [
      ["6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."],
      ["7.0.0", "Added support for the `<ms>-*` explicit ID form."],
    ],
    tips: ["nondeterministic_output"],
    handler: xadd,
  }),
  streamCommand({
    name: "xtrim",
    summary: "Removes the oldest entries of a stream by length or minimum ID.",
    since: "5.0.0",
    complexity: "O(N), with N being the number of evicted entries.",
    arity: -4,
    flags: ["write"],
    keys: [oneKey(1, "RW", "delete")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, ...TRIM_ARGS],
    history: [["6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."]],
    tips: ["nondeterministic_output"],
    handler: xtrim,
  }),
  streamCommand({
    name: "xdel",
    summary: "Deletes entries of a stream by ID.",
    since: "5.0.0",
    complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
    arity: -3,
    flags: ["write", "fast"],
    keys: [oneKey(1, "RW", "delete")],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "id",
      type: "string",
      multiple: true,
    }],
    handler: xdel,
  }),
  streamCommand({
    name: "xsetid",
    summary: "Sets a stream's last generated ID and its bookkeeping counters.",
    since: "5.0.0",
    complexity: "O(1)",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [oneKey(1, "RW", "update")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "last-id", type: "string" },
      {
        name: "entries-added",
        type: "integer",
        token: "ENTRIESADDED",
        optional: true,
        since: "7.0.0",
      },
      {
        name: "max-deleted-id",
        type: "string",
        token: "MAXDELETEDID",
        optional: true,
        since: "7.0.0",
      },
    ],
    history: [["7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."]],
    handler: xsetid,
  }),
];

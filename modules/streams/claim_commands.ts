/**
 * Ownership changes of pending entries: XCLAIM and XAUTOCLAIM.
 *
 * Both move entries of a group's PEL to a consumer (created if missing) when they have been
 * idle long enough, reset their delivery time, and bump their delivery count unless JUSTID.
 * A pending entry whose stream entry was deleted meanwhile is dropped from the PEL instead;
 * XAUTOCLAIM reports those IDs in its third reply element (Redis 7). XCLAIM's FORCE creates
 * PEL entries for existing stream entries nobody owns, and LASTID moves the group's last
 * delivered ID forward — the two options that make XCLAIM the propagation form of every
 * delivery (see xread.ts). Like Redis, neither command is propagated as itself: every change
 * goes out as an idempotent XCLAIM (and XGROUP SETID when only LASTID moved).
 *
 * XAUTOCLAIM scans at most COUNT × 10 PEL entries per call and returns the next start ID as
 * a cursor (0-0 when the scan reached the end).
 */

import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import type { Nack } from "./groups.ts";
import {
  cstr,
  dirty,
  lookupOrCreateConsumer,
  noGroup,
  oneKey,
  propagateClaim,
  propagateGroupId,
  readStream,
  replyEntry,
  replyId,
  streamCommand,
} from "./common.ts";
import type { Stream } from "./stream.ts";
import {
  compareIds,
  formatId,
  MIN_ID,
  parseId,
  parseIdOrNull,
  parseRangeBound,
  type StreamId,
} from "./stream_id.ts";

function intOr(s: string, err: string): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(err);
  return n;
}

/** A claimed entry to reply with (fields undefined under JUSTID). */
type Claimed = [StreamId, string[] | undefined];

function replyClaimed(r: ReplyWriter, claimed: Claimed[], justId: boolean): void {
  r.array(claimed.length);
  for (const [id, fields] of claimed) {
    if (justId) replyId(r, id);
    else replyEntry(r, id, fields!);
  }
}

function groupOf(
  ctx: CommandContext,
  argv: string[],
): [Stream, NonNullable<ReturnType<Stream["group"]>>] {
  const s = readStream(ctx, argv[1]);
  const group = s?.group(argv[2]);
  if (s === undefined || group === undefined) throw noGroup(argv[1], argv[2]);
  return [s, group];
}

function xclaim(ctx: CommandContext, argv: string[]): void {
  const [s, group] = groupOf(ctx, argv);
  const minIdle = Math.max(0, intOr(argv[4], "ERR Invalid min-idle-time argument for XCLAIM"));
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseIdOrNull(argv[j]);
    if (id === null) break;
    ids.push(id as StreamId);
  }
  const now = ctx.server.now();
  let force = false;
  let justId = false;
  let deliveryTime = -1;
  let retryCount = -1;
  let lastId: StreamId = MIN_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === "force") force = true;
    else if (opt === "justid") justId = true;
    else if (opt === "idle" && more > 0) {
      deliveryTime = now - intOr(argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
    } else if (opt === "time" && more > 0) {
      deliveryTime = intOr(argv[++j], "ERR Invalid TIME option argument for XCLAIM");
    } else if (opt === "retrycount" && more > 0) {
      retryCount = intOr(argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
    } else if (opt === "lastid" && more > 0) lastId = parseId(argv[++j]);
    else throw new ReplyError(`ERR Unrecognized XCLAIM option '${cstr(argv[j])}'`);
  }
  let propagateLastId = false;
  if (compareIds(lastId, group.lastId) > 0) {
    group.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  const { consumer } = lookupOrCreateConsumer(ctx, argv[1], group, argv[3]);
  consumer.seenTime = now;
  const claimed: Claimed[] = [];
  for (const id of ids) {
    let nack: Nack | undefined = group.pel.get(id);
    const fields = s.get(id);
    if (fields === undefined) {
      if (nack !== undefined) {
        propagateClaim(ctx, argv[1], group, id, nack);
        propagateLastId = false;
        dirty(ctx);
        group.ack(id);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      nack = { consumer, deliveryTime: now, deliveryCount: 1 };
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
      fresh = true;
    }
    if (nack === undefined) continue;
    if (!fresh && minIdle && now - nack.deliveryTime < minIdle) continue;
    group.assign(id, nack, consumer);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    claimed.push([id, fields]);
    consumer.activeTime = now;
    propagateClaim(ctx, argv[1], group, id, nack);
    propagateLastId = false;
    dirty(ctx);
  }
  if (propagateLastId) {
    propagateGroupId(ctx, argv[1], group);
    dirty(ctx);
  }
  ctx.preventPropagation();
  replyClaimed(ctx.reply, claimed, justId);
}

const MAX_AUTOCLAIM_COUNT = Math.floor(Number.MAX_SAFE_INTEGER / 16);

function xautoclaim(ctx: CommandContext, argv: string[]): void {
  const minIdle = Math.max(0, intOr(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
  const start = parseRangeBound(argv[5], "start");
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "count" && j + 1 < argv.length) {
      const n = parseInteger(argv[++j]);
      if (n === null || n < 1 || n > MAX_AUTOCLAIM_COUNT) {
        throw new ReplyError("ERR COUNT must be > 0");
      }
      count = n;
    } else if (opt === "justid") justId = true;
    else throw new ReplyError(SYNTAX_ERR);
  }
  const [s, group] = groupOf(ctx, argv);
  const { consumer } = lookupOrCreateConsumer(ctx, argv[1], group, argv[3]);
  const now = ctx.server.now();
  consumer.seenTime = now;
  let attempts = count * 10;
  let cursor: StreamId = MIN_ID;
  const claimed: Claimed[] = [];
  const deleted: StreamId[] = [];
  group.pel.forEachFrom(start, (id, nack) => {
    if (attempts-- <= 0 || count <= 0) {
      cursor = id;
      return false;
    }
    const fields = s.get(id);
    if (fields === undefined) {
      propagateClaim(ctx, argv[1], group, id, nack);
      dirty(ctx);
      group.ack(id);
      deleted.push(id);
      count--;
      return;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) return;
    group.assign(id, nack, consumer);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    claimed.push([id, fields]);
    count--;
    consumer.activeTime = now;
    propagateClaim(ctx, argv[1], group, id, nack);
    dirty(ctx);
  });
  ctx.preventPropagation();
  const r = ctx.reply;
  r.array(3);
  r.bulk(formatId(cursor));
  replyClaimed(r, claimed, justId);
  r.array(deleted.length);
  for (const id of deleted) replyId(r, id);
}

/**
 * XCLAIM and XAUTOCLAIM.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [...claimCommands] };
 * ```
 */
export const claimCommands: CommandSpec[] = [
  streamCommand({
    name: "xclaim",
    summary: "Transfers pending entries of a consumer group to another consumer.",
    since: "5.0.0",
    complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
    arity: -6,
    flags: ["write", "fast"],
    keys: [oneKey(1, "RW", "update")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "id", type: "string", multiple: true },
      { name: "ms", type: "integer", token: "IDLE", optional: true },
      { name: "unix-time-milliseconds", type: "unix-time", token: "TIME", optional: true },
      { name: "count", type: "integer", token: "RETRYCOUNT", optional: true },
      { name: "force", type: "pure-token", token: "FORCE", optional: true },
      { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
      { name: "lastid", type: "string", token: "LASTID", optional: true },
    ],
    tips: ["nondeterministic_output"],
    handler: xclaim,
  }),
  streamCommand({
    name: "xautoclaim",
    summary:
      "Transfers idle pending entries of a consumer group to a consumer, scanning like a cursor.",
    since: "6.2.0",
    complexity: "O(1) if COUNT is small.",
    arity: -6,
    flags: ["write", "fast"],
    keys: [oneKey(1, "RW", "delete")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "start", type: "string" },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
    ],
    history: [[
      "7.0.0",
      "Added an element to the reply array, containing deleted entries the command cleared from the PEL",
    ]],
    tips: ["nondeterministic_output"],
    handler: xautoclaim,
  }),
];

/**
 * XREAD and XREADGROUP: one implementation, as in Redis.
 *
 * Serving. For each stream, XREAD serves the entries after the given ID when the stream's
 * last live entry is beyond it (`$` = the current last ID, `+` = from the last entry on).
 * XREADGROUP with `>` serves entries after the group's last delivered ID, advancing it (and
 * the group's read counter, exactly while it can be known — see Stream.estimateDistance),
 * and records each delivery in the group's and the consumer's PELs (not with NOACK); with
 * an explicit ID it serves the consumer's own history from its PEL, answering `[id, nil]`
 * for entries deleted since delivery. Entries are gathered first and the reply written after,
 * because the outer array's length is only known at the end.
 *
 * Blocking. With BLOCK and nothing served, the command blocks on its keys through core's
 * blocking service, which runs it again when a key changes; a `$` argument is first replaced
 * with the concrete ID it meant, so a re-run does not move the goalpost. XREADGROUP waiters
 * are woken by any change of the key, including its deletion or a type change, so they get
 * the NOGROUP / WRONGTYPE error of the re-run, as in Redis. Inside MULTI or scripts, BLOCK
 * answers like a timeout.
 *
 * Propagation. XREADGROUP is never propagated as itself: each delivery goes out as an
 * XCLAIM ... FORCE JUSTID LASTID, and a moved last ID as XGROUP SETID ... ENTRIESREAD (a new
 * consumer under NOACK as XGROUP CREATECONSUMER); reading history propagates nothing.
 */

import type { CommandContext, CommandSpec, KeySpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseTimeoutMillis } from "../../core/blocking.ts";
import type { Consumer, ConsumerGroup } from "./groups.ts";
import { type Stream, streamType } from "./stream.ts";
import {
  dirty,
  intArg,
  lookupOrCreateConsumer,
  noGroup,
  propagateClaim,
  propagateGroupId,
  readStream,
} from "./common.ts";
import {
  compareIds,
  formatId,
  MAX_ID,
  MIN_ID,
  nextId,
  parseId,
  prevId,
  type StreamId,
} from "./stream_id.ts";

/** Entries gathered for one stream: IDs and their fields (null = deleted since delivery). */
interface Served {
  key: string;
  ids: StreamId[];
  fields: (string[] | null)[];
}

interface XreadArgs {
  deadline: number | null;
  count: number;
  streamsAt: number;
  nstreams: number;
  group: string | null;
  consumer: string;
  noack: boolean;
}

function parseArgs(ctx: CommandContext, argv: string[], grouped: boolean): XreadArgs {
  const out: XreadArgs = {
    deadline: null,
    count: 0,
    streamsAt: 0,
    nstreams: 0,
    group: null,
    consumer: "",
    noack: false,
  };
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = argv[i].toLowerCase();
    if (opt === "block" && more > 0) {
      out.deadline = parseTimeoutMillis(argv[++i], ctx.server.now());
    } else if (opt === "count" && more > 0) {
      out.count = Math.max(0, intArg(argv[++i]));
    } else if (opt === "streams" && more > 0) {
      out.streamsAt = i + 1;
      const n = argv.length - out.streamsAt;
      if (n % 2 !== 0) {
        const name = grouped ? "xreadgroup" : "xread";
        throw new ReplyError(
          `ERR Unbalanced '${name}' list of streams: for each stream key an ID or '${
            grouped ? ">" : "$"
          }' must be specified.`,
        );
      }
      out.nstreams = n / 2;
      break;
    } else if (opt === "group" && more >= 2) {
      if (!grouped) {
        throw new ReplyError(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      out.group = argv[i + 1];
      out.consumer = argv[i + 2];
      i += 2;
    } else if (opt === "noack") {
      if (!grouped) {
        throw new ReplyError(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      out.noack = true;
    } else throw new ReplyError(SYNTAX_ERR);
  }
  if (out.streamsAt === 0) throw new ReplyError(SYNTAX_ERR);
  if (grouped && out.group === null) {
    throw new ReplyError("ERR Missing GROUP option for XREADGROUP");
  }
  return out;
}

function meaningless(id: string): ReplyError {
  return new ReplyError(
    `ERR The ${id} ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The ${id} ID would just return an empty result set.`,
  );
}

/** Serve new entries to a group consumer (or a plain reader when `group` is null). */
function serveNew(
  ctx: CommandContext,
  s: Stream,
  key: string,
  start: StreamId,
  args: XreadArgs,
  group: ConsumerGroup | null,
  consumer: Consumer | null,
): Served {
  const out: Served = { key, ids: [], fields: [] };
  const now = ctx.server.now();
  let movedLastId = false;
  let propagated = 0;
  s.range(start, MAX_ID, false, (id, fields) => {
    out.ids.push(id);
    out.fields.push(fields);
    if (group !== null && consumer !== null) {
      if (compareIds(id, group.lastId) > 0) {
        if (group.entriesRead !== -1 && !s.rangeHasTombstones(id)) group.entriesRead++;
        else if (s.entriesAdded > 0) group.entriesRead = s.estimateDistance(id);
        group.lastId = id;
        movedLastId = true;
      }
      if (!args.noack) {
        let nack = group.pel.get(id);
        if (nack === undefined) {
          nack = { consumer, deliveryTime: now, deliveryCount: 1 };
          group.pel.set(id, nack);
          consumer.pel.set(id, nack);
        } else {
          group.assign(id, nack, consumer);
          nack.deliveryTime = now;
          nack.deliveryCount = 1;
        }
        consumer.activeTime = now;
        propagateClaim(ctx, key, group, id, nack);
        propagated++;
      }
    }
    return args.count === 0 || out.ids.length < args.count;
  });
  if (group !== null && movedLastId) {
    propagateGroupId(ctx, key, group);
    propagated++;
  }
  if (propagated > 0) dirty(ctx);
  return out;
}

/** Serve a consumer's history: its pending entries from `start` on. */
function serveHistory(
  s: Stream,
  key: string,
  start: StreamId,
  args: XreadArgs,
  consumer: Consumer,
  now: number,
): Served {
  const out: Served = { key, ids: [], fields: [] };
  consumer.pel.forEachFrom(start, (id, nack) => {
    if (args.count !== 0 && out.ids.length >= args.count) return false;
    const fields = s.get(id);
    out.ids.push(id);
    out.fields.push(fields ?? null);
    if (fields !== undefined) {
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  });
  return out;
}

function xread(ctx: CommandContext, argv: string[], grouped: boolean): void {
  const args = parseArgs(ctx, argv, grouped);
  const { streamsAt, nstreams } = args;
  const streams: (Stream | undefined)[] = [];
  const groups: (ConsumerGroup | null)[] = [];
  const ids: StreamId[] = [];
  for (let i = 0; i < nstreams; i++) {
    const key = argv[streamsAt + i];
    const arg = argv[streamsAt + nstreams + i];
    const s = readStream(ctx, key);
    streams.push(s);
    let group: ConsumerGroup | null = null;
    if (args.group !== null) {
      group = s?.group(args.group) ?? null;
      if (group === null) throw noGroup(key, args.group, " in XREADGROUP with GROUP option");
    }
    groups.push(group);
    if (arg === "$") {
      if (grouped) throw meaningless("$");
      ids.push(s ? s.lastId : MIN_ID);
    } else if (arg === "+") {
      if (grouped) throw meaningless("+");
      if (!s) ids.push(MIN_ID);
      else {
        const before = prevId(s.lastId);
        if (before === null) throw new ReplyError("ERR the stream last element ID is 0-0");
        ids.push(before);
      }
    } else if (arg === ">") {
      if (!grouped) {
        throw new ReplyError(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
        );
      }
      ids.push(MAX_ID);
    } else ids.push(parseId(arg));
  }

  const now = ctx.server.now();
  const served: Served[] = [];
  for (let i = 0; i < nstreams; i++) {
    const s = streams[i];
    if (s === undefined) continue;
    const key = argv[streamsAt + i];
    const group = groups[i];
    let gt = ids[i];
    let history = false;
    let serve = false;
    let consumer: Consumer | null = null;
    if (group !== null) {
      if (compareIds(gt, MAX_ID) !== 0) serve = history = true;
      else if (s.length > 0 && compareIds(s.lastLiveId()!, group.lastId) > 0) {
        serve = true;
        gt = group.lastId;
      }
      const found = lookupOrCreateConsumer(ctx, key, group, args.consumer);
      consumer = found.consumer;
      if (found.created && args.noack) {
        ctx.server.propagate(ctx.db.index, [
          "XGROUP",
          "CREATECONSUMER",
          key,
          group.name,
          consumer.name,
        ]);
      }
      consumer.seenTime = now;
    } else if (s.length > 0 && compareIds(s.lastLiveId()!, gt) > 0) serve = true;
    if (!serve) continue;
    const start = nextId(gt) ?? MAX_ID;
    served.push(
      history
        ? serveHistory(s, key, start, args, consumer!, now)
        : serveNew(ctx, s, key, start, args, group, consumer),
    );
  }
  ctx.preventPropagation();

  const r = ctx.reply;
  if (served.length > 0) {
    if (r.resp === 2) r.array(served.length);
    else r.map(served.length);
    for (const one of served) {
      if (r.resp === 2) r.array(2);
      r.bulk(one.key);
      r.array(one.ids.length);
      for (let j = 0; j < one.ids.length; j++) {
        r.array(2);
        r.bulk(formatId(one.ids[j]));
        const f = one.fields[j];
        if (f === null) r.nullArray();
        else r.bulks(f);
      }
    }
    return;
  }
  if (args.deadline === null || !ctx.canBlock) return r.nullArray();
  for (let i = 0; i < nstreams; i++) {
    if (argv[streamsAt + nstreams + i] === "$") argv[streamsAt + nstreams + i] = formatId(ids[i]);
  }
  ctx.block(argv.slice(streamsAt, streamsAt + nstreams), {
    deadline: args.deadline,
    type: grouped ? undefined : streamType,
    unblockOnNoKey: grouped,
    timeoutReply: (w) => w.nullArray(),
  });
}

const STREAMS_KEYS = (startFrom: number, flags: KeySpec["flags"]): KeySpec => ({
  flags,
  begin: { keyword: "STREAMS", startFrom },
  find: { lastKey: -1, step: 1, limit: 2 },
});

const STREAMS_ARG = {
  name: "streams",
  type: "block" as const,
  token: "STREAMS",
  arguments: [
    { name: "key", type: "key" as const, keySpecIndex: 0, multiple: true },
    { name: "id", type: "string" as const, multiple: true },
  ],
};

/**
 * XREAD and XREADGROUP.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "streams", commands: [...xreadCommands] };
 * ```
 */
export const xreadCommands: CommandSpec[] = [
  {
    name: "xread",
    group: "stream",
    summary: "Reads new entries from one or more streams, optionally waiting for them.",
    since: "5.0.0",
    arity: -4,
    flags: ["blocking", "readonly"],
    keys: [STREAMS_KEYS(1, ["RO", "access"])],
    arguments: [
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "milliseconds", type: "integer", token: "BLOCK", optional: true },
      STREAMS_ARG,
    ],
    handler: (ctx, argv) => xread(ctx, argv, false),
  },
  {
    name: "xreadgroup",
    group: "stream",
    summary:
      "Reads entries for a consumer of a group, recording them as pending, optionally waiting.",
    since: "5.0.0",
    complexity:
      "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
    arity: -7,
    flags: ["blocking", "write"],
    keys: [STREAMS_KEYS(4, ["RO", "access"])],
    arguments: [
      {
        name: "group-block",
        type: "block",
        token: "GROUP",
        arguments: [{ name: "group", type: "string" }, { name: "consumer", type: "string" }],
      },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "milliseconds", type: "integer", token: "BLOCK", optional: true },
      { name: "noack", type: "pure-token", token: "NOACK", optional: true },
      STREAMS_ARG,
    ],
    handler: (ctx, argv) => xread(ctx, argv, true),
  },
];

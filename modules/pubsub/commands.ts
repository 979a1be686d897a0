/**
 * The pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB's
 * introspection subcommands.
 *
 * The subscribe family answers one push frame per name instead of a single reply, as Redis
 * does (in RESP2 the frames are arrays). Clients that may not block — scripts, and the
 * in-process embedded caller — cannot subscribe, since nobody would read their messages;
 * inside MULTI/EXEC subscribing is allowed (the client itself reads them afterwards).
 */

import type {
  ArgSpec,
  CommandContext,
  CommandFlag,
  CommandSpec,
  KeySpec,
} from "../../core/spec.ts";
import { PROPAGATE_REPL } from "../../core/spec.ts";
import { ReplyError } from "../../core/errors.ts";
import { globMatch } from "../../core/glob.ts";
import { replyHelp } from "../server/state.ts";
import { type Family, publish, pubsubState, subscribe, unsubscribe } from "./channels.ts";

const SUB_FLAGS: CommandFlag[] = ["pubsub", "noscript", "loading", "stale"];
const SHARD_KEYS: KeySpec[] = [{ flags: ["not_key"], begin: 1, find: { lastKey: -1, step: 1 } }];

function subscribeSpec(name: string, family: Family, since: string, what: string): CommandSpec {
  const arg: ArgSpec = {
    name: family === "pattern" ? "pattern" : family === "shard" ? "shardchannel" : "channel",
    type: family === "pattern" ? "pattern" : "string",
    multiple: true,
  };
  return {
    name,
    group: "pubsub",
    summary: `Listens for messages published to ${what}.`,
    since,
    complexity: `O(N) where N is the number of ${what} to subscribe to.`,
    arity: -2,
    flags: SUB_FLAGS,
    keys: family === "shard" ? SHARD_KEYS : undefined,
    arguments: [arg],
    handler(ctx, argv) {
      const c = ctx.client;
      if (c.denyBlocking && !c.flagLetters.has("x")) {
        throw new ReplyError(`ERR ${name.toUpperCase()} isn't allowed for a DENY BLOCKING client`);
      }
      subscribe(c, family, argv.slice(1));
    },
  };
}

function unsubscribeSpec(name: string, family: Family, since: string, what: string): CommandSpec {
  return {
    name,
    group: "pubsub",
    summary: `Stops listening to ${what}; to all of them without arguments.`,
    since,
    complexity: `O(N) where N is the number of ${what} to unsubscribe.`,
    arity: -1,
    flags: SUB_FLAGS,
    keys: family === "shard" ? SHARD_KEYS : undefined,
    arguments: [{
      name: family === "pattern" ? "pattern" : family === "shard" ? "shardchannel" : "channel",
      type: family === "pattern" ? "pattern" : "string",
      optional: true,
      multiple: true,
    }],
    handler(ctx, argv) {
      unsubscribe(ctx.client, family, argv.slice(1));
    },
  };
}

/** PUBSUB CHANNELS / SHARDCHANNELS: active names, optionally matching a glob. */
function channelList(ctx: CommandContext, argv: string[], family: "channel" | "shard"): void {
  if (argv.length > 3) {
    throw new ReplyError(
      `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try PUBSUB HELP.`,
    );
  }
  const pattern = argv.length === 3 ? argv[2] : null;
  const out: string[] = [];
  for (const name of pubsubState(ctx.server).subs[family].keys()) {
    if (pattern === null || globMatch(pattern, name)) out.push(name);
  }
  ctx.reply.bulks(out);
}

/** PUBSUB NUMSUB / SHARDNUMSUB: subscriber count per name. */
function numsub(ctx: CommandContext, argv: string[], family: "channel" | "shard"): void {
  const table = pubsubState(ctx.server).subs[family];
  ctx.reply.map(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    ctx.reply.bulk(argv[i]);
    ctx.reply.int(table.get(argv[i])?.size ?? 0);
  }
}

const INTROSPECT: CommandFlag[] = ["pubsub", "loading", "stale"];

/**
 * The pub/sub command specs.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "pubsub", commands: pubsubCommands };
 * ```
 */
export const pubsubCommands: CommandSpec[] = [
  subscribeSpec("subscribe", "channel", "2.0.0", "channels"),
  subscribeSpec("psubscribe", "pattern", "2.0.0", "patterns"),
  subscribeSpec("ssubscribe", "shard", "7.0.0", "shard channels"),
  unsubscribeSpec("unsubscribe", "channel", "2.0.0", "channels"),
  unsubscribeSpec("punsubscribe", "pattern", "2.0.0", "patterns"),
  unsubscribeSpec("sunsubscribe", "shard", "7.0.0", "shard channels"),
  {
    name: "publish",
    group: "pubsub",
    summary: "Sends a message to a channel's subscribers; answers how many got it.",
    since: "2.0.0",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    arguments: [{ name: "channel", type: "string" }, { name: "message", type: "string" }],
    handler(ctx, argv) {
      ctx.reply.int(publish(ctx.server, "channel", argv[1], argv[2]));
      // Replicas see PUBLISH (their subscribers get it too); the AOF does not: it changes no
      // data. As in Redis.
      ctx.propagate(argv, PROPAGATE_REPL);
    },
  },
  {
    name: "spublish",
    group: "pubsub",
    summary: "Sends a message to a shard channel's subscribers; answers how many got it.",
    since: "7.0.0",
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    keys: [{ flags: ["not_key"], begin: 1 }],
    arguments: [{ name: "shardchannel", type: "string" }, { name: "message", type: "string" }],
    handler(ctx, argv) {
      ctx.reply.int(publish(ctx.server, "shard", argv[1], argv[2]));
      ctx.propagate(argv, PROPAGATE_REPL);
    },
  },
  {
    name: "pubsub",
    group: "pubsub",
    summary: "Introspects the pub/sub state.",
    since: "2.8.0",
    complexity: "Depends on subcommand.",
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: "channels",
        group: "pubsub",
        summary: "Lists the channels that have subscribers, optionally matching a pattern.",
        since: "2.8.0",
        complexity: "O(N) where N is the number of active channels",
        arity: -2,
        flags: INTROSPECT,
        arguments: [{ name: "pattern", type: "pattern", optional: true }],
        handler: (ctx, argv) => channelList(ctx, argv, "channel"),
      },
      {
        name: "numsub",
        group: "pubsub",
        summary: "Counts the subscribers of channels (pattern subscriptions excluded).",
        since: "2.8.0",
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        arity: -2,
        flags: INTROSPECT,
        arguments: [{ name: "channel", type: "string", optional: true, multiple: true }],
        handler: (ctx, argv) => numsub(ctx, argv, "channel"),
      },
      {
        name: "numpat",
        group: "pubsub",
        summary: "Counts the distinct patterns subscribed to.",
        since: "2.8.0",
        complexity: "O(1)",
        arity: 2,
        flags: INTROSPECT,
        handler: (ctx) => ctx.reply.int(pubsubState(ctx.server).subs.pattern.size),
      },
      {
        name: "shardchannels",
        group: "pubsub",
        summary: "Lists the shard channels that have subscribers, optionally matching a pattern.",
        since: "7.0.0",
        complexity: "O(N) where N is the number of active shard channels",
        arity: -2,
        flags: INTROSPECT,
        arguments: [{ name: "pattern", type: "pattern", optional: true }],
        handler: (ctx, argv) => channelList(ctx, argv, "shard"),
      },
      {
        name: "shardnumsub",
        group: "pubsub",
        summary: "Counts the subscribers of shard channels.",
        since: "7.0.0",
        complexity:
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        arity: -2,
        flags: INTROSPECT,
        arguments: [{ name: "shardchannel", type: "string", optional: true, multiple: true }],
        handler: (ctx, argv) => numsub(ctx, argv, "shard"),
      },
      {
        name: "help",
        group: "pubsub",
        summary: "Describes the PUBSUB subcommands.",
        since: "6.2.0",
        complexity: "O(1)",
        arity: 2,
        flags: ["loading", "stale"],
        handler(ctx) {
          replyHelp(ctx, "pubsub", [
            "CHANNELS [<pattern>]",
            "    List the channels that have subscribers, those matching <pattern> if given.",
            "NUMPAT",
            "    Count the distinct patterns clients subscribed to.",
            "NUMSUB [<channel> ...]",
            "    Count the subscribers of each channel (pattern subscribers not included).",
            "SHARDCHANNELS [<pattern>]",
            "    List the shard channels that have subscribers, those matching <pattern> if given.",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Count the subscribers of each shard channel.",
          ]);
        },
      },
    ],
  },
];

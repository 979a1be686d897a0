/**
 * Subscriptions and message delivery, per server.
 *
 * Three families share one shape: channels (SUBSCRIBE / PUBLISH), patterns (PSUBSCRIBE,
 * matched with core's glob against every published channel) and shard channels
 * (SSUBSCRIBE / SPUBLISH; in standalone mode only their namespace differs). The server side
 * maps name → subscribed clients (insertion-ordered Sets, so delivery follows subscription
 * order as in Redis); the client side (`client.ext` "pubsub") maps family → names, for
 * UNSUBSCRIBE without arguments, the subscription counts in replies and disconnection.
 *
 * Messages leave through `client.deliver()`: written into the subscriber's output and sent
 * once per event-loop turn, and — when the subscriber is the publisher itself — after the
 * publisher's own reply (core defers it). In RESP3 they are push frames, in RESP2 plain
 * arrays; a subscriber that stops reading grows its output until core's
 * client-output-buffer-limit for the pubsub class disconnects it, which is why a
 * subscribed client has `kind` "pubsub".
 */

import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { globMatch } from "../../core/glob.ts";

/** The three subscription families. */
export type Family = "channel" | "pattern" | "shard";

/** Per-server subscription tables. */
export interface PubsubState {
  readonly subs: Record<Family, Map<string, Set<ClientState>>>;
  /** notify-keyspace-events as a set of class letters (see notifications.ts). */
  notifyClasses: string;
  /** Clients with at least one subscription (the gate is attached while there are some). */
  subscribers: number;
}

/** A client's own subscriptions. */
type ClientSubs = Record<Family, Set<string>>;

const states = new WeakMap<ServerApi, PubsubState>();

/**
 * The pub/sub tables of a server (created on first use).
 *
 * @example
 * ```ts
 * pubsubState(ctx.server).subs.channel.size; // active channels
 * ```
 */
export function pubsubState(server: ServerApi): PubsubState {
  let st = states.get(server);
  if (st === undefined) {
    st = {
      subs: { channel: new Map(), pattern: new Map(), shard: new Map() },
      notifyClasses: "",
      subscribers: 0,
    };
    states.set(server, st);
  }
  return st;
}

const EXT = "pubsub";

function clientSubs(c: ClientState): ClientSubs {
  let subs = c.ext.get(EXT) as ClientSubs | undefined;
  if (subs === undefined) {
    subs = { channel: new Set(), pattern: new Set(), shard: new Set() };
    c.ext.set(EXT, subs);
  }
  return subs;
}

/**
 * How many subscriptions count in a (un)subscribe reply: channels + patterns for those two
 * families, shard channels alone for the shard family (Redis's rule).
 *
 * @example
 * ```ts
 * subscriptionCount(client, "channel"); // 3 after SUBSCRIBE a b + PSUBSCRIBE p*
 * ```
 */
export function subscriptionCount(c: ClientState, family: Family): number {
  const subs = c.ext.get(EXT) as ClientSubs | undefined;
  if (subs === undefined) return 0;
  return family === "shard" ? subs.shard.size : subs.channel.size + subs.pattern.size;
}

/** Refresh kind and the CLIENT LIST counters after a change. */
function showState(c: ClientState, subs: ClientSubs): void {
  c.counters.sub = subs.channel.size;
  c.counters.psub = subs.pattern.size;
  c.counters.ssub = subs.shard.size;
  const subscribed = subs.channel.size + subs.pattern.size + subs.shard.size > 0;
  if (subscribed && c.kind === "normal") {
    c.kind = "pubsub";
    if (++pubsubState(c.server).subscribers === 1) {
      c.server.addHook("beforeCommand", subscribedModeGate, "pubsub");
    }
  } else if (!subscribed && c.kind === "pubsub") {
    c.kind = "normal";
    if (--pubsubState(c.server).subscribers === 0) {
      c.server.removeHook("beforeCommand", subscribedModeGate);
    }
  }
}

/** Commands a RESP2 client may run while subscribed. */
const SUBSCRIBED_MODE = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "ping",
  "quit",
  "reset",
]);

/**
 * The subscribed-mode gate (`beforeCommand`): a RESP2 client with subscriptions may only
 * run the commands above. Attached only while some client is subscribed (a hook costs every
 * command ~10 ns).
 *
 * @example
 * ```ts
 * hooks: { beforeCommand: subscribedModeGate }
 * ```
 */
export function subscribedModeGate(
  ctx: CommandContext,
  _cmd: CommandSpec,
  argv: string[],
): boolean {
  const c = ctx.client;
  if (c.kind !== "pubsub" || c.resp !== 2) return false;
  const name = argv[0].toLowerCase();
  if (SUBSCRIBED_MODE.has(name)) return false;
  const full = ctx.server.commands.lookup(argv)?.fullName ?? name;
  ctx.server.reject(
    c,
    null,
    `ERR Can't execute '${full}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  );
  return true;
}

/** The push header word of a (un)subscribe confirmation. */
const CONFIRM: Record<Family, [string, string]> = {
  channel: ["subscribe", "unsubscribe"],
  pattern: ["psubscribe", "punsubscribe"],
  shard: ["ssubscribe", "sunsubscribe"],
};

/**
 * Write a (un)subscribe confirmation. Like messages, confirmations are not silenced by
 * CLIENT REPLY OFF / SKIP (Redis 7.2+): then they go through `deliver`, which core writes
 * after the command's (discarded) reply.
 */
function confirm(c: ClientState, word: string, name: string | null, count: number): void {
  const write = (r: ReplyWriter) => {
    r.push(3);
    r.bulk(word);
    r.bulk(name);
    r.int(count);
  };
  if (c.replyMode === "on") write(c.reply);
  else c.deliver(write);
}

/**
 * Subscribe a client to names of a family, answering one confirmation per name (Redis
 * answers a name already subscribed too).
 *
 * @example
 * ```ts
 * subscribe(ctx.client, "channel", argv.slice(1));
 * ```
 */
export function subscribe(c: ClientState, family: Family, names: string[]): void {
  const table = pubsubState(c.server).subs[family];
  const subs = clientSubs(c);
  for (const name of names) {
    if (!subs[family].has(name)) {
      subs[family].add(name);
      let set = table.get(name);
      if (set === undefined) table.set(name, set = new Set());
      set.add(c);
    }
    showState(c, subs);
    confirm(c, CONFIRM[family][0], name, subscriptionCount(c, family));
  }
}

function removeOne(c: ClientState, family: Family, name: string, subs: ClientSubs): boolean {
  if (!subs[family].delete(name)) return false;
  const table = pubsubState(c.server).subs[family];
  const set = table.get(name);
  if (set !== undefined) {
    set.delete(c);
    if (set.size === 0) table.delete(name);
  }
  return true;
}

/**
 * Unsubscribe a client from names of a family (all of them when `names` is empty), one
 * confirmation per name; `reply` false drops subscriptions silently (disconnection, RESET).
 *
 * @example
 * ```ts
 * unsubscribe(ctx.client, "pattern", []); // PUNSUBSCRIBE with no argument
 * ```
 */
export function unsubscribe(c: ClientState, family: Family, names: string[], reply = true): void {
  const subs = clientSubs(c);
  const list = names.length > 0 ? names : [...subs[family]];
  for (const name of list) {
    removeOne(c, family, name, subs);
    showState(c, subs);
    if (reply) confirm(c, CONFIRM[family][1], name, subscriptionCount(c, family));
  }
  // Nothing to unsubscribe from still gets one confirmation, with a null name.
  if (list.length === 0) {
    showState(c, subs);
    if (reply) confirm(c, CONFIRM[family][1], null, subscriptionCount(c, family));
  }
}

/**
 * Drop every subscription of a client without replying.
 *
 * @example
 * ```ts
 * hooks: { clientDisconnected: unsubscribeAll }
 * ```
 */
export function unsubscribeAll(c: ClientState): void {
  if (!c.ext.has(EXT)) return;
  for (const family of ["channel", "pattern", "shard"] as const) unsubscribe(c, family, [], false);
}

/**
 * Publish a message; returns the number of clients that received it (a client subscribed to
 * the channel and to a matching pattern counts, and receives it, twice).
 *
 * @example
 * ```ts
 * ctx.reply.int(publish(ctx.server, "channel", "news", "hello"));
 * ```
 */
export function publish(
  server: ServerApi,
  family: "channel" | "shard",
  channel: string,
  message: string,
): number {
  const st = pubsubState(server);
  let receivers = 0;
  const direct = st.subs[family].get(channel);
  if (direct !== undefined) {
    const word = family === "shard" ? "smessage" : "message";
    for (const c of direct) {
      c.deliver((r) => {
        r.push(3);
        r.bulk(word);
        r.bulk(channel);
        r.bulk(message);
      });
      receivers++;
    }
  }
  if (family === "channel") {
    for (const [pattern, clients] of st.subs.pattern) {
      if (!globMatch(pattern, channel)) continue;
      for (const c of clients) {
        c.deliver((r) => {
          r.push(4);
          r.bulk("pmessage");
          r.bulk(pattern);
          r.bulk(channel);
          r.bulk(message);
        });
        receivers++;
      }
    }
  }
  return receivers;
}

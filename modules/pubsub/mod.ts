/**
 * The pub/sub module: channels, patterns and shard channels, and keyspace notifications.
 *
 * - channels.ts: the subscription tables (per server) and message delivery
 * - commands.ts: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB
 * - notifications.ts: notify-keyspace-events and the keyspaceEvent hook that publishes
 *   `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages
 *
 * Subscribed mode. A RESP2 connection with subscriptions can only (un)subscribe, PING,
 * QUIT and RESET: its replies are interleaved with messages, so anything else would be
 * ambiguous. A `beforeCommand` hook refuses other commands with Redis's error through
 * core's `reject` (so that, like any refused command, it also fails an open MULTI). RESP3
 * connections receive messages as push frames and may run any command.
 *
 * A subscribed client's `kind` is "pubsub": CLIENT LIST shows flag P and CLIENT KILL TYPE
 * pubsub finds it, and core applies the pubsub class of client-output-buffer-limit, so a
 * subscriber that stops reading is disconnected instead of growing memory without bound.
 * RESET and disconnection drop every subscription.
 *
 * This module must load before the transactions module: like Redis, the subscribed-mode
 * check comes before MULTI queueing.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { pubsubCommands } from "./commands.ts";
import { pubsubState, unsubscribeAll } from "./channels.ts";
import { notifyKeyspaceEventsConfig, syncEventHook } from "./notifications.ts";

/**
 * The pub/sub module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, pubsubModule] });
 * await modis.call("PUBLISH", "news", "hello"); // 0
 * ```
 */
export const pubsubModule: ModuleSpec = {
  name: "pubsub",
  commands: pubsubCommands,
  configs: [notifyKeyspaceEventsConfig],
  setup(server) {
    syncEventHook(server);
  },
  hooks: {
    clientReset: unsubscribeAll,
    clientDisconnected: unsubscribeAll,
    info: {
      stats(server) {
        const subs = pubsubState(server).subs;
        return [
          `pubsub_channels:${subs.channel.size}`,
          `pubsub_patterns:${subs.pattern.size}`,
          `pubsubshard_channels:${subs.shard.size}`,
        ];
      },
    },
  },
};

/**
 * Keyspace notifications: `notify-keyspace-events` and the messages it turns on.
 *
 * Every module announces what it does to keys through one core API, `db.notify(class,
 * event, key)` (core also announces expirations and, when asked, key creations); core hands
 * each announcement to the `keyspaceEvent` hooks. This file is one such hook. When the
 * event's class letter is enabled it publishes, as ordinary pub/sub messages (so pattern
 * subscribers get them too):
 *   K: on `__keyspace@<db>__:<key>` the event name,
 *   E: on `__keyevent@<db>__:<event>` the key name.
 *
 * The directive is kept as the set of enabled letters. Class letters follow Redis: g
 * generic, $ string, l list, s set, h hash, z sorted set, x expired, e evicted, t stream,
 * m key miss, d module, n new key; A is g$lshzxetd (not m, not n); K and E pick the
 * channels, and without one of them nothing is sent. CONFIG GET shows Redis's canonical
 * spelling (A folded back — hiding n, as Redis does —, then K E m).
 */

import type { ConfigSpec, EventClass } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { publish, pubsubState } from "./channels.ts";

/** Letters A stands for. */
const ALL = "g$lshzxetd";
/** Canonical order of the class letters (before K, E, m). */
const ORDER = "g$lshzxetdn";

/**
 * Parse a notify-keyspace-events value into its set of letters (A expanded), or null when it
 * holds an unknown character.
 *
 * @example
 * ```ts
 * parseEventClasses("KEA"); // "KEg$lshzxetd"
 * parseEventClasses("Kq"); // null
 * ```
 */
export function parseEventClasses(value: string): string | null {
  let out = "";
  for (const ch of value) {
    if (ch === "A") out += ALL;
    else if ((ORDER + "KEm").includes(ch)) out += ch;
    else return null;
  }
  return [...new Set(out)].join("");
}

/**
 * Redis's canonical spelling of a set of letters.
 *
 * @example
 * ```ts
 * formatEventClasses("EKg$lshzxetd"); // "AKE"
 * ```
 */
export function formatEventClasses(classes: string): string {
  let out = "";
  // As in Redis, A hides n in the spelling (n stays in effect).
  if ([...ALL].every((c) => classes.includes(c))) out = "A";
  else for (const c of ORDER) if (classes.includes(c)) out += c;
  for (const c of "KEm") if (classes.includes(c)) out += c;
  return out;
}

/** Servers of this process with notifications on: every keyspace event's fast exit. */
let notifyingServers = 0;

/**
 * The notify-keyspace-events directive.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "pubsub", configs: [notifyKeyspaceEventsConfig] };
 * ```
 */
export const notifyKeyspaceEventsConfig: ConfigSpec = {
  name: "notify-keyspace-events",
  kind: "special",
  default: "",
  apply(value, server) {
    const classes = parseEventClasses(value);
    if (classes === null) throw new Error("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    const st = pubsubState(server);
    notifyingServers += (classes !== "" ? 1 : 0) - (st.notifyClasses !== "" ? 1 : 0);
    st.notifyClasses = classes;
    syncEventHook(server);
    server.notifyNewKeys = classes.includes("n") &&
      (classes.includes("K") || classes.includes("E"));
  },
  format: (value) => formatEventClasses(parseEventClasses(value) ?? ""),
};

/**
 * Attach the keyspaceEvent hook while some class is enabled: every write announces events,
 * and an attached hook costs each of them a call even when it returns at once. Before the
 * module is loaded (the directive's first apply) its setup does it.
 *
 * @example
 * ```ts
 * setup(server) { syncEventHook(server); }
 * ```
 */
export function syncEventHook(server: ServerApi): void {
  if (!server.modules.has("pubsub")) return;
  if (pubsubState(server).notifyClasses !== "") {
    server.addHook("keyspaceEvent", sendKeyspaceEvent, "pubsub");
  } else server.removeHook("keyspaceEvent", sendKeyspaceEvent);
}

/**
 * The keyspaceEvent hook: publish an event on the channels the directive enables.
 *
 * @example
 * ```ts
 * hooks: { keyspaceEvent: sendKeyspaceEvent }
 * ```
 */
export function sendKeyspaceEvent(
  cls: EventClass,
  event: string,
  key: string,
  dbIndex: number,
  server: ServerApi,
): void {
  if (notifyingServers === 0) return;
  const classes = pubsubState(server).notifyClasses;
  if (classes === "" || !classes.includes(cls)) return;
  if (classes.includes("K")) publish(server, "channel", `__keyspace@${dbIndex}__:${key}`, event);
  if (classes.includes("E")) publish(server, "channel", `__keyevent@${dbIndex}__:${event}`, key);
}

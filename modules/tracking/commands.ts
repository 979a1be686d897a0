/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO.
 *
 * They are subcommands of the connection module's CLIENT container, registered from here
 * with "client|<name>" names (core's command table attaches them to CLIENT), so the
 * feature's commands live with the feature. Option parsing and error texts follow Redis's
 * CLIENT TRACKING: every option is validated before anything changes.
 */

import type { CommandFlag, CommandSpec } from "../../core/spec.ts";
import { parseInteger } from "../../core/numbers.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { disableTracking, enableTracking, trackingOf } from "./table.ts";

const FLAGS: CommandFlag[] = ["noscript", "loading", "stale"];

/** Redis's prefix rule: two prefixes overlap when one starts with the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

function checkPrefixes(existing: string[], prefixes: string[]): void {
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of existing) {
      if (overlaps(old, prefixes[i])) {
        throw new ReplyError(
          `ERR Prefix '${
            prefixes[i]
          }' overlaps with an existing prefix '${old}'. Prefixes for a single client must not overlap.`,
        );
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlaps(prefixes[i], prefixes[j])) {
        throw new ReplyError(
          `ERR Prefix '${prefixes[i]}' overlaps with another provided prefix '${
            prefixes[j]
          }'. Prefixes for a single client must not overlap.`,
        );
      }
    }
  }
}

const tracking: CommandSpec = {
  name: "client|tracking",
  group: "connection",
  summary: "Turns server-assisted client-side caching on or off for this connection.",
  since: "6.0.0",
  complexity: "O(1). Some options may introduce additional complexity.",
  arity: -3,
  flags: FLAGS,
  aclCategories: ["connection"],
  arguments: [
    {
      name: "status",
      type: "oneof",
      arguments: [{ name: "on", type: "pure-token", token: "ON" }, {
        name: "off",
        type: "pure-token",
        token: "OFF",
      }],
    },
    { name: "client-id", type: "integer", token: "REDIRECT", optional: true },
    {
      name: "prefix",
      type: "string",
      token: "PREFIX",
      optional: true,
      multiple: true,
      multipleToken: true,
    },
    { name: "bcast", type: "pure-token", token: "BCAST", optional: true },
    { name: "optin", type: "pure-token", token: "OPTIN", optional: true },
    { name: "optout", type: "pure-token", token: "OPTOUT", optional: true },
    { name: "noloop", type: "pure-token", token: "NOLOOP", optional: true },
  ],
  handler(ctx, argv) {
    const c = ctx.client;
    const o = {
      redirect: 0,
      bcast: false,
      optin: false,
      optout: false,
      noloop: false,
      prefixes: [] as string[],
    };
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      const more = j < argv.length - 1;
      if (opt === "redirect" && more) {
        if (o.redirect !== 0) {
          throw new ReplyError("ERR A client can only redirect to a single other client");
        }
        const id = parseInteger(argv[++j]);
        if (id === null) throw new ReplyError(NOT_INTEGER);
        if (!ctx.server.clients.has(id)) {
          throw new ReplyError("ERR The client ID you want redirect to does not exist");
        }
        o.redirect = id;
      } else if (opt === "bcast") o.bcast = true;
      else if (opt === "optin") o.optin = true;
      else if (opt === "optout") o.optout = true;
      else if (opt === "noloop") o.noloop = true;
      else if (opt === "prefix" && more) o.prefixes.push(argv[++j]);
      else throw new ReplyError(SYNTAX_ERR);
    }
    const mode = argv[2].toLowerCase();
    if (mode === "off") {
      disableTracking(c);
      ctx.reply.ok();
      return;
    }
    if (mode !== "on") throw new ReplyError(SYNTAX_ERR);
    const old = trackingOf(c);
    if (!o.bcast && o.prefixes.length > 0) {
      throw new ReplyError("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if (old && old.bcast !== o.bcast) {
      throw new ReplyError(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (o.bcast && (o.optin || o.optout)) {
      throw new ReplyError("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if (o.optin && o.optout) {
      throw new ReplyError("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if ((o.optin && old?.optout) || (o.optout && old?.optin)) {
      throw new ReplyError(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (o.bcast) checkPrefixes(old?.prefixes ?? [], o.prefixes);
    enableTracking(c, o);
    ctx.reply.ok();
  },
};

const caching: CommandSpec = {
  name: "client|caching",
  group: "connection",
  summary: "Says whether the next command's keys may be cached (OPTIN / OPTOUT tracking).",
  since: "6.0.0",
  complexity: "O(1)",
  arity: 3,
  flags: FLAGS,
  aclCategories: ["connection"],
  arguments: [{
    name: "mode",
    type: "oneof",
    arguments: [{ name: "yes", type: "pure-token", token: "YES" }, {
      name: "no",
      type: "pure-token",
      token: "NO",
    }],
  }],
  handler(ctx, argv) {
    const t = trackingOf(ctx.client);
    if (t === undefined) {
      throw new ReplyError(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
      );
    }
    const opt = argv[2].toLowerCase();
    if (opt === "yes") {
      if (!t.optin) {
        throw new ReplyError(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
        );
      }
    } else if (opt === "no") {
      if (!t.optout) {
        throw new ReplyError(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
        );
      }
    } else throw new ReplyError(SYNTAX_ERR);
    t.caching = true;
    ctx.reply.ok();
  },
};

const getredir: CommandSpec = {
  name: "client|getredir",
  group: "connection",
  summary:
    "Returns the id of the connection invalidations are redirected to (0: none, -1: tracking off).",
  since: "6.0.0",
  complexity: "O(1)",
  arity: 2,
  flags: FLAGS,
  aclCategories: ["connection"],
  handler(ctx) {
    ctx.reply.int(trackingOf(ctx.client)?.redirect ?? -1);
  },
};

const trackinginfo: CommandSpec = {
  name: "client|trackinginfo",
  group: "connection",
  summary: "Describes this connection's client-side caching settings.",
  since: "6.2.0",
  complexity: "O(1)",
  arity: 2,
  flags: FLAGS,
  aclCategories: ["connection"],
  handler(ctx) {
    const t = trackingOf(ctx.client);
    const flags = [t ? "on" : "off"];
    if (t?.bcast) flags.push("bcast");
    if (t?.optin) flags.push("optin", ...(t.caching ? ["caching-yes"] : []));
    if (t?.optout) flags.push("optout", ...(t.caching ? ["caching-no"] : []));
    if (t?.noloop) flags.push("noloop");
    if (t?.brokenRedirect) flags.push("broken_redirect");
    const r = ctx.reply;
    r.map(3);
    r.bulk("flags");
    r.set(flags.length);
    for (const f of flags) r.bulk(f);
    r.bulk("redirect");
    r.int(t?.redirect ?? -1);
    r.bulk("prefixes");
    r.bulks(t?.prefixes ?? []);
  },
};

/**
 * The CLIENT subcommands of client-side caching, named "client|..." so core attaches them
 * to the connection module's CLIENT.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "tracking", requires: ["connection"], commands: trackingCommands };
 * ```
 */
export const trackingCommands: CommandSpec[] = [tracking, caching, getredir, trackinginfo];

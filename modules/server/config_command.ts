/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP over core's config registry.
 *
 * CONFIG SET is atomic like Redis 7's: every name is checked first (unknown, immutable,
 * protected, duplicate), then every value is validated by kind, and only then are values
 * applied one by one; if an apply fails (a module refusing a value), the ones already
 * applied are restored, so a failed CONFIG SET leaves the configuration as it found it.
 * Error texts are Redis's, naming the argument that failed.
 *
 * CONFIG GET takes several patterns; each directive appears once even when several
 * patterns match it, and a name or alias asked for explicitly is shown under that
 * spelling (hidden directives only when asked for by name).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { type ConfigEntry, ConfigError, normalizeConfigValue } from "../../core/config.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { replyAfter, replyHelp, stateOf } from "./state.ts";
import { pluginModules } from "./module_command.ts";
import { rewriteConfigText } from "./config_rewrite.ts";

/** Directives only changeable when enable-protected-configs allows it. */
const PROTECTED = new Set(["dir", "dbfilename"]);

function setFailed(arg: string, reason: string): ReplyError {
  return new ReplyError(
    `ERR CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`,
  );
}

function configSet(ctx: CommandContext, argv: string[]): void {
  if ((argv.length & 1) === 1) throw new ReplyError(SYNTAX_ERR);
  const reg = ctx.server.config;
  const allowProtected = ctx.server.config.get("enable-protected-configs");
  const pairs: { arg: string; entry: ConfigEntry; raw: string }[] = [];
  let unknown: string | null = null;
  let refused: ReplyError | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const entry = reg.entry(argv[i]);
    if (!entry) {
      unknown ??= argv[i];
      continue;
    }
    if (unknown !== null || refused !== null) continue;
    if (entry.spec.immutable) refused = setFailed(argv[i], "can't set immutable config");
    else if (
      PROTECTED.has(entry.spec.name) && allowProtected !== "yes" &&
      !(allowProtected === "local" && ctx.client.isLocal)
    ) refused = setFailed(argv[i], "can't set protected config");
    else if (pairs.some((p) => p.entry === entry)) {
      refused = setFailed(argv[i], "duplicate parameter");
    }
    pairs.push({ arg: argv[i], entry, raw: argv[i + 1] });
  }
  if (unknown !== null) {
    throw new ReplyError(`ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`);
  }
  if (refused) throw refused;
  for (const p of pairs) {
    try {
      normalizeConfigValue(p.entry.spec, p.raw);
    } catch (err) {
      throw setFailed(p.entry.spec.name, err instanceof Error ? err.message : String(err));
    }
  }
  const applied: { entry: ConfigEntry; value: string; changed: boolean }[] = [];
  for (const p of pairs) {
    const before = { entry: p.entry, value: p.entry.value, changed: p.entry.changed };
    try {
      reg.set(p.entry.spec.name, p.raw, "config-set");
      applied.push(before);
    } catch (err) {
      ctx.server.log(
        "warning",
        `Failed applying new configuration. Possibly related to new ${p.entry.spec.name} setting. Restoring previous settings.`,
      );
      for (const b of applied.reverse()) {
        try {
          reg.set(b.entry.spec.name, b.value, "config-set");
        } catch { /* the old value was accepted before; nothing better to do */ }
        b.entry.changed = b.changed;
      }
      throw setFailed(p.entry.spec.name, err instanceof ConfigError ? err.message : String(err));
    }
  }
  ctx.reply.ok();
}

function configGet(ctx: CommandContext, argv: string[]): void {
  const reg = ctx.server.config;
  const found = new Map<string, string>();
  for (const pattern of argv.slice(2)) {
    for (const [name, e] of reg.match(pattern)) {
      if (!found.has(name)) found.set(name, reg.display(e));
    }
  }
  const r = ctx.reply;
  r.map(found.size);
  for (const [name, value] of found) {
    r.bulk(name);
    r.bulk(value);
  }
}

/**
 * Reset the statistics INFO reports (CONFIG RESETSTAT).
 *
 * @example
 * ```ts
 * resetStats(server);
 * ```
 */
export function resetStats(server: ServerApi): void {
  const stats = server.stats as unknown as Record<string, unknown>;
  for (const k of Object.keys(stats)) if (typeof stats[k] === "number") stats[k] = 0;
  server.stats.errors.clear();
  const walk = (entries: Iterable<import("../../core/commands.ts").CommandEntry>) => {
    for (const e of entries) {
      e.calls =
        e.usec =
        e.rejectedCalls =
        e.failedCalls =
          0;
      if (e.subcommands) walk(e.subcommands.values());
    }
  };
  walk(server.commands.all());
  const st = stateOf(server);
  st.histograms.clear();
  st.peakMemory = server.host?.rss() ?? 0;
}

/**
 * Rewrite the config file the server was started with; `force` writes every directive.
 * Throws ReplyError with Redis's texts.
 *
 * @example
 * ```ts
 * await rewriteConfigFile(server, false);
 * ```
 */
export async function rewriteConfigFile(server: ServerApi, force: boolean): Promise<void> {
  const path = server.configFile;
  const host = server.host;
  if (!path || !host) throw new ReplyError("ERR The server is running without a config file");
  let old = "";
  try {
    old = await host.readTextFile(path);
  } catch { /* a missing file is rewritten from scratch, as Redis does */ }
  const reg = server.config;
  const entries = [...reg.all()].filter(([name, e]) => e.spec.name === name);
  const loadmodule = pluginModules(server).filter((m) => m.path !== "").map((m) =>
    ["loadmodule", m.path, ...m.args].join(" ")
  );
  const text = rewriteConfigText(old, {
    entries,
    primaryName: (n) => reg.entry(n)?.spec.name,
    extraDirectives: new Map([["loadmodule", loadmodule]]),
    force,
  });
  try {
    host.writeTextFileSync(path, text, false);
  } catch (err) {
    throw new ReplyError(`ERR Rewriting config file: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * CONFIG REWRITE's reply path, shared with DEBUG CONFIG-REWRITE-FORCE-ALL.
 *
 * @example
 * ```ts
 * replyRewrite(ctx, true);
 * ```
 */
export function replyRewrite(ctx: CommandContext, force: boolean): void {
  if (!ctx.server.configFile || !ctx.server.host) {
    throw new ReplyError("ERR The server is running without a config file");
  }
  replyAfter(
    ctx,
    () => rewriteConfigFile(ctx.server, force),
    (err) => err instanceof Error ? err.message : String(err),
  );
}

const adminFlags: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];

/**
 * The CONFIG container command.
 *
 * @example
 * ```ts
 * await modis.call("CONFIG", "GET", "maxmemory*");
 * ```
 */
export const configCommand: CommandSpec = {
  name: "config",
  group: "server",
  summary: "A container for server configuration commands.",
  since: "2.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "get",
      group: "server",
      summary: "Returns the effective values of configuration parameters.",
      since: "2.0.0",
      complexity: "O(N) when N is the number of configuration parameters provided",
      arity: -3,
      flags: adminFlags,
      history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
      arguments: [{ name: "parameter", type: "string", multiple: true }],
      handler: configGet,
    },
    {
      name: "set",
      group: "server",
      summary: "Sets configuration parameters in-flight.",
      since: "2.0.0",
      complexity: "O(N) when N is the number of configuration parameters provided",
      arity: -4,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
      arguments: [{
        name: "data",
        type: "block",
        multiple: true,
        arguments: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
      }],
      handler: configSet,
    },
    {
      name: "resetstat",
      group: "server",
      summary: "Resets the server's statistics.",
      since: "2.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      handler(ctx) {
        resetStats(ctx.server);
        ctx.reply.ok();
      },
    },
    {
      name: "rewrite",
      group: "server",
      summary: "Persists the effective configuration to file.",
      since: "2.8.0",
      complexity: "O(1)",
      arity: 2,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      handler(ctx) {
        replyRewrite(ctx, false);
      },
    },
    {
      name: "help",
      group: "server",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "CONFIG", [
          "GET <pattern> [<pattern> ...]",
          "    Show the directives (and values) whose names match any of the glob patterns.",
          "SET <directive> <value> [<directive> <value> ...]",
          "    Change directives at run time; all of them or none.",
          "RESETSTAT",
          "    Zero the statistics INFO reports.",
          "REWRITE",
          "    Save the running configuration into the config file the server started with.",
        ]);
      },
    },
  ],
};

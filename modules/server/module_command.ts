/**
 * MODULE LIST / LOAD / LOADEX / UNLOAD / HELP: plugins at run time.
 *
 * Which modules MODULE LIST shows. Everything in Modis is a module, but Redis users expect
 * MODULE LIST to show extensions, not the server itself (an empty list on a fresh server).
 * A loaded module counts as a plugin when it was loaded from a file (`--loadmodule`,
 * MODULE LOAD) or when all its commands are in the "module" group, which is how plugins
 * present their commands (COMMAND DOCS reports module commands under that group, as Redis
 * does). Built-in modules are never listed and cannot be unloaded from here.
 *
 * Loading is asynchronous (a dynamic import) while handlers are synchronous, so LOAD
 * suspends the calling connection and replies when the import settles (replyAfter). A
 * caller that is not a network connection (embedded `call()`) loads through
 * `server.loadModuleFile` instead.
 *
 * LOAD, LOADEX and UNLOAD are protected by `enable-module-command` like in Redis.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import type { LoadedModule, ServerApi } from "../../core/server.ts";
import { ModuleError } from "../../core/server.ts";
import { ReplyError } from "../../core/errors.ts";
import { checkProtected, replyAfter, replyHelp } from "./state.ts";

/**
 * The loaded modules MODULE LIST and INFO modules show (see the file comment).
 *
 * @example
 * ```ts
 * pluginModules(server).map((m) => m.spec.name); // ["hello"]
 * ```
 */
export function pluginModules(server: ServerApi): LoadedModule[] {
  return [...server.modules.values()].filter((m) => {
    const cmds = m.spec.commands ?? [];
    return m.path !== "" || (cmds.length > 0 && cmds.every((c) => c.group === "module"));
  });
}

const LOAD_FAILED = "ERR Error loading the extension. Please check the server logs.";

function guard(ctx: CommandContext): void {
  checkProtected(ctx, "MODULE", ctx.server.settings.enableModuleCommand, "enable-module-command");
}

/** Parse LOADEX's `[CONFIG name value ...] [ARGS arg ...]`; null when malformed. */
function parseLoadex(rest: string[]): { configs: [string, string][]; args: string[] } | null {
  const configs: [string, string][] = [];
  let i = 0;
  while (i < rest.length) {
    const word = rest[i].toLowerCase();
    if (word === "config" && i + 2 < rest.length) {
      configs.push([rest[i + 1], rest[i + 2]]);
      i += 3;
    } else if (word === "args") {
      return { configs, args: rest.slice(i + 1) };
    } else return null;
  }
  return { configs, args: [] };
}

function load(
  ctx: CommandContext,
  path: string,
  args: string[],
  configs: [string, string][],
): void {
  const server = ctx.server;
  replyAfter(ctx, async () => {
    const spec = await server.loadModuleFile(path, args);
    try {
      for (const [name, value] of configs) server.config.set(name, value, "startup");
    } catch (err) {
      server.unloadModule(spec.name);
      throw err;
    }
    server.log("notice", `Module '${spec.name}' loaded from ${path}`);
  }, (err) => {
    server.log(
      "warning",
      `Module ${path} failed to load: ${err instanceof Error ? err.message : err}`,
    );
    return LOAD_FAILED;
  });
}

const UNLOAD_REASONS: Record<string, string> = {
  MODULE_NOT_LOADED: "no such module with that name",
  MODULE_HAS_TYPES: "the module exports one or more module-side data types, can't unload",
  MODULE_REQUIRED:
    "the module exports APIs used by other modules. Please unload them first and try again",
};

/**
 * The MODULE container command.
 *
 * @example
 * ```ts
 * commands.push(moduleCommand);
 * ```
 */
export const moduleCommand: CommandSpec = {
  name: "module",
  group: "server",
  summary: "A container for module commands.",
  since: "4.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "help",
      group: "server",
      summary: "Lists the MODULE subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "MODULE", [
          "LIST",
          "    Show the loaded plugin modules.",
          "LOAD <path> [<arg> ...]",
          "    Import a plugin file exporting `moduleSpec`, passing it the arguments.",
          "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
          "    Like LOAD, also setting the module's config directives.",
          "UNLOAD <name>",
          "    Remove a plugin module and everything it registered.",
        ]);
      },
    },
    {
      name: "list",
      group: "server",
      summary: "Returns all loaded modules.",
      since: "4.0.0",
      complexity: "O(N) where N is the number of loaded modules.",
      arity: 2,
      flags: ["admin", "noscript"],
      tips: ["nondeterministic_output_order"],
      handler(ctx) {
        const mods = pluginModules(ctx.server);
        const r = ctx.reply;
        r.array(mods.length);
        for (const m of mods) {
          r.map(4);
          r.bulk("name");
          r.bulk(m.spec.name);
          r.bulk("ver");
          r.int(m.spec.version ?? 0);
          r.bulk("path");
          r.bulk(m.path);
          r.bulk("args");
          r.bulks(m.args);
        }
      },
    },
    {
      name: "load",
      group: "server",
      summary: "Loads a module.",
      since: "4.0.0",
      complexity: "O(1)",
      arity: -3,
      flags: ["no_async_loading", "admin", "noscript"],
      arguments: [
        { name: "path", type: "string" },
        { name: "arg", type: "string", optional: true, multiple: true },
      ],
      handler(ctx, argv) {
        guard(ctx);
        load(ctx, argv[2], argv.slice(3), []);
      },
    },
    {
      name: "loadex",
      group: "server",
      summary: "Loads a module using extended parameters.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: -3,
      flags: ["no_async_loading", "admin", "noscript"],
      arguments: [
        { name: "path", type: "string" },
        {
          name: "configs",
          type: "block",
          token: "CONFIG",
          optional: true,
          multiple: true,
          multipleToken: true,
          arguments: [{ name: "name", type: "string" }, { name: "value", type: "string" }],
        },
        { name: "args", type: "string", token: "ARGS", optional: true, multiple: true },
      ],
      handler(ctx, argv) {
        guard(ctx);
        const parsed = parseLoadex(argv.slice(3));
        if (!parsed) throw new ReplyError(LOAD_FAILED);
        load(ctx, argv[2], parsed.args, parsed.configs);
      },
    },
    {
      name: "unload",
      group: "server",
      summary: "Unloads a module.",
      since: "4.0.0",
      complexity: "O(1)",
      arity: 3,
      flags: ["no_async_loading", "admin", "noscript"],
      arguments: [{ name: "name", type: "string" }],
      handler(ctx, argv) {
        guard(ctx);
        const name = argv[2];
        const isPlugin = pluginModules(ctx.server).some((m) => m.spec.name === name);
        try {
          if (!isPlugin) throw new ModuleError("MODULE_NOT_LOADED", "");
          ctx.server.unloadModule(name);
        } catch (err) {
          const code = err instanceof ModuleError ? err.code : "";
          const reason = UNLOAD_REASONS[code] ?? "operation not possible.";
          ctx.server.log("warning", `Error unloading module ${name}: ${reason}`);
          throw new ReplyError(`ERR Error unloading module: ${reason}`);
        }
        ctx.reply.ok();
      },
    },
  ],
};

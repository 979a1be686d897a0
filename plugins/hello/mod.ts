/**
 * hello: an example third-party Modis plugin.
 *
 * It shows everything a plugin needs and nothing more, using only the public interface
 * (types from Modis's root mod.ts): a `moduleSpec` export with commands, a config
 * directive and per-server state.
 *
 *   HELLO.WORLD [name]     → "<greeting>, <name>!" (name defaults to "world")
 *   HELLO.COUNT            → how many greetings this server has given
 *   hello.greeting         → a config directive (CONFIG GET/SET hello.greeting), "Hello"
 *
 * Load it like a Redis module: `mod.ts --loadmodule ./plugins/hello/mod.ts [greeting]`, or
 * `MODULE LOAD`, or embed it: `createServer({ modules: [moduleSpec] })`. A load argument,
 * if given, becomes the initial greeting.
 *
 * State. One spec object may be loaded into several servers in one process, so the counter
 * is kept per server in a WeakMap instead of a module-level variable; it is dropped on
 * MODULE UNLOAD through `teardown`.
 */

import { type CommandSpec, type ModuleSpec, ReplyError, type ServerApi } from "../../mod.ts";

const greetings = new WeakMap<ServerApi, number>();

const world: CommandSpec = {
  name: "hello.world",
  group: "module",
  summary: "Greets someone with the configured greeting.",
  since: "0.1.0",
  complexity: "O(1)",
  arity: -1,
  flags: ["fast"],
  arguments: [{ name: "name", type: "string", optional: true }],
  handler(ctx, argv) {
    if (argv.length > 2) {
      throw new ReplyError("ERR wrong number of arguments for 'hello.world' command");
    }
    const greeting = ctx.server.config.get("hello.greeting");
    greetings.set(ctx.server, (greetings.get(ctx.server) ?? 0) + 1);
    ctx.reply.bulk(`${greeting}, ${argv[1] ?? "world"}!`);
  },
};

const count: CommandSpec = {
  name: "hello.count",
  group: "module",
  summary: "Returns how many greetings were given.",
  since: "0.1.0",
  complexity: "O(1)",
  arity: 1,
  flags: ["fast"],
  handler(ctx) {
    ctx.reply.int(greetings.get(ctx.server) ?? 0);
  },
};

/**
 * The plugin.
 *
 * @example
 * ```ts
 * import { createServer } from "../../mod.ts";
 * const modis = createServer({ modules: [moduleSpec] });
 * await modis.call("HELLO.WORLD", "Ada"); // "Hello, Ada!"
 * ```
 */
export const moduleSpec: ModuleSpec = {
  name: "hello",
  version: 1,
  commands: [world, count],
  configs: [{ name: "hello.greeting", kind: "string", default: "Hello" }],
  setup(server, args) {
    if (args.length > 1) throw new Error("usage: --loadmodule plugins/hello/mod.ts [greeting]");
    if (args.length === 1) server.config.set("hello.greeting", args[0], "startup");
  },
  teardown(server) {
    greetings.delete(server);
  },
};

/**
 * Modis: a Redis-compatible in-memory data server in TypeScript, for Bun and Deno.
 *
 * As a library, `createServer()` builds a server with the built-in modules (and any extra
 * ones), which can `listen()` on TCP like redis-server, answer `call()` in-process through
 * the same command path, and `close()`. Run directly (`bun run mod.ts`, `deno run -A
 * mod.ts`) it is the standalone server, configured exactly like redis-server:
 * `mod.ts [/path/to/redis.conf] [--port 6380] [--loadmodule ./plugins/x/mod.ts] ...`.
 *
 * @example
 * ```ts
 * import { createServer } from "./mod.ts";
 * const modis = createServer({ config: { port: 0 } });
 * await modis.call("SET", "greeting", "hello");
 * console.log(await modis.call("GET", "greeting")); // "hello"
 * const { port } = await modis.listen();
 * await modis.close();
 * ```
 */

import { Server, type ServerOptions } from "./core/server.ts";
import {
  ConfigError,
  ConfigFileError,
  type Directive,
  parseCommandLine,
  parseConfigText,
} from "./core/config.ts";
import { detectHost, type Host, type Listener } from "./core/net/transport.ts";
import { listenAll } from "./core/network.ts";
import { ReplyError } from "./core/errors.ts";
import type { ModuleSpec } from "./core/spec.ts";
import type { ReplyValue } from "./core/resp/value_builder.ts";
import { builtinModules } from "./modules/mod.ts";

export type {
  CommandContext,
  CommandSpec,
  ConfigSpec,
  ModuleSpec,
  ReplyWriter,
  TypeSpec,
} from "./core/spec.ts";
export { PROPAGATE_ALL, PROPAGATE_AOF, PROPAGATE_REPL } from "./core/spec.ts";
export type { ReplyValue } from "./core/resp/value_builder.ts";
export type { RdbInput, RdbOutput } from "./core/rdb_form.ts";
export type { ServerApi } from "./core/server.ts";
export { ReplyError } from "./core/errors.ts";
export { builtinModules } from "./modules/mod.ts";

/** Options for `createServer`. */
export interface CreateServerOptions {
  /** Config directives, as redis.conf names them: `{ port: 0, "maxmemory": "100mb" }`. */
  config?: Record<string, string | number | boolean>;
  /** Extra modules (plugins) loaded after the built-in ones. */
  modules?: ModuleSpec[];
  /** Replace the built-in module list (default: every built-in module). */
  builtins?: ModuleSpec[];
  /** Log sink; `false` silences logging. Default: stdout. */
  log?: false | ((line: string) => void);
}

/** A server created by `createServer`. */
export interface ModisServer {
  /** The server internals, as modules see them. */
  readonly server: Server;
  /** Resolves when every module is loaded. */
  readonly ready: Promise<void>;
  /** Start listening on the configured port/bind/unixsocket; resolves with the bound port. */
  listen(): Promise<{ port: number }>;
  /**
   * Run a command in-process and return its reply; error replies reject with ReplyError.
   * Strings are UTF-8 decoded; use `callRaw` for binary strings.
   */
  call(...args: (string | number | Uint8Array)[]): Promise<ReplyValue>;
  /** Like `call`, but bulk strings come back as binary strings (one char per byte). */
  callRaw(...args: (string | number | Uint8Array)[]): Promise<ReplyValue>;
  /** Stop listening, disconnect clients, run shutdown hooks. */
  close(): Promise<void>;
}

function directivesFrom(config: CreateServerOptions["config"]): Directive[] {
  return Object.entries(config ?? {}).map(([name, v]) => {
    const value = typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
    return {
      name: name.toLowerCase(),
      args: [value],
      origin: "createServer options",
      line: `${name} ${value}`,
    };
  });
}

/**
 * Apply directives to a server: config values, `loadmodule`, `include`. Returns the list of
 * directives accepted but not yet effective. Throws ConfigFileError.
 */
async function applyDirectives(
  server: Server,
  directives: Directive[],
  host: Host | null,
): Promise<string[]> {
  const pendingModules: [string, string[], Directive][] = [];
  const notEffective: string[] = [];
  const queue = [...directives];
  while (queue.length > 0) {
    const d = queue.shift()!;
    if (d.name === "loadmodule") {
      if (d.args.length < 1) {
        throw new ConfigFileError(d, "Bad directive or wrong number of arguments");
      }
      pendingModules.push([d.args[0], d.args.slice(1), d]);
      continue;
    }
    if (d.name === "include") {
      if (!host || d.args.length !== 1) {
        throw new ConfigFileError(d, "Bad directive or wrong number of arguments");
      }
      queue.unshift(...parseConfigText(await host.readTextFile(d.args[0]), d.args[0]));
      continue;
    }
    if (!server.config.entry(d.name)) {
      throw new ConfigFileError(d, "Bad directive or wrong number of arguments");
    }
    try {
      const effective = server.config.set(d.name, d.args.join(" "), "startup");
      if (!effective && !notEffective.includes(d.name)) notEffective.push(d.name);
    } catch (err) {
      throw new ConfigFileError(d, err instanceof ConfigError ? err.message : String(err));
    }
  }
  for (const [path, args, d] of pendingModules) {
    try {
      await server.loadModuleFile(path, args);
    } catch (err) {
      throw new ConfigFileError(
        d,
        `Module ${path} failed to load: ${err instanceof Error ? err.message : err}`,
      );
    }
  }
  return notEffective;
}

function toHostOptions(options: CreateServerOptions, host: Host | null): ServerOptions {
  return {
    host,
    logSink: options.log === false
      ? () => {}
      : typeof options.log === "function"
      ? options.log
      : undefined,
  };
}

/**
 * Create a Modis server with the built-in modules plus `options.modules`.
 *
 * @example
 * ```ts
 * const modis = createServer({ config: { port: 0 }, log: false });
 * const { port } = await modis.listen();
 * console.log(await modis.call("PING")); // "PONG"
 * await modis.close();
 * ```
 */
export function createServer(options: CreateServerOptions = {}): ModisServer {
  // An embedded server is ephemeral unless its config mentions persistence: it neither loads
  // nor writes dump.rdb / appendonly files in the embedder's working directory by surprise.
  const persistent = Object.keys(options.config ?? {}).some((k) =>
    PERSISTENCE_DIRECTIVES.has(k.toLowerCase())
  );
  const directives = directivesFrom(options.config);
  if (!persistent) directives.unshift(...directivesFrom({ save: "" }));
  return createWithDirectives(options, directives, null, persistent);
}

const PERSISTENCE_DIRECTIVES = new Set([
  "save",
  "appendonly",
  "dir",
  "dbfilename",
  "appenddirname",
]);

function createWithDirectives(
  options: CreateServerOptions,
  directives: Directive[],
  givenHost: Host | null,
  loadData: boolean,
): ModisServer {
  let host = givenHost;
  const server = new Server(toHostOptions(options, host));
  let listeners: Listener[] = [];
  let notEffective: string[] = [];
  const ready = (async () => {
    host ??= await detectHost().catch(() => null);
    // deno-lint-ignore no-explicit-any
    (server as any).host = host;
    // Module configs must exist before directives are applied: load modules first.
    for (const spec of options.builtins ?? builtinModules) await server.loadModule(spec);
    for (const spec of options.modules ?? []) await server.loadModule(spec);
    notEffective = await applyDirectives(server, directives, host);
    if (loadData) await server.load();
    server.startCron();
  })();
  const run = async (raw: boolean, args: (string | number | Uint8Array)[]) => {
    await ready;
    const v = server.callArgv(args, raw);
    if (v instanceof ReplyError) throw v;
    return v;
  };
  return {
    server,
    ready,
    async listen() {
      await ready;
      if (!host) throw new Error("listen() needs Bun or Deno");
      for (const name of notEffective) {
        server.log(
          "warning",
          `Directive '${name}' is accepted for compatibility but not effective yet in Modis`,
        );
      }
      listeners = await listenAll(server, host);
      return { port: server.settings.port };
    },
    call: (...args) => run(false, args),
    callRaw: (...args) => run(true, args),
    async close() {
      await ready.catch(() => {});
      for (const l of listeners) l.close();
      listeners = [];
      for (const c of [...server.clients.values()]) c.kill();
      await server.shutdown();
    },
  };
}

/** Run the standalone server with redis-server's command line. */
async function main(): Promise<void> {
  const host = await detectHost();
  let modis: ModisServer;
  try {
    const { file, directives } = parseCommandLine(host.args());
    const all = file
      ? [...parseConfigText(await host.readTextFile(file), file), ...directives]
      : directives;
    modis = createWithDirectives({}, all, host, true);
    if (file) modis.server.configFile = file.startsWith("/") ? file : `${host.cwd()}/${file}`;
    await modis.ready;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return host.exit(1);
  }
  const server = modis.server;
  server.log("warning", "oO0OoO0OoO0Oo Modis is starting oO0OoO0OoO0Oo");
  server.log(
    "warning",
    `Modis version=${server.modisVersion} (Redis ${server.version} compatible), runtime=${host.runtime} ${host.runtimeVersion}, pid=${host.pid}, just started`,
  );
  try {
    await modis.listen();
  } catch (err) {
    server.log("warning", err instanceof Error ? err.message : String(err));
    return host.exit(1);
  }
  server.log("notice", `Running mode=standalone, port=${server.settings.port}.`);
  server.log("notice", "Server initialized");
  server.log("notice", "Ready to accept connections tcp");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log("warning", `Received ${signal} scheduling shutdown...`);
    modis.close().then(() => {
      server.log("warning", "Modis is now ready to exit, bye bye...");
      host.exit(0);
    });
  };
  host.onSignal("SIGTERM", () => stop("SIGTERM"));
  host.onSignal("SIGINT", () => stop("SIGINT"));
  server.exitProcess = (code: number) => host.exit(code);
}

if (import.meta.main) await main();

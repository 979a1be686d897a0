/**
 * The connection module: the commands a client uses to talk to the server about itself.
 *
 * PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO and the CLIENT family. It also owns
 * authentication: `requirepass` (the default user's password until the ACL module exists)
 * and the gate that answers NOAUTH to unauthenticated clients, installed as a
 * `beforeCommand` hook exactly like a plugin would. The gate is attached only while a
 * password is set: a hook costs every command ~10 ns, and without a password every client
 * passes (as in Redis, where clearing requirepass lets unauthenticated clients in).
 *
 * Client-introspection commands (CLIENT LIST/INFO/KILL...) live in client_command.ts.
 */

import type { CommandContext, CommandSpec, ConfigSpec, ModuleSpec } from "../../core/spec.ts";
import type { ClientState } from "../../core/client.ts";
import type { ServerApi } from "../../core/server.ts";
import { DB_INDEX_OUT_OF_RANGE, ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { clientCommand } from "./client_command.ts";

const requirepassConfig: ConfigSpec = {
  name: "requirepass",
  kind: "string",
  default: "",
  sensitive: true,
  apply: (value, server) => syncAuthGate(server, value !== ""),
};

/** The NOAUTH gate (a `beforeCommand` hook, attached with addHook). */
function authGate(ctx: CommandContext, cmd: CommandSpec): boolean {
  if (ctx.client.authenticated || cmd.flags.includes("no_auth")) return false;
  ctx.reply.error("NOAUTH Authentication required.");
  return true;
}

/** Attach the gate while a password is set (setup syncs once the module is loaded). */
function syncAuthGate(server: ServerApi, required: boolean): void {
  if (!server.modules.has("connection")) return;
  if (required) server.addHook("beforeCommand", authGate, "connection");
  else server.removeHook("beforeCommand", authGate);
}

/** Whether a password is required for the default user. */
function authRequired(server: ServerApi): boolean {
  return server.config.get("requirepass") !== "";
}

/** Check a password for the default user (named users come with the ACL module). */
function checkPassword(server: ServerApi, user: string, pass: string): boolean {
  const required = server.config.get("requirepass");
  return user === "default" && (required === "" || pass === required);
}

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

/** SELECT's db index check, shared with MOVE/SWAPDB users through the error constant. */
function selectDb(ctx: CommandContext, arg: string): void {
  const idx = parseInteger(arg);
  if (idx === null) throw new ReplyError("ERR value is not an integer or out of range");
  if (idx < 0 || idx >= ctx.server.dbs.length) throw new ReplyError(DB_INDEX_OUT_OF_RANGE);
  (ctx.client as ClientState).db = ctx.server.dbs[idx];
}

/** Validate a client name (CLIENT SETNAME, HELLO SETNAME): printable ASCII, no spaces. */
export function validateClientName(name: string): void {
  if (!/^[!-~]*$/.test(name)) {
    throw new ReplyError("ERR Client names cannot contain spaces, newlines or special characters.");
  }
}

const commands: CommandSpec[] = [
  {
    name: "ping",
    group: "connection",
    summary: "Returns the server's liveliness response.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: -1,
    flags: ["fast", "stale", "loading"],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: [{ name: "message", type: "string", optional: true }],
    handler(ctx, argv) {
      if (argv.length > 2) throw new ReplyError("ERR wrong number of arguments for 'ping' command");
      if (ctx.client.kind === "pubsub" && ctx.client.resp === 2) {
        ctx.reply.array(2);
        ctx.reply.bulk("pong");
        ctx.reply.bulk(argv.length === 2 ? argv[1] : "");
        return;
      }
      if (argv.length === 2) ctx.reply.bulk(argv[1]);
      else ctx.reply.simple("PONG");
    },
  },
  {
    name: "echo",
    group: "connection",
    summary: "Returns the given string.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["fast"],
    arguments: [{ name: "message", type: "string" }],
    handler(ctx, argv) {
      ctx.reply.bulk(argv[1]);
    },
  },
  {
    name: "quit",
    group: "connection",
    summary: "Closes the connection.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    docFlags: ["deprecated"],
    deprecatedSince: "7.2.0",
    replacedBy: "just closing the connection",
    handler(ctx) {
      ctx.reply.ok();
      ctx.client.closeAfterReply = true;
    },
  },
  {
    name: "select",
    group: "connection",
    summary: "Changes the selected database.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    arguments: [{ name: "index", type: "integer" }],
    handler(ctx, argv) {
      selectDb(ctx, argv[1]);
      ctx.reply.ok();
    },
  },
  {
    name: "auth",
    group: "connection",
    summary: "Authenticates the connection.",
    since: "1.0.0",
    complexity: "O(N) where N is the number of passwords defined for the user",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    history: [["6.0.0", "Added ACL style (username and password)."]],
    arguments: [
      { name: "username", type: "string", optional: true, since: "6.0.0" },
      { name: "password", type: "string" },
    ],
    handler(ctx, argv) {
      if (argv.length > 3) throw new ReplyError("ERR syntax error");
      if (argv.length === 2 && !authRequired(ctx.server)) {
        throw new ReplyError(
          "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        );
      }
      const user = argv.length === 3 ? argv[1] : "default";
      const pass = argv[argv.length - 1];
      if (!checkPassword(ctx.server, user, pass)) throw new ReplyError(WRONGPASS);
      ctx.client.authenticated = true;
      ctx.client.user = user;
      ctx.reply.ok();
    },
  },
  {
    name: "hello",
    group: "connection",
    summary: "Handshakes with the Redis server.",
    since: "6.0.0",
    complexity: "O(1)",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    history: [[
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ]],
    arguments: [{
      name: "arguments",
      type: "block",
      optional: true,
      arguments: [
        { name: "protover", type: "integer" },
        {
          name: "username-password",
          type: "block",
          token: "AUTH",
          optional: true,
          arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
        },
        { name: "clientname", type: "string", token: "SETNAME", optional: true },
      ],
    }],
    handler(ctx, argv) {
      let ver = 0;
      let i = 1;
      if (argv.length >= 2) {
        const v = parseInteger(argv[1]);
        if (v === null) {
          throw new ReplyError("ERR Protocol version is not an integer or out of range");
        }
        if (v < 2 || v > 3) throw new ReplyError("NOPROTO unsupported protocol version");
        ver = v;
        i = 2;
      }
      let auth: [string, string] | null = null;
      let name: string | null = null;
      for (; i < argv.length; i++) {
        const more = argv.length - 1 - i;
        const opt = argv[i].toLowerCase();
        if (opt === "auth" && more >= 2) {
          auth = [argv[i + 1], argv[i + 2]];
          i += 2;
        } else if (opt === "setname" && more >= 1) {
          name = argv[i + 1];
          validateClientName(name);
          i++;
        } else throw new ReplyError(`ERR Syntax error in HELLO option '${argv[i]}'`);
      }
      const c = ctx.client;
      if (auth) {
        if (!checkPassword(ctx.server, auth[0], auth[1])) throw new ReplyError(WRONGPASS);
        c.authenticated = true;
        c.user = auth[0];
      }
      if (!c.authenticated) {
        throw new ReplyError(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        );
      }
      if (name !== null) c.name = name;
      if (ver) setProtocol(c, ver as 2 | 3);
      const r = ctx.reply;
      r.map(7);
      r.bulk("server");
      r.bulk("redis");
      r.bulk("version");
      r.bulk(ctx.server.version);
      r.bulk("proto");
      r.int(c.resp);
      r.bulk("id");
      r.int(c.id);
      r.bulk("mode");
      r.bulk("standalone");
      r.bulk("role");
      r.bulk(ctx.server.isReplica ? "replica" : "master");
      r.bulk("modules");
      r.array(0);
    },
  },
  {
    name: "reset",
    group: "connection",
    summary: "Resets the connection.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    handler(ctx) {
      const c = ctx.client;
      c.db = ctx.server.dbs[0];
      c.name = "";
      setProtocol(c, 2);
      c.replyMode = "on";
      c.noEvict = false;
      c.noTouch = false;
      c.authenticated = !authRequired(ctx.server);
      c.user = "default";
      // Modules drop their own per-client state (MULTI, subscriptions, tracking...).
      ctx.server.resetClient(c);
      ctx.reply.simple("RESET");
    },
  },
  clientCommand,
];

/** Switch a client's protocol: the reply writer reads `resp` on every call. */
function setProtocol(c: ClientState, ver: 2 | 3): void {
  c.resp = ver;
  // deno-lint-ignore no-explicit-any
  (c.reply as any).resp = ver;
}

/**
 * The connection module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule] });
 * await modis.call("PING"); // "PONG"
 * ```
 */
export const connectionModule: ModuleSpec = {
  name: "connection",
  commands,
  configs: [requirepassConfig],
  hooks: {
    clientConnected(c) {
      c.authenticated = !authRequired(c.server);
    },
  },
  setup(server) {
    syncAuthGate(server, authRequired(server));
  },
};

/**
 * CLIENT: connection introspection and control — ID, SETNAME, GETNAME, SETINFO, LIST,
 * INFO, KILL, UNBLOCK, REPLY, NO-EVICT, NO-TOUCH, HELP.
 *
 * CLIENT LIST / INFO print one line per client in Redis 7.4's layout, every field present
 * and in order (id addr laddr fd name age idle flags db sub psub ssub multi watch qbuf
 * qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp
 * lib-name lib-ver). The values come from core's ClientState and, for TCP/Unix clients,
 * the connection's parser and output buffer; counters other modules own (sub, psub, ssub,
 * multi, watch, redir) and their flag letters are read from `client.counters` and
 * `client.flagLetters`, where those modules keep them. Two fields have no JS equivalent:
 * there are no file descriptors (fd=-1, as Redis shows for internal clients), and the
 * query buffer of the client running CLIENT LIST still "holds" its own command, as in
 * Redis, so qbuf counts that command's protocol size.
 *
 * CLIENT REPLY OFF / SKIP write no reply themselves; the connection layer (core) discards
 * replies while `replyMode` is not "on". CLIENT UNBLOCK goes through core's blocking
 * service. CLIENT PAUSE / UNPAUSE are missing on purpose: they need a gate that can
 * postpone a command already read, which core does not offer yet. TRACKING and friends
 * belong to the client-tracking module.
 */

import type { ArgSpec, CommandContext, CommandSpec } from "../../core/spec.ts";
import type { ClientState } from "../../core/client.ts";
import { NetworkClient } from "../../core/connection.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { validateClientName } from "./mod.ts";
// The HELP layout helper is shared code, not a module dependency.
import { replyHelp } from "../server/state.ts";

/** CLIENT LIST flag letters, in Redis's order. */
const FLAG_ORDER = "OSMPxbtRBdcuAUreT";

function flagsOf(c: ClientState): string {
  let out = "";
  for (const f of FLAG_ORDER) {
    const on = c.flagLetters.has(f) ||
      (f === "S" && c.kind === "replica") ||
      (f === "M" && c.kind === "master") ||
      (f === "P" && c.kind === "pubsub") ||
      (f === "c" && c.closeAfterReply) ||
      (f === "U" && isUnix(c)) ||
      (f === "e" && c.noEvict) ||
      (f === "T" && c.noTouch);
    if (on) out += f;
  }
  return out === "" ? "N" : out;
}

function isUnix(c: ClientState): boolean {
  const sock = c.server.settings.unixsocket;
  return sock !== "" && c.addr.startsWith(sock + ":");
}

/** Bytes argv takes in RESP multibulk form (what Redis's query buffer holds for it). */
function protocolSize(argv: string[]): number {
  let n = `*${argv.length}\r\n`.length;
  for (const a of argv) n += `$${a.length}\r\n`.length + a.length + 2;
  return n;
}

/**
 * One CLIENT LIST line (without the trailing newline). `running` is the argv of the
 * command being executed when `c` is the caller (its qbuf, argv-mem and cmd).
 */
function clientLine(c: ClientState, running: { argv: string[]; name: string } | null): string {
  const now = Date.now();
  const net = c instanceof NetworkClient ? c : null;
  const argvMem = running ? running.argv.reduce((n, a) => n + a.length, 0) : 0;
  const qbuf = (net?.parser.pending ?? 0) + (running && net ? protocolSize(running.argv) : 0);
  const rbs = net?.out.bytes.length ?? 0;
  const omem = net?.conn.pendingBytes ?? 0;
  const k = c.counters;
  const fields: [string, string | number][] = [
    ["id", c.id],
    ["addr", c.addr],
    ["laddr", c.laddr],
    ["fd", -1],
    ["name", c.name],
    ["age", Math.floor((now - c.createdAt) / 1000)],
    ["idle", Math.max(0, Math.floor((now - c.lastInteraction) / 1000))],
    ["flags", flagsOf(c)],
    ["db", c.db.index],
    ["sub", k.sub ?? 0],
    ["psub", k.psub ?? 0],
    ["ssub", k.ssub ?? 0],
    ["multi", c.flagLetters.has("x") ? k.multi ?? 0 : -1],
    ["watch", k.watch ?? 0],
    ["qbuf", qbuf],
    ["qbuf-free", 0],
    ["argv-mem", argvMem],
    ["multi-mem", k["multi-mem"] ?? 0],
    ["rbs", rbs],
    ["rbp", rbs],
    ["obl", net?.out.length ?? 0],
    ["oll", 0],
    ["omem", omem],
    ["tot-mem", qbuf + argvMem + rbs + omem + (k["multi-mem"] ?? 0)],
    ["events", net ? (omem > 0 ? "rw" : "r") : ""],
    ["cmd", running ? running.name : c.lastCommand],
    ["user", c.user],
    ["redir", k.redir ?? -1],
    ["resp", c.resp],
    ["lib-name", c.libName],
    ["lib-ver", c.libVer],
  ];
  return fields.map(([name, v]) => `${name}=${v}`).join(" ");
}

/** Client type names for CLIENT LIST TYPE / CLIENT KILL TYPE ("slave" = "replica"). */
function typeOfClient(c: ClientState): string {
  if (c.kind === "master") return "master";
  if (c.kind === "replica" && !c.flagLetters.has("O")) return "replica";
  if (c.kind === "pubsub" || c.flagLetters.has("P")) return "pubsub";
  return "normal";
}

function parseClientType(name: string): string {
  const t = name.toLowerCase();
  if (t === "slave") return "replica";
  if (["normal", "master", "replica", "pubsub"].includes(t)) return t;
  throw new ReplyError(`ERR Unknown client type '${name}'`);
}

function linesFor(ctx: CommandContext, argv: string[], clients: Iterable<ClientState>): string {
  let out = "";
  const running = { argv, name: `client|${argv[1].toLowerCase()}` };
  for (const c of clients) out += clientLine(c, c === ctx.client ? running : null) + "\n";
  return out;
}

function clientList(ctx: CommandContext, argv: string[]): void {
  const all = ctx.server.clients;
  let chosen: Iterable<ClientState> = all.values();
  if (argv.length === 4 && argv[2].toLowerCase() === "type") {
    const type = parseClientType(argv[3]);
    chosen = [...all.values()].filter((c) => typeOfClient(c) === type);
  } else if (argv.length > 3 && argv[2].toLowerCase() === "id") {
    const picked: ClientState[] = [];
    for (const raw of argv.slice(3)) {
      const id = parseInteger(raw);
      if (id === null) throw new ReplyError("ERR Invalid client ID");
      const c = all.get(id);
      if (c) picked.push(c);
    }
    chosen = picked;
  } else if (argv.length !== 2) throw new ReplyError(SYNTAX_ERR);
  ctx.reply.verbatim(linesFor(ctx, argv, chosen));
}

interface KillFilter {
  addr?: string;
  laddr?: string;
  type?: string;
  id?: number;
  user?: string;
  maxAge?: number;
  skipMe: boolean;
}

function parseKillFilter(ctx: CommandContext, argv: string[]): KillFilter {
  if (argv.length === 3) return { addr: argv[2], skipMe: false };
  const f: KillFilter = { skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) throw new ReplyError(SYNTAX_ERR);
    const opt = argv[i].toLowerCase();
    const val = argv[i + 1];
    if (opt === "id") {
      const id = parseInteger(val);
      if (id === null || id < 1) throw new ReplyError("ERR client-id should be greater than 0");
      f.id = id;
    } else if (opt === "maxage") {
      const age = parseInteger(val);
      if (age === null) throw new ReplyError("ERR maxage is not an integer or out of range");
      if (age <= 0) throw new ReplyError("ERR maxage should be greater than 0");
      f.maxAge = age;
    } else if (opt === "type") f.type = parseClientType(val);
    else if (opt === "addr") f.addr = val;
    else if (opt === "laddr") f.laddr = val;
    else if (opt === "user") {
      const known = val === "default" ||
        [...ctx.server.clients.values()].some((c) => c.user === val);
      if (!known) throw new ReplyError(`ERR No such user '${val}'`);
      f.user = val;
    } else if (opt === "skipme") {
      const v = val.toLowerCase();
      if (v !== "yes" && v !== "no") throw new ReplyError(SYNTAX_ERR);
      f.skipMe = v === "yes";
    } else throw new ReplyError(SYNTAX_ERR);
  }
  return f;
}

function clientKill(ctx: CommandContext, argv: string[]): void {
  const f = parseKillFilter(ctx, argv);
  const me = ctx.client;
  const now = Date.now();
  let killed = 0;
  let killMe = false;
  for (const c of [...ctx.server.clients.values()]) {
    if (f.addr !== undefined && c.addr !== f.addr) continue;
    if (f.laddr !== undefined && c.laddr !== f.laddr) continue;
    if (f.type !== undefined && typeOfClient(c) !== f.type) continue;
    if (f.id !== undefined && c.id !== f.id) continue;
    if (f.user !== undefined && c.user !== f.user) continue;
    if (c === me && f.skipMe) continue;
    if (f.maxAge !== undefined && Math.floor((now - c.createdAt) / 1000) < f.maxAge) continue;
    if (c === me) killMe = true;
    else c.kill();
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) throw new ReplyError("ERR No such client");
    ctx.reply.ok();
  } else ctx.reply.int(killed);
  if (killMe) me.closeAfterReply = true;
}

/** An ON/OFF argument; anything else is a syntax error. */
function onOff(arg: string): boolean {
  const v = arg.toLowerCase();
  if (v !== "on" && v !== "off") throw new ReplyError(SYNTAX_ERR);
  return v === "on";
}

const base: Pick<CommandSpec, "group" | "flags"> = {
  group: "connection",
  flags: ["noscript", "loading", "stale"],
};
const admin: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];

/** The ON | OFF argument of NO-EVICT and NO-TOUCH. */
const ON_OFF: ArgSpec = {
  name: "enabled",
  type: "oneof",
  arguments: [
    { name: "on", type: "pure-token", token: "ON" },
    { name: "off", type: "pure-token", token: "OFF" },
  ],
};

/**
 * The CLIENT container command and its subcommands.
 *
 * @example
 * ```ts
 * commands.push(clientCommand);
 * ```
 */
export const clientCommand: CommandSpec = {
  name: "client",
  group: "connection",
  summary: "A container for client connection commands.",
  since: "2.4.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      ...base,
      name: "id",
      summary: "Returns the unique client ID of the connection.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      handler(ctx) {
        ctx.reply.int(ctx.client.id);
      },
    },
    {
      ...base,
      name: "setname",
      summary: "Sets the connection name.",
      since: "2.6.9",
      complexity: "O(1)",
      arity: 3,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      arguments: [{ name: "connection-name", type: "string" }],
      handler(ctx, argv) {
        validateClientName(argv[2]);
        ctx.client.name = argv[2];
        ctx.reply.ok();
      },
    },
    {
      ...base,
      name: "getname",
      summary: "Returns the name of the connection.",
      since: "2.6.9",
      complexity: "O(1)",
      arity: 2,
      handler(ctx) {
        ctx.reply.bulk(ctx.client.name === "" ? null : ctx.client.name);
      },
    },
    {
      ...base,
      name: "setinfo",
      summary: "Sets information specific to the client or connection.",
      since: "7.2.0",
      complexity: "O(1)",
      arity: 4,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      arguments: [{
        name: "attr",
        type: "oneof",
        arguments: [
          { name: "libname", type: "string", token: "LIB-NAME" },
          { name: "libver", type: "string", token: "LIB-VER" },
        ],
      }],
      handler(ctx, argv) {
        const attr = argv[2].toLowerCase();
        if (attr !== "lib-name" && attr !== "lib-ver") {
          throw new ReplyError(`ERR Unrecognized option '${argv[2]}'`);
        }
        if (!/^[!-~]*$/.test(argv[3])) {
          throw new ReplyError(
            `ERR ${argv[2]} cannot contain spaces, newlines or special characters.`,
          );
        }
        if (attr === "lib-name") ctx.client.libName = argv[3];
        else ctx.client.libVer = argv[3];
        ctx.reply.ok();
      },
    },
    {
      ...base,
      name: "list",
      summary: "Lists open connections.",
      since: "2.4.0",
      complexity: "O(N) where N is the number of client connections",
      arity: -2,
      flags: admin,
      tips: ["nondeterministic_output"],
      history: [
        ["2.8.12", "Added unique client `id` field."],
        ["5.0.0", "Added optional `TYPE` filter."],
        ["6.0.0", "Added `user` field."],
        [
          "6.2.0",
          "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
        ],
        ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
        ["7.0.3", "Added `ssub` field."],
      ],
      arguments: [
        {
          name: "client-type",
          type: "oneof",
          token: "TYPE",
          optional: true,
          since: "5.0.0",
          arguments: ["normal", "master", "replica", "pubsub"].map((t) => ({
            name: t,
            type: "pure-token" as const,
            token: t,
          })),
        },
        {
          name: "client-id",
          type: "integer",
          token: "ID",
          optional: true,
          multiple: true,
          since: "6.2.0",
        },
      ],
      handler: clientList,
    },
    {
      ...base,
      name: "info",
      summary: "Returns information about the connection.",
      since: "6.2.0",
      complexity: "O(1)",
      arity: 2,
      tips: ["nondeterministic_output"],
      handler(ctx, argv) {
        ctx.reply.verbatim(linesFor(ctx, argv, [ctx.client]));
      },
    },
    {
      ...base,
      name: "kill",
      summary: "Terminates open connections.",
      since: "2.4.0",
      complexity: "O(N) where N is the number of client connections",
      arity: -3,
      flags: admin,
      history: [
        ["2.8.12", "Added new filter format."],
        ["2.8.12", "`ID` option."],
        ["3.2.0", "Added `master` type in for `TYPE` option."],
        [
          "5.0.0",
          "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
        ],
        ["6.2.0", "`LADDR` option."],
        ["7.4.0", "`MAXAGE` option."],
      ],
      arguments: [{
        name: "filter",
        type: "oneof",
        arguments: [
          { name: "old-format", type: "string", value: "ip:port", deprecatedSince: "2.8.12" },
          {
            name: "new-format",
            type: "oneof",
            multiple: true,
            arguments: [
              { name: "client-id", type: "integer", token: "ID", optional: true, since: "2.8.12" },
              {
                name: "client-type",
                type: "string",
                token: "TYPE",
                optional: true,
                since: "2.8.12",
              },
              { name: "username", type: "string", token: "USER", optional: true },
              { name: "addr", type: "string", value: "ip:port", token: "ADDR", optional: true },
              {
                name: "laddr",
                type: "string",
                value: "ip:port",
                token: "LADDR",
                optional: true,
                since: "6.2.0",
              },
              { name: "skipme", type: "string", token: "SKIPME", optional: true },
              { name: "maxage", type: "integer", token: "MAXAGE", optional: true, since: "7.4.0" },
            ],
          },
        ],
      }],
      handler: clientKill,
    },
    {
      ...base,
      name: "unblock",
      summary: "Unblocks a client blocked by a blocking command from a different connection.",
      since: "5.0.0",
      complexity: "O(log N) where N is the number of client connections",
      arity: -3,
      flags: admin,
      arguments: [
        { name: "client-id", type: "integer" },
        {
          name: "unblock-type",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "timeout", type: "pure-token", token: "TIMEOUT" },
            { name: "error", type: "pure-token", token: "ERROR" },
          ],
        },
      ],
      handler(ctx, argv) {
        if (argv.length > 4) {
          throw new ReplyError(
            `ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.`,
          );
        }
        let mode: "timeout" | "error" = "timeout";
        if (argv.length === 4) {
          const m = argv[3].toLowerCase();
          if (m !== "timeout" && m !== "error") {
            throw new ReplyError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
          }
          mode = m;
        }
        const id = parseInteger(argv[2]);
        if (id === null) throw new ReplyError("ERR value is not an integer or out of range");
        const target = ctx.server.clients.get(id);
        ctx.reply.int(target && ctx.server.blocking.unblock(target, mode) ? 1 : 0);
      },
    },
    {
      ...base,
      name: "reply",
      summary: "Instructs the server whether to reply to commands.",
      since: "3.2.0",
      complexity: "O(1)",
      arity: 3,
      arguments: [{
        name: "action",
        type: "oneof",
        arguments: ["on", "off", "skip"].map((t) => ({
          name: t,
          type: "pure-token" as const,
          token: t.toUpperCase(),
        })),
      }],
      handler(ctx, argv) {
        const mode = argv[2].toLowerCase();
        const c = ctx.client;
        if (mode === "on") {
          c.replyMode = "on";
          ctx.reply.ok();
        } else if (mode === "off") c.replyMode = "off";
        else if (mode === "skip") {
          if (c.replyMode !== "off") c.replyMode = "skip";
        } else throw new ReplyError(SYNTAX_ERR);
      },
    },
    {
      ...base,
      name: "no-evict",
      summary: "Sets the client eviction mode of the connection.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: 3,
      flags: admin,
      arguments: [ON_OFF],
      handler(ctx, argv) {
        ctx.client.noEvict = onOff(argv[2]);
        ctx.reply.ok();
      },
    },
    {
      ...base,
      name: "no-touch",
      summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
      since: "7.2.0",
      complexity: "O(1)",
      arity: 3,
      arguments: [ON_OFF],
      handler(ctx, argv) {
        ctx.client.noTouch = onOff(argv[2]);
        ctx.reply.ok();
      },
    },
    {
      ...base,
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        const lines = [
          "ID",
          "    This connection's id.",
          "INFO",
          "    This connection, described like a CLIENT LIST line.",
          "KILL <ip:port>",
          "    Close the connection from <ip:port>.",
          "KILL <option> <value> [<option> <value> [...]]",
          "    Close every connection matching all the filters:",
          "    * ADDR <ip:port>, LADDR <ip:port>, ID <client-id>, USER <username>,",
          "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB), MAXAGE <seconds>,",
          "    * SKIPME (YES|NO): whether to spare this connection (default YES).",
          "UNBLOCK <client-id> [TIMEOUT|ERROR]",
          "    End the blocking command of a client as if it timed out, or with an error.",
          "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> [...]]",
          "    One line per connection, optionally filtered by type or ids.",
          "GETNAME",
          "    This connection's name.",
          "SETNAME <name>",
          "    Name this connection.",
          "SETINFO <LIB-NAME|LIB-VER> <value>",
          "    Record the client library name or version for CLIENT LIST.",
          "REPLY (ON|OFF|SKIP)",
          "    Turn replies on or off, or skip the reply to the next command.",
          "NO-EVICT (ON|OFF)",
          "    Protect this connection from client eviction.",
          "NO-TOUCH (ON|OFF)",
          "    Whether this connection's commands leave keys' access times alone.",
        ];
        replyHelp(ctx, "CLIENT", lines);
      },
    },
  ],
};

/**
 * DEBUG: the introspection and fault-injection subcommands tools and Redis's test suite
 * rely on, behind `enable-debug-command` exactly like Redis (no / yes / local).
 *
 * Like Redis, DEBUG parses its own subcommands (COMMAND INFO shows no subcommands for it).
 * Implemented: HELP, SLEEP (really blocks the event loop: that is its purpose), LOG,
 * ERROR, SET-ACTIVE-EXPIRE, PAUSE-CRON, OBJECT, POPULATE, DIGEST, DIGEST-VALUE, PROTOCOL,
 * CHANGE-REPL-ID, CONFIG-REWRITE-FORCE-ALL, LISTPACK / QUICKLIST (encoding checks), and
 * harmless no-ops for allocator and buffer knobs Modis has no equivalent of (JMAP,
 * QUICKLIST-PACKED-THRESHOLD, REPLYBUFFER, DICT-RESIZING, SET-DISABLE-DENY-SCRIPTS,
 * SET-SKIP-CHECKSUM-VALIDATION, AOF-FLUSH-SLEEP). RELOAD and LOADAOF need a save/load
 * service from the persistence module, which does not exist yet, and say so.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { typeOf } from "../../core/keyspace.ts";
import { parseMemory } from "../../core/config.ts";
import { NO_SUCH_KEY, ReplyError } from "../../core/errors.ts";
import { parseDouble } from "../../core/numbers.ts";
import {
  checkProtected,
  intArg,
  randomHex40,
  replyHelp,
  stateOf,
  subcommandSyntaxError,
} from "./state.ts";
import { datasetDigest, valueDigest } from "./digest.ts";
import { replyRewrite } from "./config_command.ts";

/** Block the thread for `ms` milliseconds (DEBUG SLEEP's whole point). */
function blockFor(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lookupOrFail(ctx: CommandContext, key: string) {
  const v = ctx.db.main.get(key);
  if (v === undefined) throw new ReplyError(NO_SUCH_KEY);
  return v;
}

function protocolReply(ctx: CommandContext, kind: string): void {
  const r = ctx.reply;
  switch (kind) {
    case "string":
      return r.bulk("Hello World");
    case "integer":
      return r.int(12345);
    case "double":
      return r.double(3.141);
    case "bignum":
      return r.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return r.null();
    case "array":
    case "set":
      if (kind === "array") r.array(3);
      else r.set(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case "map":
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.int(j);
        r.bool(j === 1);
      }
      return;
    case "attrib":
      // The reply writer has no attribute type: send the real reply that follows it.
      return r.bulk("Some real reply following the attribute");
    case "push":
      if (ctx.client.resp < 3) throw new ReplyError("ERR RESP2 is not supported by this command");
      r.push(2);
      r.bulk("server-cpu-usage");
      r.int(42);
      return r.bulk("Some real reply following the push reply");
    case "true":
      return r.bool(true);
    case "false":
      return r.bool(false);
    case "verbatim":
      return r.verbatim("This is a verbatim\nstring");
  }
  throw new ReplyError(
    "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
  );
}

function populate(ctx: CommandContext, argv: string[]): void {
  const count = intArg(argv[2], "ERR value is out of range, must be positive");
  if (count < 0) throw new ReplyError("ERR value is out of range, must be positive");
  const prefix = argv.length >= 4 ? argv[3] : "key";
  let size = 0;
  if (argv.length === 5) {
    size = intArg(argv[4], "ERR value is out of range, must be positive");
    if (size < 0) throw new ReplyError("ERR value is out of range, must be positive");
  }
  const db = ctx.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (db.peek(key) !== undefined) continue;
    let value = `value:${j}`;
    if (size > 0) {
      value = value.length >= size
        ? value.slice(0, size)
        : value + "\0".repeat(size - value.length);
    }
    db.add(key, value);
    db.modified(key);
  }
  ctx.reply.ok();
}

function objectInfo(ctx: CommandContext, key: string): string {
  const value = lookupOrFail(ctx, key);
  const t = typeOf(value);
  const idle = Math.max(0, ctx.db.idleSeconds(key));
  const lru = (Math.floor(ctx.server.now() / 1000) - idle) & 0xffffff;
  const size = t.memoryUsage?.(value) ?? (typeof value === "string" ? value.length : 0);
  return `Value at:0x${(key.length * 2654435761 >>> 0).toString(16)} refcount:1 encoding:${
    t.encoding(value)
  } ` +
    `serializedlength:${size} lru:${lru} lru_seconds_idle:${idle}`;
}

function encodingCheck(ctx: CommandContext, key: string, want: string, article: string): void {
  const value = lookupOrFail(ctx, key);
  if (typeOf(value).encoding(value) !== want) {
    throw new ReplyError(
      `ERR The value stored at the specified key is not represented using ${article} ${want}`,
    );
  }
  ctx.server.log("notice", `DEBUG ${want.toUpperCase()} ${key}: ${want} encoding`);
  ctx.reply.simple(`${want[0].toUpperCase()}${want.slice(1)} structure printed on stdout`);
}

const NO_OPS = new Set([
  "jmap",
  "replybuffer",
  "dict-resizing",
  "set-disable-deny-scripts",
  "set-skip-checksum-validation",
  "aof-flush-sleep",
]);

const HELP = [
  "CHANGE-REPL-ID",
  "    Give the server new replication ids.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Rewrite the config file writing every directive, default or not.",
  "DIGEST",
  "    A fingerprint of the whole dataset (40 zeros when empty).",
  "DIGEST-VALUE <key> [<key> ...]",
  "    A fingerprint of each value.",
  "ERROR <string>",
  "    Reply with <string> as an error.",
  "LISTPACK <key> / QUICKLIST <key>",
  "    Check that <key> uses that encoding.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "OBJECT <key>",
  "    Low-level facts about the value at <key>.",
  "PAUSE-CRON <0|1>",
  "    Stop or restart the periodic tasks.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys <prefix>:<n> (values value:<n>, padded to <size>).",
  "PROTOCOL <type>",
  "    Reply with a sample of a RESP type: string|integer|double|bignum|null|array|",
  "    set|map|attrib|push|verbatim|true|false.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Turn the active expiry cycle off or on.",
  "SLEEP <seconds>",
  "    Block the server for <seconds> (decimals allowed).",
];

function debugHandler(ctx: CommandContext, argv: string[]): void {
  const s = ctx.server.settings;
  checkProtected(ctx, "DEBUG", s.enableDebugCommand, "enable-debug-command");
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  const server = ctx.server;
  if (sub === "help" && argc === 2) return replyHelp(ctx, "DEBUG", HELP);
  if (sub === "sleep" && argc === 3) {
    blockFor((parseDouble(argv[2]) ?? 0) * 1000);
    return ctx.reply.ok();
  }
  if (sub === "log" && argc === 3) {
    server.log("warning", `DEBUG LOG: ${argv[2]}`);
    return ctx.reply.ok();
  }
  if (sub === "error" && argc === 3) return ctx.reply.error(argv[2].replace(/[\r\n]/g, " "));
  if (sub === "set-active-expire" && argc === 3) {
    server.activeExpire = (parseInt(argv[2], 10) || 0) !== 0;
    return ctx.reply.ok();
  }
  if (sub === "pause-cron" && argc === 3) {
    if ((parseInt(argv[2], 10) || 0) !== 0) server.stopCron();
    else server.startCron();
    return ctx.reply.ok();
  }
  if (sub === "object" && argc === 3) return ctx.reply.simple(objectInfo(ctx, argv[2]));
  if (sub === "populate" && argc >= 3 && argc <= 5) return populate(ctx, argv);
  if (sub === "digest" && argc === 2) return ctx.reply.simple(datasetDigest(server));
  if (sub === "digest-value") {
    ctx.reply.array(argc - 2);
    for (const key of argv.slice(2)) {
      const v = ctx.db.main.get(key);
      ctx.reply.simple(
        v === undefined ? "0".repeat(40) : valueDigest(key, v, ctx.db.getExpire(key)),
      );
    }
    return;
  }
  if (sub === "protocol" && argc === 3) return protocolReply(ctx, argv[2].toLowerCase());
  if (sub === "change-repl-id" && argc === 2) {
    server.log("notice", "Changing replication IDs after receiving DEBUG change-repl-id");
    const st = stateOf(server);
    st.replId = randomHex40();
    st.replId2 = "0".repeat(40);
    return ctx.reply.ok();
  }
  if (sub === "config-rewrite-force-all" && argc === 2) return replyRewrite(ctx, true);
  if (sub === "listpack" && argc === 3) return encodingCheck(ctx, argv[2], "listpack", "an");
  if (sub === "quicklist" && (argc === 3 || argc === 4)) {
    return encodingCheck(ctx, argv[2], "quicklist", "a");
  }
  if (sub === "quicklist-packed-threshold" && argc === 3) {
    const n = parseMemory(argv[2]);
    if (n === null || n < 1 || n >= 4 * 1024 ** 3) {
      throw new ReplyError(
        "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
      );
    }
    return ctx.reply.ok();
  }
  if (sub === "reload" || sub === "loadaof") {
    throw new ReplyError(
      `ERR DEBUG ${sub.toUpperCase()} is not supported yet: it needs a save/load service from persistence`,
    );
  }
  if (NO_OPS.has(sub) && argc >= 2) return ctx.reply.ok();
  throw subcommandSyntaxError(argv);
}

/**
 * The DEBUG command.
 *
 * @example
 * ```ts
 * await modis.call("DEBUG", "SLEEP", "0.1");
 * ```
 */
export const debugCommand: CommandSpec = {
  name: "debug",
  group: "server",
  summary: "A container for debugging commands.",
  since: "1.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: ["admin", "noscript", "loading", "stale"],
  docFlags: ["syscmd"],
  handler: debugHandler,
};

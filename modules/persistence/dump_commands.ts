/**
 * DUMP, RESTORE (REPLACE, ABSTTL, IDLETIME, FREQ), RESTORE-ASKING and MIGRATE, with Redis's
 * payload format both ways (format/dump.ts) and its error replies.
 *
 * A payload is written in the lowest RDB version that can hold the value (10 unless it needs
 * more), so a DUMP from Modis RESTOREs into Redis 7.0 as well as 7.4; RESTORE accepts every
 * version up to 12. Values go through the same TypeSpec hooks as RDB files (forms.ts), so
 * plugin types DUMP and RESTORE like built-ins.
 *
 * MIGRATE talks RESP to the target (another Modis or a redis-server) through the Host's
 * outgoing connections. Redis blocks its whole event loop for that; here the calling client
 * is suspended and its execution unit held open (server.holdUnit) until the target
 * answered, while other clients keep being served. A migrated key is deleted afterwards only
 * if it still holds the value that was sent.
 */

import type { CommandContext, CommandSpec, Value } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { bytesToLatin1, latin1ToBytes } from "./format/bytes.ts";
import { decodeDump, DumpPayloadError, encodeDump } from "./format/dump.ts";
import { encodeCommand } from "./format/aof_commands.ts";
import { fromForm, minRdbVersion, toForm } from "./forms.ts";
import { writerOptions } from "./rdb_file.ts";

/**
 * A key's value as a DUMP payload (binary string).
 *
 * @example
 * ```ts
 * dumpPayload(server, "hello"); // "\x00\x05hello\x0a\x00..."
 * ```
 */
export function dumpPayload(server: ServerApi, value: Value): string {
  return bytesToLatin1(encodeDump(toForm(value), writerOptions(server, minRdbVersion(value))));
}

function int(s: string): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(NOT_INTEGER);
  return n;
}

const dumpCommand: CommandSpec = {
  name: "dump",
  group: "generic",
  summary: "Serializes a key's value in Redis's DUMP payload format.",
  since: "2.6.0",
  complexity: "O(1) to access the key and O(N*M) to serialize it (N objects of average size M)",
  arity: 2,
  flags: ["readonly"],
  aclCategories: ["keyspace"],
  keys: [{ flags: ["RO", "access"], begin: 1 }],
  tips: ["nondeterministic_output"],
  handler(ctx, argv) {
    const v = ctx.db.lookup(argv[1]);
    if (v === undefined) return ctx.reply.null();
    ctx.reply.bulk(dumpPayload(ctx.server, v));
  },
};

function restore(ctx: CommandContext, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === "replace") replace = true;
    else if (opt === "absttl") absttl = true;
    else if (opt === "idletime" && more && freq === -1) {
      idle = int(argv[++j]);
      if (idle < 0) throw new ReplyError("ERR Invalid IDLETIME value, must be >= 0");
    } else if (opt === "freq" && more && idle === -1) {
      freq = int(argv[++j]);
      if (freq < 0 || freq > 255) {
        throw new ReplyError("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
    } else throw new ReplyError(SYNTAX_ERR);
  }
  const key = argv[1];
  const db = ctx.db;
  if (!replace && db.peek(key) !== undefined) {
    throw new ReplyError("BUSYKEY Target key name already exists.");
  }
  let ttl = int(argv[2]);
  if (ttl < 0) throw new ReplyError("ERR Invalid TTL value, must be >= 0");
  let value: Value;
  try {
    value = fromForm(ctx.server, decodeDump(latin1ToBytes(argv[3])).value);
  } catch (e) {
    if (e instanceof DumpPayloadError) throw new ReplyError(e.message);
    throw new ReplyError("ERR Bad data format");
  }
  const existed = replace && db.peek(key) !== undefined;
  if (ttl > 0 && !absttl) ttl += ctx.server.now();
  if (ttl > 0 && ttl <= ctx.server.now()) {
    // Already expired: the key ends deleted, propagated as such.
    if (existed) {
      db.remove(key);
      db.modified(key);
      db.notify("g", "del", key);
      ctx.propagate(["DEL", key]);
    } else ctx.preventPropagation();
    return ctx.reply.ok();
  }
  if (existed) db.remove(key);
  db.add(key, value);
  if (typeof value !== "string") value.type.loaded?.(value, db, key, ctx.server);
  if (ttl > 0) {
    db.setExpire(key, ttl);
    if (!absttl) ctx.propagate([...argv.slice(0, 2), String(ttl), ...argv.slice(3), "ABSTTL"]);
  }
  // Like Redis, a key records either a frequency (LFU policies) or an idle time, not both.
  const access = ctx.server.keyAccess;
  if (access !== null) {
    if (freq >= 0) db.setAccessWord(key, access.fromFrequency(freq, ctx.server.now()));
  } else if (idle >= 0) db.setIdleSeconds(key, idle);
  db.modified(key);
  db.notify("g", "restore", key);
  ctx.reply.ok();
}

function restoreSpec(name: string, extraFlags: "asking"[], docFlags?: ("syscmd")[]): CommandSpec {
  return {
    name,
    group: "generic",
    summary: "Creates a key from a DUMP payload.",
    since: name === "restore" ? "2.6.0" : "3.0.0",
    complexity:
      "O(1) to create the key and O(N*M) to rebuild the value (O(N*M*log(N)) for sorted sets)",
    arity: -4,
    flags: ["write", "denyoom", ...extraFlags],
    aclCategories: ["keyspace", "dangerous"],
    keys: [{ flags: ["OW", "update"], begin: 1 }],
    docFlags,
    history: [
      ["3.0.0", "Added the `REPLACE` modifier."],
      ["5.0.0", "Added the `ABSTTL` modifier."],
      ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
    ],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "ttl", type: "integer" },
      { name: "serialized-value", type: "string" },
      { name: "replace", type: "pure-token", token: "REPLACE", optional: true, since: "3.0.0" },
      { name: "absttl", type: "pure-token", token: "ABSTTL", optional: true, since: "5.0.0" },
      { name: "seconds", type: "integer", token: "IDLETIME", optional: true, since: "5.0.0" },
      { name: "frequency", type: "integer", token: "FREQ", optional: true, since: "5.0.0" },
    ],
    handler: restore,
  };
}

// ---- MIGRATE ---------------------------------------------------------------------------

interface MigrateArgs {
  host: string;
  port: number;
  db: number;
  timeout: number;
  copy: boolean;
  replace: boolean;
  auth: string[] | null;
  keys: string[];
}

function parseMigrate(argv: string[]): MigrateArgs {
  const a: MigrateArgs = {
    host: argv[1],
    port: int(argv[2]),
    db: int(argv[4]),
    timeout: int(argv[5]),
    copy: false,
    replace: false,
    auth: null,
    keys: [],
  };
  let first = 6;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === "copy") a.copy = true;
    else if (opt === "replace") a.replace = true;
    else if (opt === "auth" && more >= 1) a.auth = [argv[++j]];
    else if (opt === "auth2" && more >= 2) {
      a.auth = [argv[j + 1], argv[j + 2]];
      j += 2;
    } else if (opt === "keys") {
      if (argv[3] !== "") {
        throw new ReplyError(
          "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
        );
      }
      first = j + 1;
      a.keys = argv.slice(first);
      break;
    } else throw new ReplyError(SYNTAX_ERR);
  }
  if (a.keys.length === 0) a.keys = [argv[3]];
  if (a.timeout <= 0) a.timeout = 1000;
  return a;
}

/** Send `commands` to host:port and collect one status/error line per command. */
function exchange(
  server: ServerApi,
  a: MigrateArgs,
  payload: string,
  count: number,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let input = "";
    const lines: string[] = [];
    let conn: { write(b: Uint8Array): void; close(): void } | null = null;
    let settled = false;
    const finish = (err: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn?.close();
      if (err) reject(new Error(err));
      else resolve(lines);
    };
    const timer = setTimeout(
      () => finish("IOERR error or timeout reading to target instance"),
      a.timeout,
    );
    server.host!.connect({ host: a.host, port: a.port }, (c) => {
      conn = c;
      return {
        data(chunk) {
          input += bytesToLatin1(chunk);
          for (let eol = input.indexOf("\r\n"); eol >= 0; eol = input.indexOf("\r\n")) {
            lines.push(input.slice(0, eol));
            input = input.slice(eol + 2);
          }
          if (lines.length >= count) finish(null);
        },
        closed: () =>
          finish(
            lines.length >= count ? null : "IOERR error or timeout reading to target instance",
          ),
      };
    }).then(
      (c) => c.write(latin1ToBytes(payload)),
      () => finish("IOERR error or timeout connecting to the client"),
    );
  });
}

function migrate(ctx: CommandContext, argv: string[]): void {
  const a = parseMigrate(argv);
  if (!ctx.server.host) throw new ReplyError("ERR MIGRATE needs a network host");
  const db = ctx.db;
  const sent: [string, Value][] = [];
  let out = "";
  if (a.auth) out += encodeCommand(["AUTH", ...a.auth]);
  out += encodeCommand(["SELECT", String(a.db)]);
  for (const key of a.keys) {
    const v = db.lookup(key);
    if (v === undefined) continue;
    const at = db.getExpire(key);
    let ttl = at < 0 ? 0 : at - ctx.server.now();
    if (at >= 0 && ttl < 1) ttl = 1;
    const cmd = ["RESTORE", key, String(ttl), dumpPayload(ctx.server, v)];
    if (a.replace) cmd.push("REPLACE");
    out += encodeCommand(cmd);
    sent.push([key, v]);
  }
  if (sent.length === 0) return ctx.reply.simple("NOKEY");
  if (!ctx.canBlock) {
    throw new ReplyError(
      "ERR MIGRATE can't wait for the target inside MULTI, scripts or embedded calls",
    );
  }
  const expected = sent.length + 1 + (a.auth ? 1 : 0);
  const client = ctx.client;
  client.suspend();
  const unit = ctx.server.holdUnit();
  exchange(ctx.server, a, out, expected).then(
    (lines) => unit.run(() => finishMigrate(ctx, a, sent, lines)),
    (e) => unit.run(() => ctx.reply.error(e.message)),
  ).finally(() => {
    unit.close();
    client.resume();
  });
}

function finishMigrate(
  ctx: CommandContext,
  a: MigrateArgs,
  sent: [string, Value][],
  lines: string[],
): void {
  const replies = lines.slice(a.auth ? 1 : 0);
  const setupError = (a.auth ? [lines[0]] : []).concat(replies[0]).find((l) => l.startsWith("-"));
  if (setupError) {
    return ctx.reply.error(`ERR Target instance replied with error: ${setupError.slice(1)}`);
  }
  let error: string | null = null;
  const deleted: string[] = [];
  sent.forEach(([key, value], i) => {
    const line = replies[i + 1];
    if (line.startsWith("-")) {
      error ??= `ERR Target instance replied with error: ${line.slice(1)}`;
      return;
    }
    // Delete only if the key still holds what was sent (other clients ran meanwhile).
    if (!a.copy && ctx.db.peek(key) === value) {
      ctx.db.remove(key);
      ctx.db.modified(key);
      ctx.db.notify("g", "del", key);
      deleted.push(key);
    }
  });
  if (deleted.length > 0) ctx.server.propagate(ctx.db.index, ["DEL", ...deleted]);
  if (error) ctx.reply.error(error);
  else ctx.reply.ok();
}

const migrateCommand: CommandSpec = {
  name: "migrate",
  group: "generic",
  summary: "Moves keys to another server (DUMP, RESTORE there, DEL here).",
  since: "2.6.0",
  complexity: "A DUMP+DEL here and a RESTORE on the target, plus an O(N) transfer",
  arity: -6,
  flags: ["write"],
  aclCategories: ["keyspace", "dangerous"],
  keys: [
    { flags: ["RW", "access", "delete"], begin: 3 },
    {
      flags: ["RW", "access", "delete", "incomplete"],
      begin: { keyword: "KEYS", startFrom: -2 },
      find: { lastKey: -1 },
    },
  ],
  tips: ["nondeterministic_output"],
  history: [
    ["3.0.0", "Added the `COPY` and `REPLACE` options."],
    ["3.0.6", "Added the `KEYS` option."],
    ["4.0.7", "Added the `AUTH` option."],
    ["6.0.0", "Added the `AUTH2` option."],
  ],
  handler: migrate,
};

/**
 * DUMP, RESTORE, RESTORE-ASKING and MIGRATE.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "persistence", commands: dumpCommands };
 * ```
 */
export const dumpCommands: CommandSpec[] = [
  dumpCommand,
  restoreSpec("restore", []),
  restoreSpec("restore-asking", ["asking"], ["syscmd"]),
  migrateCommand,
];

/**
 * Helpers shared by the stream command families: the command-spec builder, key lookups,
 * integer arguments with Redis's error texts, and the reply shapes every stream command
 * uses (an entry is `[id, [field, value, ...]]`, also in RESP3).
 */

import type { CommandContext, CommandSpec, KeySpec, ReplyWriter } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import type { Consumer, ConsumerGroup, Nack } from "./groups.ts";
import { Stream, streamType } from "./stream.ts";
import { formatId, type StreamId } from "./stream_id.ts";

/**
 * A key spec for one key at argv[`begin`].
 *
 * @example
 * ```ts
 * oneKey(1, "RW", "update");
 * ```
 */
export function oneKey(begin: number, ...flags: KeySpec["flags"]): KeySpec {
  return { flags, begin, find: { lastKey: 0, step: 1, limit: 0 } };
}

/**
 * A stream-group command spec.
 *
 * @example
 * ```ts
 * streamCommand({ name: "xlen", summary: "...", since: "5.0.0", arity: 2, flags: ["readonly", "fast"], handler });
 * ```
 */
export function streamCommand(spec: Omit<CommandSpec, "group">): CommandSpec {
  return { group: "stream", ...spec };
}

/**
 * Parse an int64 argument (as a number) or throw `err`.
 *
 * @example
 * ```ts
 * intArg("10"); // 10
 * ```
 */
export function intArg(s: string, err = NOT_INTEGER): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(err);
  return n;
}

/**
 * The stream at `key` for reading (statistics, WRONGTYPE, keymiss event), or undefined.
 *
 * @example
 * ```ts
 * const s = readStream(ctx, argv[1]);
 * ```
 */
export function readStream(ctx: CommandContext, key: string): Stream | undefined {
  return ctx.db.lookupRead(key, streamType);
}

/**
 * The stream at `key` for writing (WRONGTYPE), or undefined.
 *
 * @example
 * ```ts
 * const s = writeStream(ctx, argv[1]);
 * ```
 */
export function writeStream(ctx: CommandContext, key: string): Stream | undefined {
  return ctx.db.lookupWrite(key, streamType);
}

/**
 * Count a change that Redis propagates without signalling the key as modified (group
 * bookkeeping: XACK, XCLAIM, XGROUP SETID...): WATCH and blocked readers are not woken,
 * but the command is propagated.
 *
 * @example
 * ```ts
 * if (acked > 0) dirty(ctx, acked);
 * ```
 */
export function dirty(ctx: CommandContext, n = 1): void {
  ctx.server.dirty += n;
}

/**
 * Reply with an ID as a bulk string.
 *
 * @example
 * ```ts
 * replyId(ctx.reply, { ms: 1, seq: 0 }); // "1-0"
 * ```
 */
export function replyId(r: ReplyWriter, id: StreamId): void {
  r.bulk(formatId(id));
}

/**
 * Reply with one entry: `[id, [field, value, ...]]`.
 *
 * @example
 * ```ts
 * replyEntry(ctx.reply, id, ["f", "v"]);
 * ```
 */
export function replyEntry(r: ReplyWriter, id: StreamId, fields: readonly string[]): void {
  r.array(2);
  r.bulk(formatId(id));
  r.bulks(fields);
}

/**
 * Reply in the "unknown subcommand or wrong number of arguments" form Redis uses for
 * containers (XGROUP, XINFO).
 *
 * @example
 * ```ts
 * throw subcommandSyntaxError(argv);
 * ```
 */
export function subcommandSyntaxError(argv: string[]): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${
      argv[0].toUpperCase()
    } HELP.`,
  );
}

/**
 * Reply with a help text the way Redis's addReplyHelp does.
 *
 * @example
 * ```ts
 * replyHelp(ctx.reply, "XINFO", ["GROUPS <key>", "    Lists the groups."]);
 * ```
 */
export function replyHelp(r: ReplyWriter, command: string, lines: string[]): void {
  r.array(lines.length + 3);
  r.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple("HELP");
  r.simple("    Print this help.");
}

/**
 * Propagate a group's pending entry as the idempotent XCLAIM Redis emits for it (delivery
 * time, count and the group's last ID included), so replicas and the AOF rebuild the PEL.
 *
 * @example
 * ```ts
 * propagateClaim(ctx, key, group, id, nack);
 * ```
 */
export function propagateClaim(
  ctx: CommandContext,
  key: string,
  group: ConsumerGroup,
  id: StreamId,
  nack: Nack,
): void {
  ctx.server.propagate(ctx.db.index, [
    "XCLAIM",
    key,
    group.name,
    nack.consumer.name,
    "0",
    formatId(id),
    "TIME",
    String(nack.deliveryTime),
    "RETRYCOUNT",
    String(nack.deliveryCount),
    "FORCE",
    "JUSTID",
    "LASTID",
    formatId(group.lastId),
  ]);
}

/**
 * Propagate a group's last delivered ID and read counter (XGROUP SETID ... ENTRIESREAD).
 *
 * @example
 * ```ts
 * propagateGroupId(ctx, key, group);
 * ```
 */
export function propagateGroupId(ctx: CommandContext, key: string, group: ConsumerGroup): void {
  ctx.server.propagate(ctx.db.index, [
    "XGROUP",
    "SETID",
    key,
    group.name,
    formatId(group.lastId),
    "ENTRIESREAD",
    String(group.entriesRead),
  ]);
}

/**
 * The consumer `name` of `group`, created (with its keyspace event) when missing.
 *
 * @example
 * ```ts
 * const { consumer } = lookupOrCreateConsumer(ctx, key, group, argv[3]);
 * ```
 */
export function lookupOrCreateConsumer(
  ctx: CommandContext,
  key: string,
  group: ConsumerGroup,
  name: string,
): { consumer: Consumer; created: boolean } {
  const found = group.consumer(name, ctx.server.now());
  if (found.created) {
    dirty(ctx);
    ctx.db.notify("t", "xgroup-createconsumer", key);
  }
  return found;
}

/**
 * The NOGROUP error for commands that need both key and group.
 *
 * @example
 * ```ts
 * throw noGroup(argv[1], argv[2]);
 * ```
 */
export function noGroup(key: string, group: string, suffix = ""): ReplyError {
  return new ReplyError(
    `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'${suffix}`,
  );
}

/**
 * A name as Redis prints it in error messages (a C string: cut at the first NUL byte).
 *
 * @example
 * ```ts
 * cstr("a\x00b"); // "a"
 * ```
 */
export function cstr(s: string): string {
  const nul = s.indexOf("\x00");
  return nul < 0 ? s : s.slice(0, nul);
}

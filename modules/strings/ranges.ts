/**
 * Byte ranges of a value: APPEND, STRLEN, GETRANGE (and its old name SUBSTR), SETRANGE.
 *
 * Index rules are Redis's: negative indexes count from the end, out-of-range ends are
 * clamped, and an inverted range is empty. Writes grow the value with zero bytes, refuse
 * to pass proto-max-bulk-len (unless replaying a master's stream), keep the key's TTL, and
 * leave a key absent when there was nothing to write (SETRANGE of an empty string).
 *
 * Short SETRANGE writes into big values go through big_values.ts (chunked edits), longer
 * ones are one slice-and-concat. APPEND relies on the engine's string concatenation, which builds a rope in O(1) and
 * flattens it once when the value is next read, so a log built by many APPENDs does not
 * cost a copy of the whole value per append.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError } from "../../core/errors.ts";
import { stringType } from "../../core/string_type.ts";
import { checkStringLength, guardLength, intArg, KEY_ARG, writeAt } from "./common.ts";
import { editBytes } from "./big_values.ts";

/**
 * The bytes of `s` from `start` to `end` inclusive, with GETRANGE's index rules.
 *
 * @example
 * ```ts
 * byteRange("Hello World", -5, -1); // "World"
 * byteRange("abc", 2, 1); // ""
 * ```
 */
export function byteRange(s: string, start: number, end: number): string {
  const len = s.length;
  if (start < 0 && end < 0 && start > end) return "";
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = Math.max(0, len + end);
  if (end >= len) end = len - 1;
  return start > end || len === 0 ? "" : s.slice(start, end + 1);
}

function getrange(ctx: CommandContext, argv: string[]): void {
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const value = ctx.db.lookupRead(argv[1], stringType);
  ctx.reply.bulk(value === undefined ? "" : byteRange(value, start, end));
}

/** Writes up to this size go through big_values.ts (chunked edits of big values). */
const SMALL_WRITE = 1024;

function bytesOf(piece: string, offset: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < piece.length; i++) m.set(offset + i, piece.charCodeAt(i));
  return m;
}

function setrange(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  const key = argv[1];
  const piece = argv[3];
  const offset = intArg(argv[2]);
  if (offset < 0) throw new ReplyError("ERR offset is out of range");
  const old = db.lookupWrite(key, stringType);
  if (piece.length === 0) {
    // Nothing to write: report the current length, create nothing.
    ctx.reply.int(old === undefined ? 0 : old.length);
    return;
  }
  checkStringLength(ctx, offset + piece.length);
  const next = piece.length <= SMALL_WRITE
    ? editBytes(db, {
      key,
      old: old ?? "",
      length: Math.max(old?.length ?? 0, offset + piece.length),
      changes: bytesOf(piece, offset),
    })
    : writeAt(old ?? "", offset, piece);
  if (old === undefined) db.add(key, next);
  else db.overwrite(key, next);
  db.markRaw(key);
  db.modified(key);
  db.notify("$", "setrange", key);
  ctx.reply.int(next.length);
}

function append(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  const key = argv[1];
  const old = db.lookupWrite(key, stringType);
  let next: string;
  if (old === undefined) {
    next = argv[2];
    db.add(key, next);
  } else {
    checkStringLength(ctx, old.length + argv[2].length);
    next = guardLength(() => old + argv[2]);
    db.overwrite(key, next);
    db.markRaw(key);
  }
  db.modified(key);
  db.notify("$", "append", key);
  ctx.reply.int(next.length);
}

const RANGE_COMPLEXITY =
  "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

function rangeReader(name: "getrange" | "substr"): CommandSpec {
  const old = name === "substr";
  return {
    name,
    group: "string",
    summary: old
      ? "Returns a byte range of a string value (old name of GETRANGE)."
      : "Returns the bytes of a string value between two offsets.",
    since: old ? "1.0.0" : "2.4.0",
    complexity: RANGE_COMPLEXITY,
    arity: 4,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    ...(old
      ? { docFlags: ["deprecated"], deprecatedSince: "2.0.0", replacedBy: "`GETRANGE`" }
      : {}),
    arguments: [KEY_ARG, { name: "start", type: "integer" }, { name: "end", type: "integer" }],
    handler: getrange,
  };
}

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [...rangeCommands] };
 * ```
 */
export const rangeCommands: CommandSpec[] = [
  {
    name: "append",
    group: "string",
    summary: "Appends bytes to a string value, creating the key when missing.",
    since: "2.0.0",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["RW", "insert"], begin: 1 }],
    arguments: [KEY_ARG, { name: "value", type: "string" }],
    handler: append,
  },
  {
    name: "strlen",
    group: "string",
    summary: "Returns the length of a string value in bytes.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO"], begin: 1 }],
    arguments: [KEY_ARG],
    handler(ctx, argv) {
      ctx.reply.int(ctx.db.lookupRead(argv[1], stringType)?.length ?? 0);
    },
  },
  rangeReader("getrange"),
  rangeReader("substr"),
  {
    name: "setrange",
    group: "string",
    summary: "Overwrites part of a string value from an offset, zero-padding as needed.",
    since: "2.2.0",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RW", "update"], begin: 1 }],
    arguments: [KEY_ARG, { name: "offset", type: "integer" }, { name: "value", type: "string" }],
    handler: setrange,
  },
];

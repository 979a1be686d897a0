/**
 * Helpers shared by the string command families: argument parsing with Redis's error texts,
 * the proto-max-bulk-len size guard, and splicing bytes into immutable binary strings.
 *
 * Values are latin1 JS strings, which are immutable. A command that changes a few bytes of
 * a value (SETRANGE, SETBIT, BITFIELD) therefore builds a new string; it does so with
 * `slice` and concatenation, which the engine performs natively (memcpy-speed, or as a
 * rope that is flattened once on the next read), never with a JS loop over every byte.
 * BITFIELD collects all its byte changes first and rebuilds the value once
 * (`patchBytes`), so N sub-operations cost one copy, not N.
 */

import type { ArgSpec, CommandContext } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { bytesToBinary } from "../../core/bytes.ts";

/** The COMMAND DOCS argument of a command's single key. */
export const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

/** The error Redis sends when a value would outgrow proto-max-bulk-len. */
export const TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/**
 * Parse an int64 argument (as a JS number: exact to 2^53, which is plenty for offsets,
 * indexes and lengths), or throw `err`.
 *
 * @example
 * ```ts
 * intArg("12"); // 12
 * intArg("x"); // throws "ERR value is not an integer or out of range"
 * ```
 */
export function intArg(s: string, err: string = NOT_INTEGER): number {
  const n = parseInteger(s);
  if (n === null) throw new ReplyError(err);
  return n;
}

/**
 * Whether size limits are waived for this client: like Redis, writes replayed from a master
 * (or an AOF) must apply whatever the local limits say.
 *
 * @example
 * ```ts
 * if (!obeysClient(ctx)) checkStringLength(ctx, size);
 * ```
 */
export function obeysClient(ctx: CommandContext): boolean {
  return ctx.client.kind === "master";
}

/**
 * Throw TOO_BIG unless a string of `size` bytes fits proto-max-bulk-len.
 *
 * @example
 * ```ts
 * checkStringLength(ctx, old.length + piece.length);
 * ```
 */
export function checkStringLength(ctx: CommandContext, size: number): void {
  if (obeysClient(ctx)) return;
  if (size > ctx.server.settings.protoMaxBulkLen) throw new ReplyError(TOO_BIG);
}

/**
 * Run a string-building step, turning the runtime's own string-length limit (V8 caps strings
 * just below 512MB) into a clean error reply instead of an internal error.
 *
 * @example
 * ```ts
 * const grown = guardLength(() => s + "\0".repeat(n));
 * ```
 */
export function guardLength(build: () => string): string {
  try {
    return build();
  } catch (err) {
    if (err instanceof RangeError) {
      throw new ReplyError("ERR string exceeds maximum allowed size (runtime string limit)");
    }
    throw err;
  }
}

/**
 * `s` with `piece` written at byte `offset`, zero-padding when `offset` is past the end
 * (SETRANGE semantics).
 *
 * @example
 * ```ts
 * writeAt("foo", 4, "bar"); // "foo\0bar"
 * writeAt("hello", 1, "a"); // "hallo"
 * ```
 */
export function writeAt(s: string, offset: number, piece: string): string {
  return guardLength(() => {
    if (offset >= s.length) return s + "\0".repeat(offset - s.length) + piece;
    const end = offset + piece.length;
    return s.slice(0, offset) + piece + (end < s.length ? s.slice(end) : "");
  });
}

/**
 * Rebuild `s`, grown with zero bytes to `length`, with the bytes in `changes` (index → byte)
 * replaced, in one pass.
 *
 * @example
 * ```ts
 * patchBytes("abc", 5, new Map([[1, 0x42], [4, 0x21]])); // "aBc\0!"
 * ```
 */
export function patchBytes(s: string, length: number, changes: Map<number, number>): string {
  return guardLength(() => {
    const base = length > s.length ? s + "\0".repeat(length - s.length) : s;
    if (changes.size === 0) return base;
    const at = [...changes.keys()].sort((a, b) => a - b);
    const parts: string[] = [];
    let pos = 0;
    for (let i = 0; i < at.length;) {
      // A run of consecutive changed bytes becomes one piece.
      let j = i;
      while (j + 1 < at.length && at[j + 1] === at[j] + 1) j++;
      if (at[i] > pos) parts.push(base.slice(pos, at[i]));
      const run: number[] = [];
      for (let k = i; k <= j; k++) run.push(changes.get(at[k])!);
      parts.push(bytesToBinary(Uint8Array.from(run)));
      pos = at[j] + 1;
      i = j + 1;
    }
    if (pos < base.length) parts.push(base.slice(pos));
    return parts.join("");
  });
}

/**
 * Parse a bit offset (SETBIT, GETBIT, BITFIELD). With `fieldBits` > 0 the `#n` form means
 * n * fieldBits. The offset must address a byte below proto-max-bulk-len.
 *
 * @example
 * ```ts
 * bitOffsetArg(ctx, "#2", 8); // 16
 * ```
 */
export function bitOffsetArg(ctx: CommandContext, arg: string, fieldBits = 0): number {
  const err = "ERR bit offset is not an integer or out of range";
  const hash = fieldBits > 0 && arg.charCodeAt(0) === 35; // '#'
  const n = parseInteger(hash ? arg.slice(1) : arg);
  if (n === null) throw new ReplyError(err);
  const offset = hash ? n * fieldBits : n;
  if (
    offset < 0 ||
    (!obeysClient(ctx) && Math.floor(offset / 8) >= ctx.server.settings.protoMaxBulkLen)
  ) {
    throw new ReplyError(err);
  }
  return offset;
}

/**
 * Helpers shared by the hash command families: the command-spec builder (every hash
 * command has one key at argv[1], group "hash"), key lookup/creation, and int64 parsing.
 */

import type { ArgSpec, CommandContext, CommandSpec, KeySpecFlag } from "../../core/spec.ts";
import { parseInt64, parseInteger } from "../../core/numbers.ts";
import { hashType, HashValue } from "./hash_value.ts";

/** The COMMAND DOCS argument of a hash command's key. */
export const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

/** The `FIELDS numfields field [field ...]` block of the field-expiry commands. */
export const FIELDS_ARG: ArgSpec = {
  name: "fields",
  type: "block",
  token: "FIELDS",
  arguments: [
    { name: "numfields", type: "integer" },
    { name: "field", type: "string", multiple: true },
  ],
};

/** What `hashCommand` needs beyond the shared parts. */
export interface HashCommandOptions extends Omit<CommandSpec, "group" | "keys" | "arguments"> {
  /** Key-spec flags of the single key at argv[1]. */
  keyFlags: KeySpecFlag[];
  /** Arguments after the key. */
  args?: ArgSpec[];
}

/**
 * A hash command spec: group "hash", one key at argv[1].
 *
 * @example
 * ```ts
 * hashCommand({ name: "hlen", summary: "...", since: "2.0.0", arity: 2, flags: ["readonly", "fast"],
 *   keyFlags: ["RO"], handler: (ctx, argv) => {} });
 * ```
 */
export function hashCommand(o: HashCommandOptions): CommandSpec {
  const { keyFlags, args = [], ...rest } = o;
  return {
    ...rest,
    group: "hash",
    keys: [{ flags: keyFlags, begin: 1 }],
    arguments: [KEY_ARG, ...args],
  };
}

/**
 * Create an empty hash at a key known to be absent.
 *
 * @example
 * ```ts
 * const hash = ctx.db.lookupWrite(key, hashType) ?? createHash(ctx, key);
 * ```
 */
export function createHash(ctx: CommandContext, key: string): HashValue {
  const hash = new HashValue();
  ctx.db.add(key, hash);
  return hash;
}

/**
 * The hash at `key` for writing (WRONGTYPE for other types), or undefined.
 *
 * @example
 * ```ts
 * const hash = writableHash(ctx, argv[1]);
 * ```
 */
export function writableHash(ctx: CommandContext, key: string): HashValue | undefined {
  return ctx.db.lookupWrite(key, hashType);
}

/**
 * The hash at `key` for reading (hit/miss statistics, WRONGTYPE), or undefined. A miss
 * fires the `keymiss` event, as every Redis read lookup does.
 *
 * @example
 * ```ts
 * const hash = readableHash(ctx, argv[1]);
 * if (hash === undefined) return ctx.reply.int(0);
 * ```
 */
export function readableHash(ctx: CommandContext, key: string): HashValue | undefined {
  return ctx.db.lookupRead(key, hashType);
}

/**
 * Parse a canonical int64 (Redis's string2ll) as a number when it has at most 15 digits
 * (always exact), else as a BigInt; null when it is not one.
 *
 * @example
 * ```ts
 * int64("12"); // 12
 * int64("9223372036854775807"); // 9223372036854775807n
 * ```
 */
export function int64(s: string): number | bigint | null {
  return s.length <= 15 ? parseInteger(s) : parseInt64(s);
}

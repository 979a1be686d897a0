/**
 * BITFIELD and BITFIELD_RO: integers of 1 to 64 bits (signed) or 1 to 63 bits (unsigned) at
 * arbitrary bit offsets of a string value, read, written and incremented in one command.
 *
 * The whole argument list is parsed before anything runs, so a bad sub-operation changes
 * nothing. Writes first grow the value (zero bytes) to cover the farthest field written,
 * like Redis, then every sub-operation runs in order against a byte overlay (a Map of
 * changed bytes over the original value): each operation touches at most 9 bytes, and the
 * value is rebuilt once at the end through big_values.ts, which on a big bitmap copies only
 * the chunks that changed.
 *
 * Field arithmetic uses BigInt: fields reach 64 bits and JS numbers stop at 2^53. Overflow
 * handling follows the OVERFLOW mode in force when the operation was parsed: WRAP (modular,
 * the default), SAT (clamp to the type's range) or FAIL (reply nil and write nothing). As
 * in Redis, SET on an unsigned field reads its value argument as a 64-bit two's complement
 * number, so a negative value saturates to the maximum.
 */

import type { ArgSpec, CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInt64, parseInteger } from "../../core/numbers.ts";
import { stringType } from "../../core/string_type.ts";
import { bitOffsetArg, KEY_ARG } from "./common.ts";
import { byteReader, editBytes } from "./big_values.ts";

/** BITFIELD OVERFLOW modes. */
export type Overflow = "WRAP" | "SAT" | "FAIL";

/** A field's type and the overflow mode its write runs under. */
export interface FieldType {
  signed: boolean;
  bits: number;
  overflow: Overflow;
}

interface FieldOp extends FieldType {
  op: "GET" | "SET" | "INCRBY";
  offset: number;
  /** SET value or INCRBY increment. */
  arg: bigint;
}

const TYPE_ERR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/** Parse a field type such as i16 or u8. */
function parseType(arg: string): { signed: boolean; bits: number } {
  const signed = arg[0] === "i";
  if (!signed && arg[0] !== "u") throw new ReplyError(TYPE_ERR);
  const bits = parseInteger(arg.slice(1));
  if (bits === null || bits < 1 || bits > (signed ? 64 : 63)) throw new ReplyError(TYPE_ERR);
  return { signed, bits };
}

/** Parse every sub-operation; throws on the first bad one. */
function parseOps(ctx: CommandContext, argv: string[]): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = "WRAP";
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - j - 1;
    const name = argv[j].toUpperCase();
    if (name === "OVERFLOW" && more >= 1) {
      const mode = argv[++j].toUpperCase();
      if (mode !== "WRAP" && mode !== "SAT" && mode !== "FAIL") {
        throw new ReplyError("ERR Invalid OVERFLOW type specified");
      }
      overflow = mode;
      continue;
    }
    const op = name === "GET" && more >= 2
      ? "GET"
      : (name === "SET" || name === "INCRBY") && more >= 3
      ? name
      : null;
    if (op === null) throw new ReplyError(SYNTAX_ERR);
    const { signed, bits } = parseType(argv[j + 1]);
    const offset = bitOffsetArg(ctx, argv[j + 2], bits);
    let arg = 0n;
    if (op !== "GET") {
      const v = parseInt64(argv[j + 3]);
      if (v === null) throw new ReplyError(NOT_INTEGER);
      arg = v;
    }
    ops.push({ op, signed, bits, offset, arg, overflow });
    j += op === "GET" ? 2 : 3;
  }
  return ops;
}

/** Bytes of a value under edit: the original bytes plus an overlay of changed bytes. */
class ByteOverlay {
  readonly changes = new Map<number, number>();
  constructor(private readonly base: (i: number) => number) {}

  get(i: number): number {
    const v = this.changes.get(i);
    return v !== undefined ? v : this.base(i);
  }

  set(i: number, v: number): void {
    this.changes.set(i, v);
  }
}

/** The bytes spanned by a field: first byte index, count, and bits to drop on the right. */
function span(offset: number, bits: number): [number, number, bigint] {
  const first = Math.floor(offset / 8);
  const count = Math.floor((offset + bits - 1) / 8) - first + 1;
  return [first, count, BigInt(count * 8 - (offset % 8) - bits)];
}

/**
 * Read an unsigned field of `bits` bits at bit `offset`.
 *
 * @example
 * ```ts
 * readField((i) => [0xab, 0xcd][i] ?? 0, 4, 8); // 0xbcn
 * ```
 */
export function readField(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  const [first, count, shift] = span(offset, bits);
  let v = 0n;
  for (let i = 0; i < count; i++) v = (v << 8n) | BigInt(byteAt(first + i));
  return (v >> shift) & ((1n << BigInt(bits)) - 1n);
}

/** Write the low `bits` bits of `value` (unsigned) into the overlay at bit `offset`. */
function writeField(bytes: ByteOverlay, offset: number, bits: number, value: bigint): void {
  const [first, count, shift] = span(offset, bits);
  let v = 0n;
  for (let i = 0; i < count; i++) v = (v << 8n) | BigInt(bytes.get(first + i));
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  v = (v & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = count - 1; i >= 0; i--) {
    bytes.set(first + i, Number(v & 0xffn));
    v >>= 8n;
  }
}

/** Interpret raw field bits as the field's type. */
function typed(raw: bigint, op: FieldOp): bigint {
  return op.signed ? BigInt.asIntN(op.bits, raw) : raw;
}

/**
 * The value a field takes when `incr` is added to `value` (SET passes its argument as
 * `value` and 0 as `incr`), under an overflow mode; null when the mode is FAIL and the result
 * does not fit. The range test mirrors Redis's int64 arithmetic, quirks included: for a
 * signed SET of a value so negative that `max - value` wraps around int64, Redis detects an
 * overflow upwards, so SAT clamps to the maximum.
 *
 * @example
 * ```ts
 * fitField(250n, 50n, { signed: false, bits: 8, overflow: "SAT" }); // 255n
 * fitField(250n, 50n, { signed: false, bits: 8, overflow: "WRAP" }); // 44n
 * ```
 */
export function fitField(value: bigint, incr: bigint, type: FieldType): bigint | null {
  const { signed, bits, overflow: mode } = type;
  const b = BigInt(bits);
  const max = signed ? (1n << (b - 1n)) - 1n : (1n << b) - 1n;
  const min = signed ? -max - 1n : 0n;
  const maxIncr = BigInt.asIntN(64, max - value);
  const minIncr = BigInt.asIntN(64, min - value);
  let up: boolean;
  let down: boolean;
  if (signed) {
    up = value > max || (bits !== 64 && incr > maxIncr) ||
      (value >= 0n && incr > 0n && incr > maxIncr);
    down = !up &&
      (value < min || (bits !== 64 && incr < minIncr) ||
        (value < 0n && incr < 0n && incr < minIncr));
  } else {
    up = value > max || (incr > 0n && incr > maxIncr);
    down = !up && incr < 0n && incr < minIncr;
  }
  if (!up && !down) return value + incr;
  if (mode === "FAIL") return null;
  if (mode === "SAT") return up ? max : min;
  return signed ? BigInt.asIntN(bits, value + incr) : BigInt.asUintN(bits, value + incr);
}

function bitfield(ctx: CommandContext, argv: string[], readOnly: boolean): void {
  const ops = parseOps(ctx, argv);
  const db = ctx.db;
  const key = argv[1];
  let farthest = -1;
  for (const op of ops) if (op.op !== "GET") farthest = Math.max(farthest, op.offset + op.bits - 1);
  if (farthest < 0) {
    const value = db.lookupRead(key, stringType);
    const at = value === undefined ? () => 0 : byteReader(db, key, value);
    ctx.reply.array(ops.length);
    for (const op of ops) ctx.reply.int(typed(readField(at, op.offset, op.bits), op));
    return;
  }
  if (readOnly) throw new ReplyError("ERR BITFIELD_RO only supports the GET subcommand");
  const old = db.lookupWrite(key, stringType);
  const length = Math.max(old?.length ?? 0, Math.floor(farthest / 8) + 1);
  const grown = old === undefined || length > old.length;
  const bytes = new ByteOverlay(old === undefined ? () => 0 : byteReader(db, key, old));
  let changes = 0;
  ctx.reply.array(ops.length);
  for (const op of ops) {
    const before = typed(readField((i) => bytes.get(i), op.offset, op.bits), op);
    if (op.op === "GET") {
      ctx.reply.int(before);
      continue;
    }
    // SET on an unsigned field sees its argument as a 64-bit unsigned number.
    const after = op.op === "INCRBY"
      ? fitField(before, op.arg, op)
      : fitField(op.signed ? op.arg : BigInt.asUintN(64, op.arg), 0n, op);
    if (after === null) {
      ctx.reply.null();
      continue;
    }
    writeField(bytes, op.offset, op.bits, after);
    ctx.reply.int(op.op === "INCRBY" ? after : before);
    if (grown || after !== before) changes++;
  }
  // Like Redis, the value is created or grown even when every write failed.
  if (grown || changes > 0) {
    const next = editBytes(db, { key, old: old ?? "", length, changes: bytes.changes });
    if (old === undefined) db.add(key, next);
    else db.overwrite(key, next);
    db.markRaw(key);
  }
  if (changes > 0) {
    db.modified(key);
    db.notify("$", "setbit", key);
  }
}

const ENCODING_OFFSET: ArgSpec[] = [
  { name: "encoding", type: "string" },
  { name: "offset", type: "integer" },
];

/**
 * Whether BITFIELD's arguments only read (GET and OVERFLOW, well-formed): the key is then
 * RO, as Redis's getkeys procedure tells it; anything else (SET, INCRBY, a syntax error)
 * counts as a write.
 */
function bitfieldReadsOnly(argv: string[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const op = argv[i].toLowerCase();
    if (op === "get" && rest >= 2) i += 2;
    else if (op === "overflow" && rest >= 1) i += 1;
    else return false;
  }
  return true;
}

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [...bitfieldCommands] };
 * ```
 */
export const bitfieldCommands: CommandSpec[] = [
  {
    name: "bitfield",
    group: "bitmap",
    summary: "Reads, writes and increments integer fields at arbitrary bit offsets of a string.",
    since: "3.2.0",
    complexity: "O(1) for each subcommand specified",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: [{
      notes: "This command allows both access and modification of the key",
      flags: ["RW", "update", "access", "variable_flags"],
      begin: 1,
    }],
    variableKeyFlags: (argv) =>
      bitfieldReadsOnly(argv) ? ["RO", "access"] : ["RW", "access", "update"],
    arguments: [KEY_ARG, {
      name: "operation",
      type: "oneof",
      multiple: true,
      optional: true,
      arguments: [
        { token: "GET", name: "get-block", type: "block", arguments: [...ENCODING_OFFSET] },
        {
          name: "write",
          type: "block",
          arguments: [
            {
              token: "OVERFLOW",
              name: "overflow-block",
              type: "oneof",
              optional: true,
              arguments: [
                { name: "wrap", type: "pure-token", token: "WRAP" },
                { name: "sat", type: "pure-token", token: "SAT" },
                { name: "fail", type: "pure-token", token: "FAIL" },
              ],
            },
            {
              name: "write-operation",
              type: "oneof",
              arguments: [
                {
                  token: "SET",
                  name: "set-block",
                  type: "block",
                  arguments: [...ENCODING_OFFSET, { name: "value", type: "integer" }],
                },
                {
                  token: "INCRBY",
                  name: "incrby-block",
                  type: "block",
                  arguments: [...ENCODING_OFFSET, { name: "increment", type: "integer" }],
                },
              ],
            },
          ],
        },
      ],
    }],
    handler(ctx, argv) {
      bitfield(ctx, argv, false);
    },
  },
  {
    name: "bitfield_ro",
    group: "bitmap",
    summary: "Reads integer fields at arbitrary bit offsets of a string (read-only BITFIELD).",
    since: "6.0.0",
    complexity: "O(1) for each subcommand specified",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG, {
      token: "GET",
      name: "get-block",
      type: "block",
      optional: true,
      multiple: true,
      multipleToken: true,
      arguments: [...ENCODING_OFFSET],
    }],
    handler(ctx, argv) {
      bitfield(ctx, argv, true);
    },
  },
];

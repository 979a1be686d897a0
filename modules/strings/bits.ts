/**
 * Bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. A bitmap is a string value; bit 0 is
 * the most significant bit of byte 0, and bits past the end read as 0.
 *
 * Cost model. Reading commands scan the binary string directly with `charCodeAt` (one
 * table lookup per byte for BITCOUNT; BITPOS skips whole bytes that cannot contain the
 * wanted bit). BITOP decodes each source once into a Uint8Array result and encodes it back
 * once. SETBIT and GETBIT go through big_values.ts, which edits big bitmaps chunk by chunk
 * instead of copying the whole immutable string for every bit.
 *
 * Ranges for BITCOUNT and BITPOS follow Redis 7: start/end in bytes by default or in bits
 * with BIT, negative values count from the end, clamped to the value. BITPOS looking for a
 * 0 without an explicit end treats the bitmap as followed by zeros.
 */

import type { ArgSpec, CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { stringType } from "../../core/string_type.ts";
import { bytesToBinary } from "../../core/bytes.ts";
import { bitOffsetArg, guardLength, intArg, KEY_ARG } from "./common.ts";
import { byteReader, editBytes } from "./big_values.ts";

/** Number of set bits of every byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/**
 * Number of set bits between bit `first` and bit `last` (inclusive) of `s`.
 *
 * @example
 * ```ts
 * countBits("\xff\x0f", 4, 11); // 4
 * ```
 */
export function countBits(s: string, first: number, last: number): number {
  const b0 = Math.floor(first / 8);
  const b1 = Math.floor(last / 8);
  let n = 0;
  for (let i = b0; i <= b1; i++) n += POPCOUNT[s.charCodeAt(i)];
  // Take back the bits of the edge bytes that lie outside the range.
  n -= POPCOUNT[s.charCodeAt(b0) & (0xff00 >> (first % 8)) & 0xff];
  n -= POPCOUNT[s.charCodeAt(b1) & ((1 << (7 - (last % 8))) - 1)];
  return n;
}

/**
 * Position of the first bit equal to `bit` between bits `range.first` and `range.last`
 * (inclusive), or -1.
 *
 * @example
 * ```ts
 * findBit("\x00\x10", 1, { first: 0, last: 15 }); // 11
 * ```
 */
export function findBit(s: string, bit: 0 | 1, range: { first: number; last: number }): number {
  const { first, last } = range;
  const boring = bit ? 0 : 0xff;
  let i = first;
  while (i <= last) {
    if (i % 8 === 0 && i + 7 <= last) {
      // Whole bytes: skip those that cannot hold the bit, then locate it in the first that can.
      const lastWhole = Math.floor((last + 1) / 8) - 1;
      let b = i / 8;
      while (b <= lastWhole && s.charCodeAt(b) === boring) b++;
      if (b <= lastWhole) {
        const v = bit ? s.charCodeAt(b) : ~s.charCodeAt(b) & 0xff;
        return b * 8 + Math.clz32(v) - 24;
      }
      i = (lastWhole + 1) * 8;
      continue;
    }
    if (((s.charCodeAt(Math.floor(i / 8)) >> (7 - (i % 8))) & 1) === bit) return i;
    i++;
  }
  return -1;
}

/** Parse a BYTE|BIT unit argument; true for BIT. */
function isBitUnit(arg: string): boolean {
  const u = arg.toUpperCase();
  if (u === "BIT") return true;
  if (u === "BYTE") return false;
  throw new ReplyError(SYNTAX_ERR);
}

/** Clamp a start/end pair to [0, total - 1] with negative indexes from the end. */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  if (end >= total) end = total - 1;
  return [start, end];
}

function bitcount(ctx: CommandContext, argv: string[]): void {
  const ranged = argv.length === 4 || argv.length === 5;
  if (!ranged && argv.length !== 2) throw new ReplyError(SYNTAX_ERR);
  let start = 0;
  let end = 0;
  let inBits = false;
  if (ranged) {
    start = intArg(argv[2]);
    end = intArg(argv[3]);
    if (argv.length === 5) inBits = isBitUnit(argv[4]);
  }
  const s = ctx.db.lookupRead(argv[1], stringType);
  if (s === undefined || s.length === 0) {
    ctx.reply.int(0);
    return;
  }
  if (!ranged) {
    ctx.reply.int(countBits(s, 0, s.length * 8 - 1));
    return;
  }
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.int(0);
    return;
  }
  [start, end] = clampRange(start, end, inBits ? s.length * 8 : s.length);
  if (start > end) ctx.reply.int(0);
  else ctx.reply.int(inBits ? countBits(s, start, end) : countBits(s, start * 8, end * 8 + 7));
}

function bitpos(ctx: CommandContext, argv: string[]): void {
  const n = argv.length;
  const bit = intArg(argv[2]);
  if (bit !== 0 && bit !== 1) throw new ReplyError("ERR The bit argument must be 1 or 0.");
  if (n > 6) throw new ReplyError(SYNTAX_ERR);
  let start = 0;
  let end = 0;
  let inBits = false;
  if (n >= 4) {
    start = intArg(argv[3]);
    if (n === 6) inBits = isBitUnit(argv[5]);
    if (n >= 5) end = intArg(argv[4]);
  }
  const s = ctx.db.lookupRead(argv[1], stringType);
  if (s === undefined) {
    // A missing key is an endless run of zeros.
    ctx.reply.int(bit ? -1 : 0);
    return;
  }
  if (n < 5) end = s.length - 1;
  [start, end] = clampRange(start, end, inBits ? s.length * 8 : s.length);
  if (start > end) {
    ctx.reply.int(-1);
    return;
  }
  const first = inBits ? start : start * 8;
  const last = inBits ? end : end * 8 + 7;
  const pos = findBit(s, bit, { first, last });
  // Looking for a 0 with no explicit end: the bits after the value count as zeros.
  if (pos < 0 && bit === 0 && n < 5) ctx.reply.int(last + 1);
  else ctx.reply.int(pos);
}

function setbit(ctx: CommandContext, argv: string[]): void {
  const offset = bitOffsetArg(ctx, argv[2]);
  const on = intArg(argv[3], "ERR bit is not an integer or out of range");
  if (on !== 0 && on !== 1) throw new ReplyError("ERR bit is not an integer or out of range");
  const db = ctx.db;
  const key = argv[1];
  const old = db.lookupWrite(key, stringType);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  const cur = old === undefined ? 0 : byteReader(db, key, old)(byte);
  const was = cur & mask ? 1 : 0;
  const grows = old === undefined || byte >= old.length;
  if (grows || was !== on) {
    const length = Math.max(old?.length ?? 0, byte + 1);
    const changes = new Map([[byte, on ? cur | mask : cur & ~mask]]);
    const next = editBytes(db, { key, old: old ?? "", length, changes });
    if (old === undefined) db.add(key, next);
    else db.overwrite(key, next);
    db.markRaw(key);
    db.modified(key);
    db.notify("$", "setbit", key);
  }
  ctx.reply.int(was);
}

function getbit(ctx: CommandContext, argv: string[]): void {
  const offset = bitOffsetArg(ctx, argv[2]);
  const s = ctx.db.lookupRead(argv[1], stringType);
  if (s === undefined) ctx.reply.int(0);
  else {ctx.reply.int(
      (byteReader(ctx.db, argv[1], s)(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1,
    );}
}

type BitOp = "AND" | "OR" | "XOR" | "NOT";

/**
 * Combine binary strings bytewise; shorter inputs are zero-padded to the longest.
 *
 * @example
 * ```ts
 * bitop("OR", ["\x01", "\x02\x04"]); // "\x03\x04"
 * ```
 */
export function bitop(op: BitOp, sources: string[]): string {
  let max = 0;
  for (const s of sources) max = Math.max(max, s.length);
  const out = new Uint8Array(max);
  const first = sources[0];
  for (let i = 0; i < first.length; i++) out[i] = first.charCodeAt(i);
  if (op === "NOT") {
    for (let i = 0; i < max; i++) out[i] = ~out[i];
  }
  for (let j = 1; j < sources.length; j++) {
    const s = sources[j];
    const n = s.length;
    if (op === "AND") {
      for (let i = 0; i < n; i++) out[i] &= s.charCodeAt(i);
      out.fill(0, n);
    } else if (op === "OR") {
      for (let i = 0; i < n; i++) out[i] |= s.charCodeAt(i);
    } else {
      for (let i = 0; i < n; i++) out[i] ^= s.charCodeAt(i);
    }
  }
  return guardLength(() => bytesToBinary(out));
}

function bitopCommand(ctx: CommandContext, argv: string[]): void {
  const op = argv[1].toUpperCase();
  if (op !== "AND" && op !== "OR" && op !== "XOR" && op !== "NOT") throw new ReplyError(SYNTAX_ERR);
  if (op === "NOT" && argv.length !== 4) {
    throw new ReplyError("ERR BITOP NOT must be called with a single source key.");
  }
  const db = ctx.db;
  const dest = argv[2];
  const sources: string[] = [];
  for (let j = 3; j < argv.length; j++) sources.push(db.lookupRead(argv[j], stringType) ?? "");
  const result = bitop(op, sources);
  if (result.length > 0) {
    db.setKey(dest, result);
    db.markRaw(dest);
    db.notify("$", "set", dest);
  } else if (db.lookupWrite(dest) !== undefined) {
    // Every source empty: the destination is deleted rather than set to "".
    db.remove(dest);
    db.modified(dest);
    db.notify("g", "del", dest);
  }
  ctx.reply.int(result.length);
}

const UNIT_ARG: ArgSpec = {
  name: "unit",
  type: "oneof",
  optional: true,
  since: "7.0.0",
  arguments: [
    { name: "byte", type: "pure-token", token: "BYTE" },
    { name: "bit", type: "pure-token", token: "BIT" },
  ],
};
const UNIT_HISTORY: [string, string][] = [["7.0.0", "Added the `BYTE|BIT` option."]];

/**
 * The commands of this family.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [...bitCommands] };
 * ```
 */
export const bitCommands: CommandSpec[] = [
  {
    name: "setbit",
    group: "bitmap",
    summary: "Sets or clears one bit of a string value and returns its previous value.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RW", "access", "update"], begin: 1 }],
    arguments: [KEY_ARG, { name: "offset", type: "integer" }, { name: "value", type: "integer" }],
    handler: setbit,
  },
  {
    name: "getbit",
    group: "bitmap",
    summary: "Returns one bit of a string value.",
    since: "2.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    arguments: [KEY_ARG, { name: "offset", type: "integer" }],
    handler: getbit,
  },
  {
    name: "bitcount",
    group: "bitmap",
    summary: "Counts the set bits of a string value, optionally within a range.",
    since: "2.6.0",
    complexity: "O(N)",
    arity: -2,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    history: UNIT_HISTORY,
    arguments: [KEY_ARG, {
      name: "range",
      type: "block",
      optional: true,
      arguments: [{ name: "start", type: "integer" }, { name: "end", type: "integer" }, UNIT_ARG],
    }],
    handler: bitcount,
  },
  {
    name: "bitpos",
    group: "bitmap",
    summary: "Finds the first set or clear bit of a string value, optionally within a range.",
    since: "2.8.7",
    complexity: "O(N)",
    arity: -3,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    history: UNIT_HISTORY,
    arguments: [KEY_ARG, { name: "bit", type: "integer" }, {
      name: "range",
      type: "block",
      optional: true,
      arguments: [{ name: "start", type: "integer" }, {
        name: "end-unit-block",
        type: "block",
        optional: true,
        arguments: [{ name: "end", type: "integer" }, UNIT_ARG],
      }],
    }],
    handler: bitpos,
  },
  {
    name: "bitop",
    group: "bitmap",
    summary: "Stores the bitwise AND, OR, XOR or NOT of string values in a key.",
    since: "2.6.0",
    complexity: "O(N)",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: [
      { flags: ["OW", "update"], begin: 2 },
      { flags: ["RO", "access"], begin: 3, find: { lastKey: -1, step: 1 } },
    ],
    arguments: [
      {
        name: "operation",
        type: "oneof",
        arguments: [
          { name: "and", type: "pure-token", token: "AND" },
          { name: "or", type: "pure-token", token: "OR" },
          { name: "xor", type: "pure-token", token: "XOR" },
          { name: "not", type: "pure-token", token: "NOT" },
        ],
      },
      { name: "destkey", type: "key", keySpecIndex: 0 },
      { name: "key", type: "key", keySpecIndex: 1, multiple: true },
    ],
    handler: bitopCommand,
  },
];

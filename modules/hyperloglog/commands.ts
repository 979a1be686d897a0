/**
 * The HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, and the internal PFDEBUG and
 * PFSELFTEST, with Redis's replies and error texts.
 *
 * An HLL is an ordinary string value, so every command looks keys up as strings (a list
 * gives the usual WRONGTYPE), then checks the HLL header (NOT_HLL), and reports corrupted
 * sparse registers as INVALIDOBJ. A command decodes each value once, works on the bytes,
 * and stores the result once with `overwrite` (which keeps the key's TTL, as Redis's
 * in-place edit does). Stored HLLs are marked "raw" for OBJECT ENCODING, as Redis's are.
 *
 * PFCOUNT on one key writes too: a stale cached cardinality is recomputed and saved in the
 * header, and that change is signalled and propagated (so replicas hold the same bytes),
 * exactly like Redis, which is why PFCOUNT is flagged may_replicate.
 *
 * PFSELFTEST runs Redis's two checks (register accessors; dense and sparse estimates agree
 * and stay within error bounds) at a smaller scale — 100k elements rather than 10M — so that
 * it finishes in a fraction of a second instead of stalling the server.
 */

import type { CommandContext, CommandSpec, KeySpec } from "../../core/spec.ts";
import { ReplyError } from "../../core/errors.ts";
import { stringType } from "../../core/string_type.ts";
import { checkHll, denseAccessSelfTest, Hll, HLL_REGISTERS, INVALID_HLL, rawCount } from "./hll.ts";

/** hll-sparse-max-bytes for a server (registered by the module's config). */
function sparseMax(ctx: CommandContext): number {
  return ctx.server.config.getNumber("hll-sparse-max-bytes");
}

/** Read an HLL key: undefined when missing; WRONGTYPE / NOT_HLL otherwise. */
function readHll(ctx: CommandContext, key: string, forWrite = false): Hll | undefined {
  const s = forWrite ? ctx.db.lookupWrite(key, stringType) : ctx.db.lookupRead(key, stringType);
  if (s === undefined) return undefined;
  checkHll(s);
  return Hll.fromBinary(s);
}

/** Store an HLL back under `key` (creating it when `created`), keeping any TTL. */
function storeHll(ctx: CommandContext, key: string, h: Hll, created: boolean): void {
  if (created) ctx.db.add(key, h.toBinary());
  else ctx.db.overwrite(key, h.toBinary());
  ctx.db.markRaw(key);
}

/** PFADD key [element ...] */
function pfadd(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  let h = readHll(ctx, key, true);
  const created = h === undefined;
  let updated = 0;
  if (h === undefined) {
    h = Hll.empty();
    updated++;
  }
  const max = sparseMax(ctx);
  for (let j = 2; j < argv.length; j++) {
    const r = h.add(argv[j], max);
    if (r === 1) updated++;
    else if (r === -1) {
      // Redis edits in place: what changed before the corruption was met stays.
      if (updated > 0) storeHll(ctx, key, h, created);
      throw new ReplyError(INVALID_HLL);
    }
  }
  if (updated > 0) {
    h.invalidateCache();
    storeHll(ctx, key, h, created);
    ctx.db.modified(key);
    ctx.db.notify("$", "pfadd", key);
  }
  ctx.reply.int(updated > 0 ? 1 : 0);
}

/** PFCOUNT key [key ...] */
function pfcount(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const h = readHll(ctx, argv[j]);
      if (h !== undefined && !h.mergeInto(max)) throw new ReplyError(INVALID_HLL);
    }
    return ctx.reply.int(rawCount(max));
  }
  const key = argv[1];
  const h = readHll(ctx, key);
  if (h === undefined) return ctx.reply.int(0);
  if (h.cacheValid) return ctx.reply.int(h.cachedCount);
  const card = h.count();
  if (card === null) throw new ReplyError(INVALID_HLL);
  h.cachedCount = card;
  storeHll(ctx, key, h, false);
  ctx.db.modified(key);
  ctx.propagate(argv);
  ctx.reply.int(card);
}

/** PFMERGE destkey [sourcekey ...]: the union of every given HLL (destination included). */
function pfmerge(ctx: CommandContext, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const h = readHll(ctx, argv[j]);
    if (h === undefined) continue;
    if (h.isDense) useDense = true;
    if (!h.mergeInto(max)) throw new ReplyError(INVALID_HLL);
  }
  const key = argv[1];
  let h = readHll(ctx, key, true);
  const created = h === undefined;
  h ??= Hll.empty();
  if (useDense && !h.toDense()) throw new ReplyError(INVALID_HLL);
  const limit = sparseMax(ctx);
  for (let i = 0; i < HLL_REGISTERS; i++) if (max[i] !== 0) h.set(i, max[i], limit);
  h.invalidateCache();
  storeHll(ctx, key, h, created);
  ctx.db.modified(key);
  ctx.db.notify("$", "pfadd", key);
  ctx.reply.ok();
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key */
function pfdebug(ctx: CommandContext, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const key = argv[2];
  const h = readHll(ctx, key, true);
  if (h === undefined) throw new ReplyError("ERR The specified key does not exist");
  const densify = () => {
    if (h.isDense) return false;
    if (!h.toDense()) throw new ReplyError(INVALID_HLL);
    storeHll(ctx, key, h, false);
    ctx.db.modified(key);
    return true;
  };
  switch (sub) {
    case "getreg": {
      densify();
      const regs = h.registers();
      ctx.reply.array(regs.length);
      for (const r of regs) ctx.reply.int(r);
      return;
    }
    case "decode":
      if (h.isDense) throw new ReplyError("ERR HLL encoding is not sparse");
      return ctx.reply.bulk(h.decodeSparse());
    case "encoding":
      return ctx.reply.simple(h.isDense ? "dense" : "sparse");
    case "todense":
      return ctx.reply.int(densify() ? 1 : 0);
    default:
      throw new ReplyError(`ERR Unknown PFDEBUG subcommand '${argv[1]}'`);
  }
}

/** PFSELFTEST: Redis's internal checks, scaled down. */
function pfselftest(ctx: CommandContext): void {
  const access = denseAccessSelfTest(20);
  if (access !== null) throw new ReplyError(access);
  const dense = Hll.empty();
  if (!dense.toDense()) throw new ReplyError("TESTFAILED could not create a dense HLL");
  const sparse = Hll.empty();
  const limit = sparseMax(ctx);
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedHi = (Math.random() * 2 ** 32) >>> 0;
  const seedLo = (Math.random() * 2 ** 32) >>> 0;
  const word = new Uint8Array(8);
  const view = new DataView(word.buffer);
  let checkpoint = 1;
  for (let j = 1; j <= 100_000; j++) {
    view.setUint32(0, (j ^ seedLo) >>> 0, true);
    view.setUint32(4, seedHi, true);
    const ele = String.fromCharCode(...word);
    dense.add(ele, limit);
    sparse.add(ele, limit);
    if (j !== checkpoint) continue;
    if (j < limit / 2 && sparse.isDense) {
      throw new ReplyError("TESTFAILED sparse encoding not used");
    }
    const estimate = dense.count()!;
    if (estimate !== sparse.count()) throw new ReplyError("TESTFAILED dense/sparse disagree");
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    const abserr = Math.abs(checkpoint - estimate);
    if (abserr > maxerr) {
      throw new ReplyError(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    }
    checkpoint *= 10;
  }
  ctx.reply.ok();
}

const ONE_KEY: KeySpec[] = [{
  flags: ["RW", "insert"],
  begin: 1,
  find: { lastKey: 0, step: 1, limit: 0 },
}];
const KEY_ARG = { name: "key", type: "key" as const, keySpecIndex: 0 };

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "hyperloglog", commands: hllCommands };
 * ```
 */
export const hllCommands: CommandSpec[] = [
  {
    name: "pfadd",
    group: "hyperloglog",
    summary: "Adds elements to a HyperLogLog, creating the key when missing.",
    since: "2.8.9",
    complexity: "O(1) to add every element.",
    arity: -2,
    flags: ["write", "denyoom", "fast"],
    keys: ONE_KEY,
    arguments: [KEY_ARG, { name: "element", type: "string", optional: true, multiple: true }],
    handler: pfadd,
  },
  {
    name: "pfcount",
    group: "hyperloglog",
    summary:
      "Estimates the number of distinct elements seen by one HyperLogLog or the union of several.",
    since: "2.8.9",
    complexity:
      "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    arity: -2,
    flags: ["readonly", "may_replicate"],
    keys: [{
      flags: ["RW", "access"],
      notes:
        "RW because it may change the internal representation of the key, and propagate to replicas",
      begin: 1,
      find: { lastKey: -1, step: 1, limit: 0 },
    }],
    arguments: [{ ...KEY_ARG, multiple: true }],
    handler: pfcount,
  },
  {
    name: "pfmerge",
    group: "hyperloglog",
    summary: "Stores the union of HyperLogLogs in a destination key.",
    since: "2.8.9",
    complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: [
      { flags: ["RW", "access", "insert"], begin: 1, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ["RO", "access"], begin: 2, find: { lastKey: -1, step: 1, limit: 0 } },
    ],
    arguments: [
      { name: "destkey", type: "key", keySpecIndex: 0 },
      { name: "sourcekey", type: "key", keySpecIndex: 1, optional: true, multiple: true },
    ],
    handler: pfmerge,
  },
  {
    name: "pfdebug",
    group: "hyperloglog",
    summary: "Inspects or converts the internal representation of a HyperLogLog (debugging).",
    since: "2.8.9",
    complexity: "N/A",
    arity: 3,
    flags: ["write", "denyoom", "admin"],
    docFlags: ["syscmd"],
    keys: [{ flags: ["RW", "access"], begin: 2, find: { lastKey: 0, step: 1, limit: 0 } }],
    arguments: [{ name: "subcommand", type: "string" }, {
      name: "key",
      type: "key",
      keySpecIndex: 0,
    }],
    handler: pfdebug,
  },
  {
    name: "pfselftest",
    group: "hyperloglog",
    summary: "Runs internal consistency checks of the HyperLogLog implementation.",
    since: "2.8.9",
    complexity: "N/A",
    arity: 1,
    flags: ["admin"],
    docFlags: ["syscmd"],
    handler: pfselftest,
  },
];

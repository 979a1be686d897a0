/**
 * HRANDFIELD and HSCAN.
 *
 * HRANDFIELD follows Redis's four strategies, because they decide the shape of the result,
 * not just its cost:
 *   negative count (or 1)   independent uniform picks, repeats allowed, random order;
 *   count >= size           the whole hash, in encoding order;
 *   listpack, count < size  selection sampling: each pair is taken with probability
 *                           needed/remaining in one pass, so the result keeps listpack order;
 *   hashtable, 3*count > size  copy every slot, drop random ones down to count;
 *   hashtable, otherwise    random picks, skipping repeats, until count are unique.
 * Hashtable picks are uniform over fields (`fairRandomSlot`), which Redis's chi-square
 * tests check. With WITHVALUES, RESP3 gets an array of [field, value] pairs and RESP2 a flat
 * array. Expired fields are deleted first (Redis does the same, so a sample never contains
 * one). Deliberate difference: a repeat count so large that the reply could not be built in
 * memory (over 10M elements) is refused with "value is out of range" instead of exhausting
 * memory.
 *
 * HSCAN: a listpack-encoded hash answers everything in one call with cursor 0; a hashtable
 * walks core's Dict with its reverse-binary cursor, visiting buckets until COUNT entries were
 * sampled or 10*COUNT buckets were visited. MATCH filters after sampling, expired fields are
 * skipped but still count as sampled (so a mostly expired hash may answer an empty page with
 * a non-zero cursor, like Redis), NOVALUES leaves values out.
 */

import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInt64 } from "../../core/numbers.ts";
import { globMatch } from "../../core/glob.ts";
import { parseScanCursor } from "../keys/scan_keys.ts";
import type { HashValue } from "./hash_value.ts";
import { expireAllDue, isExpired } from "./field_expiry.ts";
import { hashCommand, readableHash } from "./common.ts";

const LONG_MAX = 9223372036854775807n;
/** Largest reply HRANDFIELD will build for a repeating count (elements). */
const MAX_REPEAT_REPLY = 10_000_000;
/** Redis's HRANDFIELD_SUB_STRATEGY_MUL. */
const SUB_STRATEGY_MUL = 3;

/** Writes sampled pairs in the shape HRANDFIELD's arguments ask for. */
function pairWriter(r: ReplyWriter, withValues: boolean): (field: string, value: string) => void {
  if (!withValues) return (f) => r.bulk(f);
  if (r.resp === 3) {
    return (f, v) => {
      r.array(2);
      r.bulk(f);
      r.bulk(v);
    };
  }
  return (f, v) => {
    r.bulk(f);
    r.bulk(v);
  };
}

/** Header of an HRANDFIELD reply of `n` samples. */
function sampleHeader(r: ReplyWriter, n: number, withValues: boolean): void {
  r.array(withValues && r.resp === 2 ? n * 2 : n);
}

/** One uniformly random [field, value]. */
function randomPair(hash: HashValue): [string, string] {
  const lp = hash.listpackPairs();
  if (lp !== null) {
    const i = 2 * Math.floor(Math.random() * (lp.length >> 1));
    return [lp[i], lp[i + 1]];
  }
  const slot = hash.fairRandomSlot();
  const dict = hash.table()!;
  return [dict.keyOf(slot), dict.valueOf(slot)];
}

function hrandfieldCount(
  ctx: CommandContext,
  key: string,
  count: number,
  unique: boolean,
  withValues: boolean,
): void {
  const r = ctx.reply;
  const hash = readableHash(ctx, key);
  if (hash === undefined || expireAllDue(ctx, key, hash) || count === 0) return r.array(0);
  const size = hash.size;
  const emit = pairWriter(r, withValues);
  if (!unique || count === 1) {
    if (count * (withValues ? 2 : 1) > MAX_REPEAT_REPLY) {
      throw new ReplyError("ERR value is out of range");
    }
    sampleHeader(r, count, withValues);
    for (let i = 0; i < count; i++) {
      const [f, v] = randomPair(hash);
      emit(f, v);
    }
    return;
  }
  sampleHeader(r, Math.min(count, size), withValues);
  if (count >= size) return hash.forEach((f, v) => emit(f, v));
  const lp = hash.listpackPairs();
  if (lp !== null) {
    let needed = count;
    for (let p = 0, left = size; needed > 0; p++, left--) {
      if (Math.random() * left < needed) {
        emit(lp[2 * p], lp[2 * p + 1]);
        needed--;
      }
    }
    return;
  }
  const dict = hash.table()!;
  if (count * SUB_STRATEGY_MUL > size) {
    const slots: number[] = [];
    dict.forEach((_v, f) => slots.push(dict.find(f)));
    let n = slots.length;
    while (n > count) {
      const i = Math.floor(Math.random() * n);
      slots[i] = slots[--n];
    }
    for (let i = 0; i < count; i++) emit(dict.keyOf(slots[i]), dict.valueOf(slots[i]));
    return;
  }
  const seen = new Set<number>();
  while (seen.size < count) {
    const slot = hash.fairRandomSlot();
    if (seen.has(slot)) continue;
    seen.add(slot);
    emit(dict.keyOf(slot), dict.valueOf(slot));
  }
}

function hrandfield(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  if (argv.length >= 3) {
    const l = parseInt64(argv[2]);
    if (l === null) throw new ReplyError(NOT_INTEGER);
    if (l < -LONG_MAX) {
      throw new ReplyError(
        `ERR value is out of range, value must between ${-LONG_MAX} and ${LONG_MAX}`,
      );
    }
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== "withvalues")) {
      throw new ReplyError(SYNTAX_ERR);
    }
    const withValues = argv.length === 4;
    if (withValues && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) {
      throw new ReplyError("ERR value is out of range");
    }
    const unique = l >= 0n;
    const count = Number(unique ? l : -l);
    return hrandfieldCount(ctx, key, count, unique, withValues);
  }
  const hash = readableHash(ctx, key);
  if (hash === undefined || expireAllDue(ctx, key, hash)) return ctx.reply.null();
  ctx.reply.bulk(randomPair(hash)[0]);
}

function hscan(ctx: CommandContext, argv: string[]): void {
  let cursor = parseScanCursor(argv[2]);
  const key = argv[1];
  const r = ctx.reply;
  const hash = readableHash(ctx, key);
  if (hash === undefined) {
    r.array(2);
    r.bulk("0");
    return r.array(0);
  }
  let count = 10;
  let pattern: string | null = null;
  let noValues = false;
  for (let i = 3; i < argv.length;) {
    const opt = argv[i].toLowerCase();
    const pair = i + 1 < argv.length;
    if (opt === "count" && pair) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) throw new ReplyError(NOT_INTEGER);
      if (n < 1n) throw new ReplyError(SYNTAX_ERR);
      count = Number(n);
      i += 2;
    } else if (opt === "match" && pair) {
      pattern = argv[i + 1] === "*" ? null : argv[i + 1];
      i += 2;
    } else if (opt === "novalues") {
      noValues = true;
      i++;
    } else throw new ReplyError(SYNTAX_ERR);
  }
  const now = ctx.server.now();
  const items: string[] = [];
  const collect = (f: string, v: string, at: number) => {
    if (isExpired(at, now) || (pattern !== null && !globMatch(pattern, f))) return;
    items.push(f);
    if (!noValues) items.push(v);
  };
  const dict = hash.table();
  if (dict === null) {
    hash.forEach(collect);
    cursor = 0;
  } else {
    let sampled = 0;
    let budget = count * 10;
    const volatile = hash.volatile;
    const visit = (f: string, v: string) => {
      sampled++;
      collect(f, v, volatile ? hash.ttlOf(f) : 0);
    };
    do {
      cursor = dict.scan(cursor, visit);
    } while (cursor !== 0 && budget-- > 0 && sampled < count);
  }
  r.array(2);
  r.bulk(String(cursor));
  r.bulks(items);
}

/**
 * HRANDFIELD and HSCAN.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "hashes", commands: [...randomScanCommands] };
 * ```
 */
export const randomScanCommands: CommandSpec[] = [
  hashCommand({
    name: "hrandfield",
    summary: "Returns random fields of a hash, optionally with their values.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of fields returned",
    arity: -2,
    flags: ["readonly"],
    keyFlags: ["RO", "access"],
    args: [{
      name: "options",
      type: "block",
      optional: true,
      arguments: [
        { name: "count", type: "integer" },
        { name: "withvalues", type: "pure-token", token: "WITHVALUES", optional: true },
      ],
    }],
    tips: ["nondeterministic_output"],
    handler: hrandfield,
  }),
  hashCommand({
    name: "hscan",
    summary: "Iterates over the fields and values of a hash with a cursor.",
    since: "2.8.0",
    complexity: "O(1) for every call. O(N) for a complete iteration.",
    arity: -3,
    flags: ["readonly"],
    keyFlags: ["RO", "access"],
    args: [
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "novalues", type: "pure-token", token: "NOVALUES", optional: true },
    ],
    tips: ["nondeterministic_output"],
    handler: hscan,
  }),
];

/**
 * Set algebra: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE.
 *
 * Two cores, like Redis: `intersect` (SINTER, SINTERCARD with its LIMIT, SINTERSTORE) walks
 * the smallest set and keeps members every other set has, so it costs O(smallest × sets);
 * `unionOrDiff` builds the result member by member. A missing key is an empty set; a key of
 * another type is WRONGTYPE even after a missing one. An intersection with an empty set is
 * answered before touching any member.
 *
 * SDIFF picks between Redis's two algorithms with Redis's cost estimate: (1) test each member
 * of the first set against the others (sorted biggest first so a member is rejected early),
 * or (2) copy the first set and remove the members of the others. Both give the same
 * members; they can give different encodings for SDIFFSTORE, which is why the choice is
 * Redis's and not just the fastest one.
 *
 * Results are built as Redis builds them, so the stored encoding is Redis's: unions and
 * differences start from an empty intset and convert as members arrive; intersections start
 * as an intset when the smallest set is one, else a listpack, and end as an intset when
 * every member turned out to be an integer (a small all-integer result of two hashtables is
 * an intset in Redis too).
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { emptySet, setType, type SetValue } from "./set_value.ts";
import { intMember } from "./int_set.ts";
import { setLimits } from "./limits.ts";
import {
  KEYS_ARGS,
  READ_ALL_KEYS,
  replyMembers,
  STORE_ARGS,
  STORE_KEYS,
  storeResult,
} from "./common.ts";

/** The sets behind `keys` (null for missing keys); throws WRONGTYPE. */
function lookupSets(ctx: CommandContext, keys: string[]): (SetValue | null)[] {
  return keys.map((k) => ctx.db.lookupRead(k, setType) ?? null);
}

/** What an intersection produces. */
type IntersectMode =
  | { kind: "reply" }
  | { kind: "card"; limit: number }
  | { kind: "store"; dst: string };

/** The intersection core behind SINTER, SINTERCARD and SINTERSTORE. */
function intersect(ctx: CommandContext, keys: string[], mode: IntersectMode): void {
  const found = lookupSets(ctx, keys);
  if (found.includes(null)) {
    if (mode.kind === "store") storeResult(ctx, mode.dst, emptySet("intset"), "sinterstore");
    else if (mode.kind === "card") ctx.reply.int(0);
    else ctx.reply.set(0);
    return;
  }
  // Smallest first (a stable sort keeps equal sizes in argument order, as Redis's does).
  const sets = (found as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0];
  const common: string[] = [];
  const limit = mode.kind === "card" ? mode.limit : 0;
  const n = first.size;
  for (let i = 0; i < n; i++) {
    const m = first.at(i);
    let j = 1;
    for (; j < sets.length; j++) {
      if (sets[j] !== first && !sets[j].has(m)) break;
    }
    if (j < sets.length) continue;
    common.push(m);
    if (limit > 0 && common.length >= limit) break;
  }
  if (mode.kind === "card") return ctx.reply.int(common.length);
  if (mode.kind === "reply") return replyMembers(ctx, common);
  const limits = setLimits(ctx.server);
  const result = emptySet(first.encoding === "intset" ? "intset" : "listpack");
  let onlyIntegers = true;
  for (const m of common) {
    if (onlyIntegers && intMember(m) === null) onlyIntegers = false;
    result.add(m, limits);
  }
  if (onlyIntegers) result.shrinkToIntset(limits);
  storeResult(ctx, mode.dst, result, "sinterstore");
}

/** The union/difference core behind SUNION(STORE) and SDIFF(STORE); returns the result. */
function unionOrDiff(ctx: CommandContext, keys: string[], op: "union" | "diff"): SetValue {
  const sets = lookupSets(ctx, keys);
  const first = sets[0];
  const sameAsFirst = first !== null && sets.indexOf(first, 1) > 0;
  const limits = setLimits(ctx.server);
  const result = emptySet("intset");
  if (op === "union") {
    for (const s of sets) {
      if (s === null) continue;
      for (let i = 0, n = s.size; i < n; i++) result.add(s.at(i), limits);
    }
    return result;
  }
  // A set minus itself is empty, whatever else is subtracted.
  if (first === null || sameAsFirst) return result;
  let testEach = 0;
  let copyAll = 0;
  for (const s of sets) {
    if (s === null) continue;
    testEach += first.size;
    copyAll += s.size;
  }
  // Testing each member has better constants: Redis gives it a factor of two.
  if (Math.floor(testEach / 2) <= copyAll) {
    const others = sets.slice(1).sort((a, b) => (b?.size ?? 0) - (a?.size ?? 0));
    for (let i = 0, n = first.size; i < n; i++) {
      const m = first.at(i);
      if (!others.some((s) => s !== null && s.has(m))) result.add(m, limits);
    }
  } else {
    for (let i = 0, n = first.size; i < n; i++) result.add(first.at(i), limits);
    for (let j = 1; j < sets.length && result.size > 0; j++) {
      const s = sets[j];
      if (s === null) continue;
      for (let i = 0, n = s.size; i < n; i++) result.delete(s.at(i));
    }
  }
  return result;
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]: parse, then intersect. */
function sintercard(ctx: CommandContext, argv: string[]): void {
  const numkeys = parseInteger(argv[1]);
  if (numkeys === null || numkeys < 1) throw new ReplyError("ERR numkeys should be greater than 0");
  if (numkeys > argv.length - 2) {
    throw new ReplyError("ERR Number of keys can't be greater than number of args");
  }
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (argv[j].toUpperCase() === "LIMIT" && j + 1 < argv.length) {
      const l = parseInteger(argv[++j]);
      if (l === null || l < 0) throw new ReplyError("ERR LIMIT can't be negative");
      limit = l;
    } else {
      throw new ReplyError(SYNTAX_ERR);
    }
  }
  intersect(ctx, argv.slice(2, 2 + numkeys), { kind: "card", limit });
}

function readCommand(
  name: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return {
    name,
    group: "set",
    summary,
    since: "1.0.0",
    complexity,
    arity: -2,
    flags: ["readonly"],
    keys: READ_ALL_KEYS,
    arguments: KEYS_ARGS,
    tips: ["nondeterministic_output_order"],
    handler,
  };
}

function storeCommand(
  name: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return {
    name,
    group: "set",
    summary,
    since: "1.0.0",
    complexity,
    arity: -3,
    flags: ["write", "denyoom"],
    keys: STORE_KEYS,
    arguments: STORE_ARGS,
    handler,
  };
}

const INTER_COST =
  "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const UNION_COST = "O(N) where N is the total number of elements in all given sets.";

/**
 * The set algebra commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sets", commands: [...algebraCommands] };
 * ```
 */
export const algebraCommands: CommandSpec[] = [
  readCommand("sinter", "Returns the members every given set has.", INTER_COST, (ctx, argv) => {
    intersect(ctx, argv.slice(1), { kind: "reply" });
  }),
  {
    name: "sintercard",
    group: "set",
    summary: "Counts the members every given set has, optionally stopping at a limit.",
    since: "7.0.0",
    complexity: INTER_COST,
    arity: -3,
    flags: ["readonly"],
    keys: [{ flags: ["RO", "access"], begin: 1, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }],
    arguments: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, multiple: true },
      { name: "limit", type: "integer", token: "LIMIT", optional: true },
    ],
    handler: sintercard,
  },
  storeCommand(
    "sinterstore",
    "Stores the members every given set has in a key.",
    INTER_COST,
    (ctx, argv) => {
      intersect(ctx, argv.slice(2), { kind: "store", dst: argv[1] });
    },
  ),
  readCommand(
    "sunion",
    "Returns the members of all the given sets together.",
    UNION_COST,
    (ctx, argv) => {
      replyMembers(ctx, unionOrDiff(ctx, argv.slice(1), "union").toArray());
    },
  ),
  storeCommand(
    "sunionstore",
    "Stores the members of all the given sets together in a key.",
    UNION_COST,
    (ctx, argv) => {
      storeResult(ctx, argv[1], unionOrDiff(ctx, argv.slice(2), "union"), "sunionstore");
    },
  ),
  readCommand(
    "sdiff",
    "Returns the members of the first set that no other given set has.",
    UNION_COST,
    (ctx, argv) => {
      replyMembers(ctx, unionOrDiff(ctx, argv.slice(1), "diff").toArray());
    },
  ),
  storeCommand(
    "sdiffstore",
    "Stores the members of the first set that no other given set has in a key.",
    UNION_COST,
    (ctx, argv) => {
      storeResult(ctx, argv[1], unionOrDiff(ctx, argv.slice(2), "diff"), "sdiffstore");
    },
  ),
];

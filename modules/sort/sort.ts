/**
 * SORT and SORT_RO: sort the elements of a list, set or sorted set, by themselves or by
 * weights fetched from other keys, optionally fetching other keys for each element, and
 * return or STORE the result as a list.
 *
 * Semantics follow Redis's sortCommandGeneric step by step, since clients observe each:
 * - Options are parsed first (any order, repeatable, last wins); LIMIT takes two integers.
 *   SORT_RO knows no STORE, so it is a syntax error there.
 * - The key may be missing (an empty list), or hold a list, set or zset; anything else is
 *   WRONGTYPE.
 * - BY without `*` means "don't sort" (nosort): lists and zsets keep their order (reversed
 *   with DESC, and only the LIMIT window is read); a set is still sorted lexicographically
 *   when storing, so the stored list does not depend on hash order.
 * - Patterns: `#` is the element itself; otherwise the first `*` is replaced by the element,
 *   and a `->field` suffix (with a non-empty field) reads a hash field instead of a string.
 *   A missing key, wrong type or missing field gives no weight (0 / sorted first in ALPHA)
 *   and a nil (or "" when storing) for GET.
 * - Numeric sort parses weights like C's strtod over the whole string (leading blanks ok,
 *   trailing garbage, overflow and NaN are errors, "" is 0); a bad weight fails the command
 *   with "One or more scores can't be converted into double" after sorting, as in Redis.
 *   Equal weights fall back to comparing the elements' bytes. ALPHA compares bytes.
 * - The result is elements start..end of the sorted vector, or GET values for each.
 *
 * The vector is sorted whole with the engine's stable sort; Redis sorts only the LIMIT
 * window when BY is given (partial quicksort), so ties inside a window may come out in a
 * different order there.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR, WRONGTYPE } from "../../core/errors.ts";
import { parseDouble, parseInteger } from "../../core/numbers.ts";
import { typeOf } from "../../core/keyspace.ts";
import { listType, ListValue } from "../lists/list_type.ts";
import { fillOf } from "../lists/common.ts";
import { setType, type SetValue } from "../sets/set_value.ts";
import { type ZSet, zsetType } from "../sorted_sets/zset.ts";
import { hashType, type HashValue } from "../hashes/hash_value.ts";
import { readField } from "../hashes/field_expiry.ts";

/** One element being sorted, with its weight. */
interface Item {
  value: string;
  score: number;
  /** ALPHA BY: the fetched weight string, or null when there is none. */
  cmp: string | null;
}

/** What SORT was asked to do. */
interface SortRequest {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  by: string | null;
  dontSort: boolean;
  store: string | null;
  gets: string[];
}

function parseRequest(argv: string[], readonly: boolean): SortRequest {
  const req: SortRequest = {
    desc: false,
    alpha: false,
    limitStart: 0,
    limitCount: -1,
    by: null,
    dontSort: false,
    store: null,
    gets: [],
  };
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (opt === "asc") req.desc = false;
    else if (opt === "desc") req.desc = true;
    else if (opt === "alpha") req.alpha = true;
    else if (opt === "limit" && left >= 2) {
      const start = parseInteger(argv[j + 1]);
      const count = parseInteger(argv[j + 2]);
      if (start === null || count === null) throw new ReplyError(NOT_INTEGER);
      req.limitStart = start;
      req.limitCount = count;
      j += 2;
    } else if (!readonly && opt === "store" && left >= 1) req.store = argv[++j];
    else if (opt === "by" && left >= 1) {
      req.by = argv[++j];
      req.dontSort = !req.by.includes("*");
    } else if (opt === "get" && left >= 1) req.gets.push(argv[++j]);
    else throw new ReplyError(SYNTAX_ERR);
  }
  return req;
}

/**
 * The value a BY/GET pattern names for `element`, or null (Redis's lookupKeyByPattern).
 *
 * @example
 * ```ts
 * lookupByPattern(ctx, "weight_*", "3"); // the string at weight_3, or null
 * lookupByPattern(ctx, "obj_*->w", "3"); // field w of hash obj_3, or null
 * ```
 */
export function lookupByPattern(
  ctx: CommandContext,
  pattern: string,
  element: string,
): string | null {
  if (pattern === "#") return element;
  const star = pattern.indexOf("*");
  if (star < 0) return null;
  const arrow = pattern.indexOf("->", star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pattern.length;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const v = ctx.db.lookup(key);
  if (v === undefined) return null;
  if (hasField) {
    if (typeOf(v) !== hashType) return null;
    return readField(ctx, key, v as HashValue, pattern.slice(arrow + 2)) ?? null;
  }
  return typeof v === "string" ? v : null;
}

const BLANKS = /^[ \t\n\v\f\r]+/;

/** C's strtod over a whole weight: null when Redis would call it unconvertible. */
function weightOf(s: string): number | null {
  if (s.length === 0) return 0;
  const body = s.replace(BLANKS, "");
  const v = parseDouble(body);
  if (v === null || Number.isNaN(v)) return null;
  if (!Number.isFinite(v) && !/^[+-]?inf/i.test(body)) return null; // overflow (ERANGE)
  if (v === 0 && /[1-9]/.test(body.replace(/[eEpP].*$/, "").replace(/^[+-]?0[xX]/, ""))) {
    return null;
  }
  return v;
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The elements to sort, read in the order Redis reads them. */
function readElements(
  value: ListValue | SetValue | ZSet | undefined,
  req: SortRequest,
  window: { start: number; end: number },
): string[] {
  if (value === undefined) return [];
  const ranged = req.dontSort && (window.start !== 0 || window.end !== lengthOf(value) - 1);
  if (value instanceof ListValue) {
    if (!req.dontSort) return value.toArray();
    const out: string[] = [];
    if (window.end >= window.start) {
      const n = ranged ? window.end - window.start + 1 : value.length;
      const from = req.desc ? value.length - 1 - window.start : window.start;
      value.forEach(from, n, req.desc, (s) => out.push(s));
    }
    return out;
  }
  if (value.type === setType) return (value as SetValue).toArray();
  const z = value as ZSet;
  if (!req.dontSort) return z.toArrays().members;
  const n = ranged ? window.end - window.start + 1 : z.size;
  const out: string[] = [];
  if (n <= 0) return out;
  const from = req.desc ? z.size - 1 - window.start : window.start;
  z.walk(from, req.desc, (m) => (out.push(m), out.length < n));
  return out;
}

function lengthOf(v: ListValue | SetValue | ZSet): number {
  return v instanceof ListValue ? v.length : v.size;
}

/** SORT / SORT_RO. */
function sortGeneric(ctx: CommandContext, argv: string[], readonly: boolean): void {
  const req = parseRequest(argv, readonly);
  const v = ctx.db.lookup(argv[1]);
  if (v !== undefined) {
    const t = typeOf(v);
    if (t !== listType && t !== setType && t !== zsetType) throw new ReplyError(WRONGTYPE);
  }
  const value = v as ListValue | SetValue | ZSet | undefined;
  if (
    req.dontSort && value !== undefined && value.type === setType &&
    (req.store !== null || ctx.client.fromScript)
  ) {
    // Storing a set "unsorted", or handing it to a script, would expose hash order: sort it
    // by bytes instead, as Redis does.
    req.dontSort = false;
    req.alpha = true;
    req.by = null;
  }

  const vectorLen = value === undefined ? 0 : lengthOf(value);
  let start = Math.min(Math.max(req.limitStart, 0), vectorLen);
  const count = Math.min(Math.max(req.limitCount, -1), vectorLen);
  let end = count < 0 ? vectorLen - 1 : start + count - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  const elements = readElements(value, req, { start, end });
  // A nosort read of a list or zset only read the LIMIT window: it now starts at 0.
  if (req.dontSort && value !== undefined && value.type !== setType && end >= start) {
    end -= start;
    start = 0;
  }

  const items: Item[] = elements.map((value) => ({ value, score: 0, cmp: null }));
  let badWeight = false;
  if (!req.dontSort) {
    for (const item of items) {
      let w: string | null = item.value;
      if (req.by !== null) {
        w = lookupByPattern(ctx, req.by, item.value);
        if (w === null) continue;
      }
      if (req.alpha) {
        if (req.by !== null) item.cmp = w;
      } else {
        const score = weightOf(w);
        if (score === null) badWeight = true;
        else item.score = score;
      }
    }
    const sign = req.desc ? -1 : 1;
    const byPattern = req.by !== null;
    items.sort((a, b) => {
      let c: number;
      if (!req.alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.value, b.value);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) c = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else c = compareBytes(a.cmp, b.cmp);
      } else c = compareBytes(a.value, b.value);
      return sign * c;
    });
  }

  if (badWeight) throw new ReplyError("ERR One or more scores can't be converted into double");
  const outputLen = Math.max(0, end - start + 1) * (req.gets.length || 1);
  if (req.store === null) {
    ctx.reply.array(outputLen);
    for (let j = start; j <= end; j++) {
      if (req.gets.length === 0) ctx.reply.bulk(items[j].value);
      for (const pattern of req.gets) ctx.reply.bulk(lookupByPattern(ctx, pattern, items[j].value));
    }
    return;
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) {
    if (req.gets.length === 0) out.push(items[j].value);
    for (const pattern of req.gets) out.push(lookupByPattern(ctx, pattern, items[j].value) ?? "");
  }
  const dst = req.store;
  if (out.length > 0) {
    ctx.db.setKey(dst, ListValue.from(out, fillOf(ctx)));
    ctx.db.notify("l", "sortstore", dst);
  } else if (ctx.db.remove(dst)) {
    ctx.db.modified(dst);
    ctx.db.notify("g", "del", dst);
  }
  ctx.reply.int(out.length);
}

/** SORT's keys: the sorted key, and the last STORE key (Redis's sortGetKeys). */
function sortKeys(argv: string[]): number[] {
  let store = -1;
  const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (skip[a] !== undefined && Object.hasOwn(skip, a)) i += skip[a];
    else if (a === "store" && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

const SORT_ARGS = [
  { name: "key", type: "key" as const, keySpecIndex: 0 },
  { name: "pattern", token: "BY", type: "pattern" as const, keySpecIndex: 1, optional: true },
  {
    name: "limit",
    token: "LIMIT",
    type: "block" as const,
    optional: true,
    arguments: [{ name: "offset", type: "integer" as const }, {
      name: "count",
      type: "integer" as const,
    }],
  },
  {
    name: "pattern",
    token: "GET",
    type: "pattern" as const,
    keySpecIndex: 1,
    optional: true,
    multiple: true,
    multipleToken: true,
  },
  {
    name: "order",
    type: "oneof" as const,
    optional: true,
    arguments: [
      { name: "asc", type: "pure-token" as const, token: "ASC" },
      { name: "desc", type: "pure-token" as const, token: "DESC" },
    ],
  },
  { name: "sorting", token: "ALPHA", type: "pure-token" as const, optional: true },
];

const SORT_COMPLEXITY =
  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

/**
 * SORT and SORT_RO.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sort", commands: sortCommands };
 * ```
 */
export const sortCommands: CommandSpec[] = [
  {
    name: "sort",
    group: "generic",
    summary:
      "Sorts the elements of a list, set or sorted set, optionally by external weights, and returns or stores them.",
    since: "1.0.0",
    complexity: SORT_COMPLEXITY,
    arity: -2,
    flags: ["write", "denyoom"],
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    keys: [{ flags: ["RO", "access"], begin: 1, find: { lastKey: 0, step: 1, limit: 0 } }],
    getKeys: sortKeys,
    // The STORE destination is overwritten; the sorted key is only read.
    variableKeyFlags: (_argv, pos) => pos === 1 ? ["RO", "access"] : ["OW", "update"],
    arguments: [
      ...SORT_ARGS,
      { name: "destination", token: "STORE", type: "key", keySpecIndex: 2, optional: true },
    ],
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: "sort_ro",
    group: "generic",
    summary: "Sorts the elements of a list, set or sorted set without storing (read-only SORT).",
    since: "7.0.0",
    complexity: SORT_COMPLEXITY,
    arity: -2,
    flags: ["readonly"],
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    keys: [{ flags: ["RO", "access"], begin: 1, find: { lastKey: 0, step: 1, limit: 0 } }],
    getKeys: () => [1],
    arguments: SORT_ARGS,
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];

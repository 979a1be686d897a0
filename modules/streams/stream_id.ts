/**
 * Stream IDs: two unsigned 64-bit integers, `ms-seq`, ordered by ms then seq.
 *
 * Representation. Each half is a `U64`: a plain JS number while it is a safe integer (every
 * real-world timestamp and sequence), a BigInt only above 2^53. The form is normalized
 * (never a BigInt that would fit a safe number), so `===` is equality and the mixed
 * `<`/`>` comparisons JS allows between numbers and BigInts are exact. The common path —
 * auto IDs, timestamps, small sequences — never touches BigInt.
 *
 * Parsing follows Redis's rules: `ms` or `ms-seq` with each part a strict unsigned decimal
 * (string2ull: digits only, at most 20, within 2^64-1), `-`/`+` for the smallest/largest ID
 * where the command allows them, `ms-*` (XADD only) for "auto sequence". Every failure is
 * the one error Redis gives: "Invalid stream ID specified as stream command argument".
 */

import { ReplyError } from "../../core/errors.ts";

/** An unsigned 64-bit integer: a number when safe, else a BigInt. */
export type U64 = number | bigint;

/** A stream entry ID. */
export interface StreamId {
  ms: U64;
  seq: U64;
}

/** 2^64 - 1 as a BigInt. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** The smallest ID, 0-0. @example `compareIds(MIN_ID, id) <= 0` */
export const MIN_ID: StreamId = Object.freeze({ ms: 0, seq: 0 });
/** The largest ID. @example `compareIds(id, MAX_ID) <= 0` */
export const MAX_ID: StreamId = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

/** The error for every malformed ID. */
export const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

/**
 * Normalize a BigInt or number to the canonical U64 form.
 *
 * @example
 * ```ts
 * u64(5n); // 5
 * ```
 */
export function u64(v: number | bigint): U64 {
  if (typeof v === "number") return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * `v + 1`, or null when `v` is 2^64-1.
 *
 * @example
 * ```ts
 * incr(1); // 2
 * ```
 */
export function incr(v: U64): U64 | null {
  if (typeof v === "number") return v < Number.MAX_SAFE_INTEGER ? v + 1 : BigInt(v) + 1n;
  return v === U64_MAX ? null : v + 1n;
}

/**
 * `v - 1` for v > 0.
 *
 * @example
 * ```ts
 * decr(2); // 1
 * ```
 */
export function decr(v: U64): U64 {
  return typeof v === "number" ? v - 1 : u64(v - 1n);
}

/**
 * Compare two IDs: negative, zero or positive.
 *
 * @example
 * ```ts
 * compareIds({ ms: 1, seq: 2 }, { ms: 1, seq: 3 }); // -1
 * ```
 */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/**
 * Whether an ID is 0-0.
 *
 * @example
 * ```ts
 * isZero({ ms: 0, seq: 0 }); // true
 * ```
 */
export function isZero(id: StreamId): boolean {
  return id.ms === 0 && id.seq === 0;
}

/**
 * The ID right after `id`, or null after the last possible ID.
 *
 * @example
 * ```ts
 * nextId({ ms: 1, seq: 2 }); // { ms: 1, seq: 3 }
 * ```
 */
export function nextId(id: StreamId): StreamId | null {
  const seq = incr(id.seq);
  if (seq !== null) return { ms: id.ms, seq };
  const ms = incr(id.ms);
  return ms === null ? null : { ms, seq: 0 };
}

/**
 * The ID right before `id`, or null before 0-0.
 *
 * @example
 * ```ts
 * prevId({ ms: 2, seq: 0 }); // { ms: 1, seq: 18446744073709551615n }
 * ```
 */
export function prevId(id: StreamId): StreamId | null {
  if (id.seq !== 0) return { ms: id.ms, seq: decr(id.seq) };
  if (id.ms === 0) return null;
  return { ms: decr(id.ms), seq: U64_MAX };
}

/**
 * Format an ID as Redis does ("ms-seq").
 *
 * @example
 * ```ts
 * formatId({ ms: 5, seq: 1 }); // "5-1"
 * ```
 */
export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

function parseU64(s: string, from: number, to: number): U64 | null {
  const n = to - from;
  if (n === 0 || n > 20) return null;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const text = from === 0 && to === s.length ? s : s.slice(from, to);
  if (n <= 15) return Number(text);
  const big = BigInt(text);
  return big > U64_MAX ? null : u64(big);
}

/** What `parseId` accepts besides plain `ms[-seq]`. */
export interface ParseIdOptions {
  /** The seq of an ID given as `ms` only (0 for starts, 2^64-1 for ends). */
  missingSeq?: U64;
  /** Accept `-` and `+` (ranges). */
  specials?: boolean;
  /** Accept `ms-*` (XADD); the result then has `seq: null`. */
  autoSeq?: boolean;
}

/**
 * Parse a stream ID argument; throws Redis's "Invalid stream ID" error.
 *
 * @example
 * ```ts
 * parseId("5"); // { ms: 5, seq: 0 }
 * parseId("+", { specials: true }); // MAX_ID
 * ```
 */
export function parseId(s: string, options: ParseIdOptions = {}): StreamId {
  const id = parseIdOrNull(s, options);
  if (id === null || id.seq === null) throw new ReplyError(INVALID_ID);
  return id as StreamId;
}

/**
 * Parse an ID that may be `ms-*` (seq null); null when invalid.
 *
 * @example
 * ```ts
 * parseIdOrNull("5-*", { autoSeq: true }); // { ms: 5, seq: null }
 * ```
 */
export function parseIdOrNull(
  s: string,
  options: ParseIdOptions = {},
): { ms: U64; seq: U64 | null } | null {
  if (s.length > 127) return null;
  if (s === "-" || s === "+") {
    if (!options.specials) return null;
    return s === "-" ? MIN_ID : MAX_ID;
  }
  const dash = s.indexOf("-");
  if (dash < 0) {
    const ms = parseU64(s, 0, s.length);
    return ms === null ? null : { ms, seq: options.missingSeq ?? 0 };
  }
  const ms = parseU64(s, 0, dash);
  if (ms === null) return null;
  if (options.autoSeq && s.length === dash + 2 && s.charCodeAt(dash + 1) === 42) {
    return { ms, seq: null };
  }
  const seq = parseU64(s, dash + 1, s.length);
  return seq === null ? null : { ms, seq };
}

/**
 * Parse a range bound: an ID, `-`/`+`, or `(id` for an exclusive bound (not `(-`/`(+`).
 * Returns the inclusive bound, or null when an exclusive bound has no neighbour.
 *
 * @example
 * ```ts
 * parseRangeBound("(1-1", "start"); // { ms: 1, seq: 2 }
 * ```
 */
export function parseRangeBound(s: string, side: "start" | "end"): StreamId {
  const missingSeq = side === "start" ? 0 : U64_MAX;
  if (s.length > 1 && s.charCodeAt(0) === 40) {
    const id = parseId(s.slice(1), { missingSeq: u64(missingSeq) });
    const moved = side === "start" ? nextId(id) : prevId(id);
    if (moved === null) throw new ReplyError(`ERR invalid ${side} ID for the interval`);
    return moved;
  }
  return parseId(s, { missingSeq: u64(missingSeq), specials: true });
}

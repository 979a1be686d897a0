/**
 * The sorted set value and its two encodings, the way Redis has them.
 *
 * Small sets ("listpack" in OBJECT ENCODING) are one flat array [m0, s0, m1, s1, ...] in
 * (score, member) order, held by the ZSet itself: a member lookup is a linear scan over at
 * most zset-max-listpack-entries (128) members — as Redis scans its listpack — and ranks are
 * array positions. Big sets ("skiplist") are a ScoreTree (order-statistic B+ tree, see
 * btree.ts) for order and ranks plus a core Dict member → score for O(1) ZSCORE and for
 * ZSCAN's cursor guarantee. A small set turns big once, when it outgrows
 * zset-max-listpack-entries or receives a member longer than zset-max-listpack-value bytes,
 * and never goes back (like Redis); results that are built whole (ZUNIONSTORE,
 * ZRANGESTORE...) pick their encoding from their final size instead.
 *
 * Both encodings answer the same small interface (`Ordered`: ranks, monotone counts, walks
 * from a rank), so every command is written once, in rank terms, and never asks which
 * encoding it has (ZSCAN excepted: it walks the member index of a big set).
 *
 * Thresholds are per server: the config directives' `apply` stores them in a WeakMap keyed
 * by the server, and every mutation receives them through `limitsOf(server)`.
 */

import type { TypeSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { Dict } from "../../core/dict.ts";
import { type Below, ScoreTree } from "./btree.ts";

/**
 * What a sorted set's ordered pairs provide, in both encodings: ranks, monotone counts and
 * walks over (score, member) pairs. ScoreTree implements it for the big encoding, ZSet
 * itself (over its flat array, or delegating to its tree) for callers.
 *
 * @example
 * ```ts
 * const o: Ordered = new ScoreTree();
 * o.insert(1, "a");
 * o.countWhile((s) => s < 2); // 1
 * ```
 */
export interface Ordered {
  readonly size: number;
  insert(score: number, member: string): void;
  removeAt(rank: number): string;
  remove(score: number, member: string): boolean;
  rankOf(score: number, member: string): number;
  countWhile(below: Below): number;
  memberAt(rank: number): string;
  scoreAt(rank: number): number;
  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean): void;
}

/**
 * Encoding thresholds (zset-max-listpack-entries / -value).
 *
 * @example
 * ```ts
 * const small: ZsetLimits = { entries: 128, value: 64 };
 * ```
 */
export interface ZsetLimits {
  entries: number;
  value: number;
}

const DEFAULT_LIMITS: ZsetLimits = { entries: 128, value: 64 };
const limitsByServer = new WeakMap<ServerApi, ZsetLimits>();

/**
 * The thresholds in effect on a server.
 *
 * @example
 * ```ts
 * zset.add("m", 1, limitsOf(ctx.server));
 * ```
 */
export function limitsOf(server: ServerApi): ZsetLimits {
  return limitsByServer.get(server) ?? DEFAULT_LIMITS;
}

/**
 * Change one threshold of a server (config directives' apply).
 *
 * @example
 * ```ts
 * setLimit(server, "entries", 16);
 * ```
 */
export function setLimit(server: ServerApi, which: keyof ZsetLimits, value: number): void {
  limitsByServer.set(server, { ...limitsOf(server), [which]: value });
}

/**
 * A sorted set value as stored in the keyspace.
 *
 * The small encoding is one flat array [m0, s0, m1, s1, ...] in (score, member) order and
 * no other object: per small set that is one object and one array (an array of members plus
 * an array of scores plus a wrapper cost ~2.5x more on Bun: measured 240 vs 64 bytes for a
 * one-member set, beyond the key). The big encoding is a ScoreTree plus a member index.
 * The Ordered methods work on either, so commands never ask which one they have.
 *
 * @example
 * ```ts
 * const z = new ZSet();
 * z.add("a", 1, limits);
 * z.score("a"); // 1
 * ctx.db.add(key, z);
 * ```
 */
export class ZSet implements Ordered {
  /** Small encoding: [member, score, member, score, ...] sorted; null once big. */
  private lp: (string | number)[] | null;
  /** Big encoding: order and ranks. */
  private tree: ScoreTree | null = null;
  /** Big encoding: member → score (also ZSCAN's cursor space). */
  index: Dict<number> | null = null;

  constructor(lp: (string | number)[] = []) {
    this.lp = lp;
  }

  get type(): TypeSpec<ZSet> {
    return zsetType;
  }

  /** Number of members. */
  get size(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.tree!.size;
  }

  /** Whether the compact encoding is in use. */
  get isSmall(): boolean {
    return this.lp !== null;
  }

  /** The flat position of a member in the small encoding, or -1. */
  private find(member: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === member) return i;
    return -1;
  }

  /** A member's score, or undefined. */
  score(member: string): number | undefined {
    if (this.lp === null) return this.index!.get(member);
    const i = this.find(member);
    return i < 0 ? undefined : this.lp[i + 1] as number;
  }

  /** A member's 0-based ascending rank, or -1. */
  rank(member: string): number {
    if (this.lp !== null) return this.find(member) >> 1;
    const score = this.index!.get(member);
    return score === undefined ? -1 : this.tree!.rankOf(score, member);
  }

  /** Add a member that is not present, converting to the big encoding when it outgrows. */
  add(member: string, score: number, limits: ZsetLimits): void {
    if (this.lp !== null && (this.size + 1 > limits.entries || member.length > limits.value)) {
      this.grow();
    }
    this.insert(score, member);
    this.index?.insertNew(member, score);
  }

  /** Change the score of a present member. */
  update(member: string, oldScore: number, newScore: number): void {
    if (oldScore === newScore) return;
    this.remove(oldScore, member);
    this.insert(newScore, member);
    this.index?.set(member, newScore);
  }

  /** Remove a member; returns whether it was present. */
  delete(member: string): boolean {
    if (this.lp !== null) return this.remove(0, member);
    const score = this.index!.delete(member);
    if (score === undefined) return false;
    this.tree!.remove(score, member);
    return true;
  }

  /** Remove the member of rank `rank` (and from the index); returns it. */
  deleteAt(rank: number): string {
    const member = this.removeAt(rank);
    this.index?.delete(member);
    return member;
  }

  /** Switch to the big encoding. */
  grow(): void {
    const lp = this.lp;
    if (lp === null) return;
    const tree = new ScoreTree();
    const index = new Dict<number>(0);
    for (let i = 0; i < lp.length; i += 2) {
      tree.insert(lp[i + 1] as number, lp[i] as string);
      index.insertNew(lp[i] as string, lp[i + 1] as number);
    }
    this.tree = tree;
    this.index = index;
    this.lp = null;
  }

  // ---- Ordered: ranks and walks over either encoding (order only; the index is the caller's).

  /** Insert a pair known to be absent (order only). */
  insert(score: number, member: string): void {
    if (this.lp === null) return this.tree!.insert(score, member);
    // Redis's listpack stores integral scores as integers, so -0 reads back as 0 there
    // (the skiplist keeps -0).
    if (score === 0) score = 0;
    const at = this.rankOf(score, member) * 2;
    if (at === this.lp.length) this.lp.push(member, score);
    else this.lp.splice(at, 0, member, score);
  }

  /** Remove the pair of rank `rank` (order only); returns its member. */
  removeAt(rank: number): string {
    if (this.lp === null) return this.tree!.removeAt(rank);
    return this.lp.splice(rank * 2, 2)[0] as string;
  }

  /** Remove a present pair (order only); returns whether it was found. */
  remove(score: number, member: string): boolean {
    if (this.lp === null) return this.tree!.remove(score, member);
    const i = this.find(member);
    if (i >= 0) this.lp.splice(i, 2);
    return i >= 0;
  }

  /** Number of pairs ordered before (score, member). */
  rankOf(score: number, member: string): number {
    return this.countWhile((s, m) => s < score || (s === score && m < member));
  }

  /** Number of leading pairs for which the monotone predicate holds. */
  countWhile(below: Below): number {
    const lp = this.lp;
    if (lp === null) return this.tree!.countWhile(below);
    let lo = 0;
    let hi = lp.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(lp[2 * mid + 1] as number, lp[2 * mid] as string)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The member of rank `rank`. */
  memberAt(rank: number): string {
    return this.lp !== null ? this.lp[rank * 2] as string : this.tree!.memberAt(rank);
  }

  /** The score of rank `rank`. */
  scoreAt(rank: number): number {
    return this.lp !== null ? this.lp[rank * 2 + 1] as number : this.tree!.scoreAt(rank);
  }

  /** Visit pairs from rank `from`, ascending or descending, while `visit` returns true. */
  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    const lp = this.lp;
    if (lp === null) return this.tree!.walk(from, reverse, visit);
    const step = reverse ? -2 : 2;
    for (let i = from * 2; i >= 0 && i < lp.length; i += step) {
      if (!visit(lp[i] as string, lp[i + 1] as number)) return;
    }
  }

  /** Members and scores in order, as plain arrays (persistence, tests). */
  toArrays(): { members: string[]; scores: number[] } {
    const members: string[] = [];
    const scores: number[] = [];
    this.walk(0, false, (m, s) => {
      members.push(m);
      scores.push(s);
      return true;
    });
    return { members, scores };
  }

  /**
   * A set built from pairs already in (score, member) order with unique members, in the
   * encoding their count and lengths call for (pass limits of -1 to force the big one).
   */
  static fromSorted(members: string[], scores: number[], limits: ZsetLimits): ZSet {
    let longest = 0;
    for (const m of members) if (m.length > longest) longest = m.length;
    const lp: (string | number)[] = new Array(members.length * 2);
    for (let i = 0; i < members.length; i++) {
      lp[2 * i] = members[i];
      lp[2 * i + 1] = scores[i] === 0 ? 0 : scores[i]; // -0 as in insert()
    }
    const z = new ZSet(lp);
    if (members.length > limits.entries || longest > limits.value) z.grow();
    return z;
  }
}

/**
 * The "zset" data type.
 *
 * @example
 * ```ts
 * const z = ctx.db.lookupRead(key, zsetType); // ZSet | undefined, WRONGTYPE otherwise
 * ```
 */
export const zsetType: TypeSpec<ZSet> = {
  name: "zset",
  encoding: (z) => (z.isSmall ? "listpack" : "skiplist"),
  copy(z) {
    const { members, scores } = z.toArrays();
    const copy = ZSet.fromSorted(members, scores, { entries: Infinity, value: Infinity });
    if (!z.isSmall) copy.grow();
    return copy;
  },
  length: (z) => z.size,
  memoryUsage(z) {
    // Like Redis's MEMORY USAGE: member lengths sampled (16 evenly spaced ranks, so a big
    // set costs O(log N) per sample, not a walk), plus a per-element estimate of the
    // arrays, string headers and, when big, the tree and index (figures from btree.ts).
    const n = z.size;
    const samples = Math.min(n, 16);
    let sampled = 0;
    for (let i = 0; i < samples; i++) sampled += z.memberAt(Math.floor((i * n) / samples)).length;
    const avg = samples === 0 ? 0 : sampled / samples;
    return 64 + Math.round(n * (avg + (z.isSmall ? 40 : 120)));
  },
};

/**
 * The sorted set value and its two encodings, the way Redis has them.
 *
 * Small sets ("listpack" in OBJECT ENCODING) are two parallel arrays, members and scores,
 * kept in (score, member) order: the whole value is three small objects, a member lookup is
 * a native `indexOf` over at most zset-max-listpack-entries (128) strings — as Redis scans
 * its listpack — and ranks are array indexes. Big sets ("skiplist") are a ScoreTree
 * (order-statistic B+ tree, see btree.ts) for order and ranks plus a core Dict member →
 * score for O(1) ZSCORE and for ZSCAN's cursor guarantee. A small set turns big once, when
 * it outgrows zset-max-listpack-entries or receives a member longer than
 * zset-max-listpack-value bytes, and never goes back (like Redis); results that are built
 * whole (ZUNIONSTORE, ZRANGESTORE...) pick their encoding from their final size instead.
 *
 * Both encodings answer the same small interface (`Ordered`: ranks, monotone counts, walks
 * from a rank), so every command is written once, in rank terms, and never asks which
 * encoding it has except for the member index.
 *
 * Thresholds are per server: the config directives' `apply` stores them in a WeakMap keyed
 * by the server, and every mutation receives them through `limitsOf(server)`.
 */

import type { TypeSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { Dict } from "../../core/dict.ts";
import { type Below, ScoreTree } from "./btree.ts";

/**
 * What both encodings provide: order, ranks and walks over (score, member) pairs.
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
 * The small encoding: sorted parallel arrays.
 *
 * @example
 * ```ts
 * const f = new FlatOrder();
 * f.insert(2, "b");
 * f.insert(1, "a");
 * f.members; // ["a", "b"]
 * ```
 */
export class FlatOrder implements Ordered {
  constructor(public members: string[] = [], public scores: number[] = []) {}

  get size(): number {
    return this.members.length;
  }

  insert(score: number, member: string): void {
    const at = this.rankOf(score, member);
    this.members.splice(at, 0, member);
    this.scores.splice(at, 0, score);
  }

  removeAt(rank: number): string {
    const member = this.members[rank];
    this.members.splice(rank, 1);
    this.scores.splice(rank, 1);
    return member;
  }

  remove(_score: number, member: string): boolean {
    const i = this.members.indexOf(member);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  rankOf(score: number, member: string): number {
    return this.countWhile((s, m) => s < score || (s === score && m < member));
  }

  countWhile(below: Below): number {
    let lo = 0;
    let hi = this.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(this.scores[mid], this.members[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  memberAt(rank: number): string {
    return this.members[rank];
  }

  scoreAt(rank: number): number {
    return this.scores[rank];
  }

  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    const step = reverse ? -1 : 1;
    for (let i = from; i >= 0 && i < this.members.length; i += step) {
      if (!visit(this.members[i], this.scores[i])) return;
    }
  }
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
 * @example
 * ```ts
 * const z = new ZSet();
 * z.add("a", 1, limits);
 * z.score("a"); // 1
 * ctx.db.add(key, z);
 * ```
 */
export class ZSet {
  /** The ordered pairs (FlatOrder while small, ScoreTree once big). */
  order: Ordered;
  /** member → score, present only in the big encoding. */
  index: Dict<number> | null;

  constructor(order: Ordered = new FlatOrder(), index: Dict<number> | null = null) {
    this.order = order;
    this.index = index;
  }

  get type(): TypeSpec<ZSet> {
    return zsetType;
  }

  /** Number of members. */
  get size(): number {
    return this.order.size;
  }

  /** Whether the compact encoding is in use. */
  get isSmall(): boolean {
    return this.index === null;
  }

  /** A member's score, or undefined. */
  score(member: string): number | undefined {
    if (this.index !== null) return this.index.get(member);
    const flat = this.order as FlatOrder;
    const i = flat.members.indexOf(member);
    return i < 0 ? undefined : flat.scores[i];
  }

  /** A member's 0-based ascending rank, or -1. */
  rank(member: string): number {
    if (this.index === null) {
      const flat = this.order as FlatOrder;
      return flat.members.indexOf(member);
    }
    const score = this.index.get(member);
    return score === undefined ? -1 : this.order.rankOf(score, member);
  }

  /** Add a member that is not present, converting to the big encoding when it outgrows. */
  add(member: string, score: number, limits: ZsetLimits): void {
    if (this.index === null && (this.size + 1 > limits.entries || member.length > limits.value)) {
      this.grow();
    }
    this.order.insert(score, member);
    this.index?.insertNew(member, score);
  }

  /** Change the score of a present member. */
  update(member: string, oldScore: number, newScore: number): void {
    if (oldScore === newScore) return;
    this.order.remove(oldScore, member);
    this.order.insert(newScore, member);
    this.index?.set(member, newScore);
  }

  /** Remove a member; returns whether it was present. */
  delete(member: string): boolean {
    if (this.index === null) return this.order.remove(0, member);
    const score = this.index.delete(member);
    if (score === undefined) return false;
    this.order.remove(score, member);
    return true;
  }

  /** Remove the member of rank `rank`; returns it. */
  deleteAt(rank: number): string {
    const member = this.order.removeAt(rank);
    this.index?.delete(member);
    return member;
  }

  /** Switch to the big encoding (if `entries` would be exceeded soon, as Redis presizes). */
  grow(): void {
    if (this.index !== null) return;
    const flat = this.order as FlatOrder;
    const tree = new ScoreTree();
    const index = new Dict<number>(0);
    for (let i = 0; i < flat.members.length; i++) {
      tree.insert(flat.scores[i], flat.members[i]);
      index.insertNew(flat.members[i], flat.scores[i]);
    }
    this.order = tree;
    this.index = index;
  }

  /** Members and scores in order, as plain arrays (persistence, COPY, tests). */
  toArrays(): { members: string[]; scores: number[] } {
    const members: string[] = [];
    const scores: number[] = [];
    this.order.walk(0, false, (m, s) => {
      members.push(m);
      scores.push(s);
      return true;
    });
    return { members, scores };
  }

  /**
   * A set built from pairs already in (score, member) order with unique members, in the
   * encoding their count and lengths call for.
   */
  static fromSorted(members: string[], scores: number[], limits: ZsetLimits): ZSet {
    let longest = 0;
    for (const m of members) if (m.length > longest) longest = m.length;
    if (members.length <= limits.entries && longest <= limits.value) {
      return new ZSet(new FlatOrder(members, scores));
    }
    const tree = new ScoreTree();
    const index = new Dict<number>(0);
    for (let i = 0; i < members.length; i++) {
      tree.insert(scores[i], members[i]);
      index.insertNew(members[i], scores[i]);
    }
    return new ZSet(tree, index);
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
    if (z.isSmall) return new ZSet(new FlatOrder(members, scores));
    return ZSet.fromSorted(members, scores, { entries: -1, value: -1 });
  },
  length: (z) => z.size,
  memoryUsage(z) {
    // Like Redis's MEMORY USAGE: member lengths sampled (16 evenly spaced ranks, so a big
    // set costs O(log N) per sample, not a walk), plus a per-element estimate of the
    // arrays, string headers and, when big, the tree and index (figures from btree.ts).
    const n = z.size;
    const samples = Math.min(n, 16);
    let sampled = 0;
    for (let i = 0; i < samples; i++) sampled += z.order.memberAt(Math.floor((i * n) / samples)).length;
    const avg = samples === 0 ? 0 : sampled / samples;
    return 64 + Math.round(n * (avg + (z.isSmall ? 40 : 120)));
  },
};

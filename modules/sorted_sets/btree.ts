/**
 * An order-statistic B+ tree of (score, member) pairs: the ordered half of a big sorted set.
 *
 * Why a B+ tree and not Redis's skiplist. A skiplist node in JS is an object with a
 * member, a score and an array of forward pointers and spans: four allocations and ~100
 * bytes per element before the member string itself. A B+ tree keeps elements in leaves of
 * up to 64 entries held in two parallel arrays (members, scores), so the per-element cost is
 * two array slots (~16 bytes) plus a share of one leaf object; inner nodes are 1/64th of
 * that again. Lookups touch a handful of small arrays instead of chasing a pointer per level.
 *
 * Order statistics. Every inner node keeps, next to each child, the number of elements
 * under it (`counts`). Descending by counts finds the element of a given rank, and adding
 * up the counts of the children passed on the way gives the rank of an element: both
 * O(log N) (times the node width, a constant). This is what ZRANK, ZRANGE by index and the
 * range starts of ZRANGEBYSCORE need.
 *
 * Separators. Inner node `keys[i]` (a score and a member) is a lower bound for every
 * element under `kids[i]` and greater than every element under `kids[i - 1]`. Inserting
 * descends into the last child whose key is <= the new element, so the invariant holds
 * without ever updating keys on insert; deleting the smallest element of a child leaves its
 * key a valid (if no longer tight) bound. Only splits, merges and redistribution write keys,
 * and they write exact minimums. `keys[0]` is never used for routing.
 *
 * Balance. A node splits in half when it overflows, except at the very end or start of the
 * tree (ascending or descending bulk inserts such as a growing leaderboard or ZUNIONSTORE's
 * sorted output), where the full node is kept and a new one started, so such loads fill
 * nodes completely. A node that drops below a quarter of its capacity is merged with a
 * neighbour or takes elements from it. Leaves are linked both ways for range walks.
 *
 * Ranges are expressed as ranks: `countWhile(pred)` counts the leading elements for which a
 * monotone predicate holds (e.g. "score < min"), so a score or lex range is the rank
 * interval between two such counts, and walking it needs no comparisons at all.
 */

const LEAF_MAX = 64;
const INNER_MAX = 64;
const LEAF_MIN = LEAF_MAX >> 2;
const INNER_MIN = INNER_MAX >> 2;

/** A leaf: sorted parallel arrays, linked to its neighbours. */
class Leaf {
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(public members: string[], public scores: number[]) {}
}

/** An inner node: children, their element counts and their lower-bound keys. */
class Inner {
  constructor(
    public kids: Node[],
    public counts: number[],
    public keyScores: number[],
    public keyMembers: string[],
  ) {}
}

type Node = Leaf | Inner;

/** Compare (s1, m1) with (s2, m2) in sorted-set order: by score, then by member bytes. */
function cmp(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

/** Number of elements under a node (leaf length, or the sum of an inner node's counts). */
function weight(n: Node): number {
  if (n instanceof Leaf) return n.members.length;
  let w = 0;
  for (const c of n.counts) w += c;
  return w;
}

/**
 * Where a node of `len` items splits after an insertion at `pos`: in half, except on the
 * tree's outer edges, where the full part is kept whole and the new item starts a node.
 */
function splitPoint(len: number, pos: number, atStart: boolean, atEnd: boolean): number {
  if (atEnd && pos === len - 1) return len - 1;
  if (atStart && pos <= 1) return 1;
  return len >> 1;
}

/**
 * A predicate over (score, member) that is true for a prefix of the sorted order.
 *
 * @example
 * ```ts
 * const belowTen: Below = (score) => score < 10;
 * ```
 */
export type Below = (score: number, member: string) => boolean;

/**
 * An order-statistic B+ tree of (score, member) pairs. Members must be unique (the caller
 * keeps the member → score index); the tree only orders.
 *
 * @example
 * ```ts
 * const t = new ScoreTree();
 * t.insert(2, "b");
 * t.insert(1, "a");
 * t.rankOf(2, "b"); // 1
 * t.memberAt(0); // "a"
 * ```
 */
export class ScoreTree {
  private root: Node = new Leaf([], []);
  private first: Leaf = this.root as Leaf;
  private last: Leaf = this.root as Leaf;
  private count = 0;

  /** Number of elements. */
  get size(): number {
    return this.count;
  }

  /** Insert a pair that is not present. */
  insert(score: number, member: string): void {
    const sibling = this.insertInto(this.root, score, member, true, true);
    this.count++;
    if (sibling) {
      const old = this.root;
      const [s, m] = this.minKey(sibling);
      this.root = new Inner([old, sibling], [weight(old), weight(sibling)], [0, s], ["", m]);
    }
  }

  /** Remove the element of rank `rank` (0-based); returns its member. */
  removeAt(rank: number): string {
    const member = this.removeFrom(this.root, rank);
    this.count--;
    while (this.root instanceof Inner && this.root.kids.length === 1) this.root = this.root.kids[0];
    return member;
  }

  /** Remove a present pair; returns whether it was found. */
  remove(score: number, member: string): boolean {
    const rank = this.rankOf(score, member);
    if (rank >= this.count) return false;
    const [leaf, i] = this.locate(rank);
    if (leaf.scores[i] !== score || leaf.members[i] !== member) return false;
    this.removeAt(rank);
    return true;
  }

  /** Number of elements ordered before (score, member): its rank when present. */
  rankOf(score: number, member: string): number {
    return this.countWhile((s, m) => cmp(s, m, score, member) < 0);
  }

  /** Number of leading elements for which the monotone predicate `below` holds. */
  countWhile(below: Below): number {
    let node = this.root;
    let rank = 0;
    while (node instanceof Inner) {
      // The last child whose lower bound is still below: everything before it is below too.
      let lo = 1;
      let hi = node.kids.length - 1;
      let pick = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (below(node.keyScores[mid], node.keyMembers[mid])) {
          pick = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let i = 0; i < pick; i++) rank += node.counts[i];
      node = node.kids[pick];
    }
    let lo = 0;
    let hi = node.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(node.scores[mid], node.members[mid])) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /** The member of rank `rank` (0 <= rank < size). */
  memberAt(rank: number): string {
    const [leaf, i] = this.locate(rank);
    return leaf.members[i];
  }

  /** The score of rank `rank` (0 <= rank < size). */
  scoreAt(rank: number): number {
    const [leaf, i] = this.locate(rank);
    return leaf.scores[i];
  }

  /**
   * Visit elements from rank `from` (inclusive), ascending or descending, while `visit`
   * returns true (or until the end).
   */
  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    if (from < 0 || from >= this.count) return;
    let [leaf, i]: [Leaf | null, number] = this.locate(from);
    while (leaf) {
      if (reverse) {
        for (; i >= 0; i--) if (!visit(leaf.members[i], leaf.scores[i])) return;
        leaf = leaf.prev;
        i = leaf ? leaf.members.length - 1 : 0;
      } else {
        const n = leaf.members.length;
        for (; i < n; i++) if (!visit(leaf.members[i], leaf.scores[i])) return;
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** The leaf holding rank `rank` and the index inside it. */
  private locate(rank: number): [Leaf, number] {
    if (rank < this.first.members.length) return [this.first, rank];
    const fromEnd = this.count - rank;
    if (fromEnd <= this.last.members.length) return [this.last, this.last.members.length - fromEnd];
    let node = this.root;
    while (node instanceof Inner) {
      let i = 0;
      while (rank >= node.counts[i]) rank -= node.counts[i++];
      node = node.kids[i];
    }
    return [node, rank];
  }

  private minKey(n: Node): [number, string] {
    return n instanceof Leaf ? [n.scores[0], n.members[0]] : [n.keyScores[0], n.keyMembers[0]];
  }

  /** Insert below `node`; returns a new right sibling when `node` split. */
  private insertInto(
    node: Node,
    score: number,
    member: string,
    atStart: boolean,
    atEnd: boolean,
  ): Node | null {
    if (node instanceof Leaf) {
      const { members, scores } = node;
      let lo = 0;
      let hi = members.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(scores[mid], members[mid], score, member) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo === members.length) {
        members.push(member);
        scores.push(score);
      } else {
        members.splice(lo, 0, member);
        scores.splice(lo, 0, score);
      }
      if (members.length <= LEAF_MAX) return null;
      const cut = splitPoint(members.length, lo, atStart, atEnd);
      const right = new Leaf(members.splice(cut), scores.splice(cut));
      right.next = node.next;
      right.prev = node;
      if (node.next) node.next.prev = right;
      else this.last = right;
      node.next = right;
      return right;
    }
    const { kids, counts, keyScores, keyMembers } = node;
    let lo = 1;
    let hi = kids.length - 1;
    let pick = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(keyScores[mid], keyMembers[mid], score, member) <= 0) {
        pick = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    counts[pick]++;
    const last = kids.length - 1;
    const sibling = this.insertInto(
      kids[pick],
      score,
      member,
      atStart && pick === 0,
      atEnd && pick === last,
    );
    if (!sibling) return null;
    const [s, m] = this.minKey(sibling);
    const w = weight(sibling);
    counts[pick] -= w;
    kids.splice(pick + 1, 0, sibling);
    counts.splice(pick + 1, 0, w);
    keyScores.splice(pick + 1, 0, s);
    keyMembers.splice(pick + 1, 0, m);
    if (kids.length <= INNER_MAX) return null;
    const cut = splitPoint(kids.length, pick + 1, atStart, atEnd);
    return new Inner(
      kids.splice(cut),
      counts.splice(cut),
      keyScores.splice(cut),
      keyMembers.splice(cut),
    );
  }

  /** Remove rank `rank` below `node`, rebalancing underfull children on the way back up. */
  private removeFrom(node: Node, rank: number): string {
    if (node instanceof Leaf) {
      const member = node.members[rank];
      node.members.splice(rank, 1);
      node.scores.splice(rank, 1);
      return member;
    }
    let i = 0;
    while (rank >= node.counts[i]) rank -= node.counts[i++];
    node.counts[i]--;
    const kid = node.kids[i];
    const member = this.removeFrom(kid, rank);
    const small = kid instanceof Leaf ? kid.members.length < LEAF_MIN : kid.kids.length < INNER_MIN;
    if (small && node.kids.length > 1) this.rebalance(node, i);
    return member;
  }

  /** Merge an underfull child with a neighbour, or even them out when both are too big. */
  private rebalance(parent: Inner, i: number): void {
    const l = i > 0 ? i - 1 : i;
    const r = l + 1;
    const left = parent.kids[l];
    const right = parent.kids[r];
    if (left instanceof Leaf && right instanceof Leaf) {
      const total = left.members.length + right.members.length;
      if (total <= LEAF_MAX) {
        left.members.push(...right.members);
        left.scores.push(...right.scores);
        left.next = right.next;
        if (right.next) right.next.prev = left;
        else this.last = left;
        this.dropKid(parent, l, r);
        return;
      }
      const move = left.members.length - (total >> 1);
      if (move > 0) {
        right.members.unshift(...left.members.splice(left.members.length - move));
        right.scores.unshift(...left.scores.splice(left.scores.length - move));
      } else {
        left.members.push(...right.members.splice(0, -move));
        left.scores.push(...right.scores.splice(0, -move));
      }
      parent.counts[l] = left.members.length;
      parent.counts[r] = right.members.length;
      parent.keyScores[r] = right.scores[0];
      parent.keyMembers[r] = right.members[0];
      return;
    }
    const a = left as Inner;
    const b = right as Inner;
    // b's first child is bounded by the parent's separator (b's own keys[0] may be stale).
    b.keyScores[0] = parent.keyScores[r];
    b.keyMembers[0] = parent.keyMembers[r];
    const total = a.kids.length + b.kids.length;
    if (total <= INNER_MAX) {
      a.kids.push(...b.kids);
      a.counts.push(...b.counts);
      a.keyScores.push(...b.keyScores);
      a.keyMembers.push(...b.keyMembers);
      this.dropKid(parent, l, r);
      return;
    }
    const move = a.kids.length - (total >> 1);
    if (move > 0) {
      const at = a.kids.length - move;
      b.kids.unshift(...a.kids.splice(at));
      b.counts.unshift(...a.counts.splice(at));
      b.keyScores.unshift(...a.keyScores.splice(at));
      b.keyMembers.unshift(...a.keyMembers.splice(at));
    } else {
      a.kids.push(...b.kids.splice(0, -move));
      a.counts.push(...b.counts.splice(0, -move));
      a.keyScores.push(...b.keyScores.splice(0, -move));
      a.keyMembers.push(...b.keyMembers.splice(0, -move));
    }
    parent.counts[l] = weight(a);
    parent.counts[r] = weight(b);
    parent.keyScores[r] = b.keyScores[0];
    parent.keyMembers[r] = b.keyMembers[0];
  }

  /** Remove child `r` from `parent` after merging it into child `l`. */
  private dropKid(parent: Inner, l: number, r: number): void {
    parent.counts[l] += parent.counts[r];
    parent.kids.splice(r, 1);
    parent.counts.splice(r, 1);
    parent.keyScores.splice(r, 1);
    parent.keyMembers.splice(r, 1);
  }
}

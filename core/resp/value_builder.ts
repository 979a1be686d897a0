/**
 * A ReplyWriter that builds JS values instead of bytes: the sink behind embedded `call()`.
 *
 * Mapping: simple and bulk strings → string, integers → number (bigint beyond 2^53),
 * doubles → number, booleans → boolean, nulls → null, arrays/sets/pushes → arrays,
 * maps → Map, errors → a ReplyError value (the caller decides whether to throw it).
 * Aggregates are assembled with a stack of open containers, so nested replies written as
 * header + elements come out as nested values.
 */

import type { ReplyWriter } from "../spec.ts";
import { ReplyError } from "../errors.ts";

/** A reply as a JS value. */
export type ReplyValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | ReplyError
  | ReplyValue[]
  | Map<ReplyValue, ReplyValue>;

interface Open {
  items: ReplyValue[];
  remaining: number;
  asMap: boolean;
}

/**
 * Builds one reply value.
 *
 * @example
 * ```ts
 * const b = new ValueBuilder(3);
 * b.array(2); b.bulk("a"); b.int(1);
 * b.take(); // ["a", 1]
 * ```
 */
export class ValueBuilder implements ReplyWriter {
  /** Called with every error reply written (error statistics). */
  onError: ((msg: string) => void) | null = null;
  private stack: Open[] = [];
  private done: ReplyValue[] = [];

  constructor(public resp: 2 | 3, private readonly decode: (s: string) => string = (s) => s) {}

  /** The finished top-level replies, in order, and reset. */
  takeAll(): ReplyValue[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  /** The first finished reply (commands write exactly one). */
  take(): ReplyValue {
    return this.takeAll()[0] ?? null;
  }

  private add(v: ReplyValue): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.done.push(v);
        return;
      }
      top.items.push(v);
      if (--top.remaining > 0) return;
      this.stack.pop();
      if (top.asMap) {
        const m = new Map<ReplyValue, ReplyValue>();
        for (let i = 0; i < top.items.length; i += 2) m.set(top.items[i], top.items[i + 1]);
        v = m;
      } else v = top.items;
    }
  }

  private open(n: number, asMap: boolean): void {
    if (n === 0) this.add(asMap ? new Map() : []);
    else this.stack.push({ items: [], remaining: asMap ? 2 * n : n, asMap });
  }

  ok(): void {
    this.add("OK");
  }
  simple(s: string): void {
    this.add(s);
  }
  error(msg: string): void {
    this.onError?.(msg);
    this.add(new ReplyError(msg));
  }
  int(n: number | bigint): void {
    if (
      typeof n === "bigint" && n >= BigInt(Number.MIN_SAFE_INTEGER) &&
      n <= BigInt(Number.MAX_SAFE_INTEGER)
    ) {
      this.add(Number(n));
    } else this.add(n);
  }
  bulk(s: string | null): void {
    this.add(s === null ? null : this.decode(s));
  }
  null(): void {
    this.add(null);
  }
  nullArray(): void {
    this.add(null);
  }
  array(n: number): void {
    this.open(n, false);
  }
  map(n: number): void {
    this.open(n, this.resp === 3);
    if (this.resp === 2 && n > 0) this.stack[this.stack.length - 1].remaining = 2 * n;
  }
  set(n: number): void {
    this.open(n, false);
  }
  push(n: number): void {
    this.open(n, false);
  }
  double(d: number): void {
    this.add(d);
  }
  bool(b: boolean): void {
    this.add(this.resp === 3 ? b : b ? 1 : 0);
  }
  verbatim(s: string): void {
    this.add(this.decode(s));
  }
  bigNumber(s: string): void {
    this.add(BigInt(s));
  }
  bulks(items: readonly (string | null)[]): void {
    this.add(items.map((s) => (s === null ? null : this.decode(s))));
  }
}

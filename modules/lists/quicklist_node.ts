/**
 * One chunk of a QuickList (quicklist.ts explains the design): an "open" array of strings,
 * or "packed" — the elements concatenated into one latin1 string with a typed array of
 * boundaries, read by `slice` and compared by `startsWith` at an offset, and popped at
 * either end by moving a cursor. Every other edit opens the node first.
 */

import { lpEntrySize } from "./listpack_size.ts";

/**
 * One chunk of the list.
 *
 * @example
 * ```ts
 * const n = new Node(["a", "b"], lpEntrySize("a") + lpEntrySize("b"));
 * n.pack();
 * n.at(1); // "b"
 * ```
 */
export class Node {
  prev: Node | null = null;
  next: Node | null = null;
  /** Open form: the elements; null when packed. */
  items: string[] | null;
  /** Packed form: the elements back to back. */
  data = "";
  /** Packed form: element i (absolute) spans data[offs[i], offs[i + 1]). */
  offs: Uint16Array | Uint32Array | null = null;
  /** Packed form: the live elements are lo..hi-1. */
  lo = 0;
  hi = 0;
  count: number;
  /** Listpack bytes of the elements. */
  size: number;

  constructor(items: string[], size: number) {
    this.items = items;
    this.count = items.length;
    this.size = size;
  }

  at(i: number): string {
    const items = this.items;
    if (items !== null) return items[i];
    const offs = this.offs!;
    const j = this.lo + i;
    return this.data.slice(offs[j], offs[j + 1]);
  }

  equals(i: number, v: string): boolean {
    const items = this.items;
    if (items !== null) return items[i] === v;
    const offs = this.offs!;
    const j = this.lo + i;
    const a = offs[j];
    return offs[j + 1] - a === v.length && this.data.startsWith(v, a);
  }

  /** The node as an editable array (unpacking it if needed). */
  open(): string[] {
    let items = this.items;
    if (items === null) {
      items = [];
      for (let i = 0; i < this.count; i++) items.push(this.at(i));
      this.items = items;
      this.data = "";
      this.offs = null;
    }
    return items;
  }

  /** Store the elements as one string plus boundaries. */
  pack(): void {
    const items = this.items;
    if (items === null || items.length < 2) return;
    const n = items.length;
    const data = items.join("");
    const offs = data.length < 65536 ? new Uint16Array(n + 1) : new Uint32Array(n + 1);
    let p = 0;
    for (let i = 0; i < n; i++) {
      offs[i] = p;
      p += items[i].length;
    }
    offs[n] = p;
    this.data = data;
    this.offs = offs;
    this.lo = 0;
    this.hi = n;
    this.items = null;
  }

  shift(): string {
    this.count--;
    if (this.items !== null) return this.items.shift()!;
    const offs = this.offs!;
    const j = this.lo++;
    return this.data.slice(offs[j], offs[j + 1]);
  }

  pop(): string {
    this.count--;
    if (this.items !== null) return this.items.pop()!;
    const offs = this.offs!;
    const j = --this.hi;
    return this.data.slice(offs[j], offs[j + 1]);
  }

  /** Remove `k` elements from `off`; returns their listpack bytes. */
  removeSpan(off: number, k: number): number {
    let bytes = 0;
    for (let i = off; i < off + k; i++) bytes += lpEntrySize(this.at(i));
    if (this.items === null && off === 0) this.lo += k;
    else if (this.items === null && off + k === this.count) this.hi -= k;
    else this.open().splice(off, k);
    this.count -= k;
    this.size -= bytes;
    return bytes;
  }
}

/**
 * The listpack bytes of `items`.
 *
 * @example
 * ```ts
 * sizeOf(["a", "1"]); // 5
 * ```
 */
export function sizeOf(items: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < items.length; i++) n += lpEntrySize(items[i]);
  return n;
}

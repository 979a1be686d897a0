/**
 * The list type: the value class stored in the keyspace, its TypeSpec, the per-server list
 * settings (list-max-listpack-size, list-compress-depth) and the encoding rules.
 *
 * A ListValue is a QuickList (quicklist.ts) that knows its type. Its encoding follows
 * Redis's rules so OBJECT ENCODING answers the same:
 *   - a new list is "listpack": the compact form, one flat array;
 *   - before elements are added (push, LINSERT, LSET, LMOVE's push) the would-be listpack
 *     size is checked against list-max-listpack-size, with the added elements counted by
 *     their raw length as Redis does, and the list becomes a "quicklist" (chunked, packed
 *     inner nodes) when it would exceed it;
 *   - after elements are removed, a quicklist that fell to half the limit (bytes for a
 *     negative setting, entries for a positive one) becomes a listpack again. Redis also
 *     requires its quicklist to be a single node; Modis's nodes differ from Redis's, so the
 *     rule is applied on the totals, which is what a single node holds.
 * list-compress-depth is accepted and stored: Modis does not compress inner nodes (packing
 * them already removes the per-element overhead, and LZF on short elements saves little).
 */

import type { ServerApi } from "../../core/server.ts";
import type { TypeSpec } from "../../core/spec.ts";
import { QuickList } from "./quicklist.ts";
import {
  byteLimit,
  exceedsFill,
  LISTPACK_EMPTY_BYTES,
  SIZE_SAFETY_LIMIT,
} from "./listpack_size.ts";

/** The list settings of one server. */
export interface ListSettings {
  /** list-max-listpack-size. */
  fill: number;
  /** list-compress-depth (accepted, not used). */
  compressDepth: number;
}

const settingsByServer = new WeakMap<ServerApi, ListSettings>();

/**
 * The list settings of `server` (defaults until the module's configs apply).
 *
 * @example
 * ```ts
 * const { fill } = listSettings(ctx.server);
 * ```
 */
export function listSettings(server: ServerApi): ListSettings {
  let s = settingsByServer.get(server);
  if (s === undefined) settingsByServer.set(server, s = { fill: -2, compressDepth: 0 });
  return s;
}

/**
 * A list value as the keyspace stores it.
 *
 * @example
 * ```ts
 * const list = ListValue.from(["a", "b"], -2);
 * ctx.db.add("k", list);
 * ```
 */
export class ListValue extends QuickList {
  get type(): TypeSpec<ListValue> {
    return listType;
  }

  /** A list holding `items`, in the encoding Redis would pick for `fill` (RDB loading, COPY). */
  static from(items: string[], fill: number): ListValue {
    const list = new ListValue();
    list.rebuild(items);
    if (list.length > 0) {
      let raw = 0;
      for (const s of items) raw += s.length;
      if (exceedsFill(fill, LISTPACK_EMPTY_BYTES + raw, items.length)) list.expand();
    }
    return list;
  }
}

/**
 * The list TypeSpec.
 *
 * @example
 * ```ts
 * const list = ctx.db.lookupWrite(key, listType); // WRONGTYPE for other types
 * ```
 */
export const listType: TypeSpec<ListValue> = {
  name: "list",
  encoding: (v) => (v.compact ? "listpack" : "quicklist"),
  copy(v) {
    const c = new ListValue();
    c.compact = v.compact;
    c.rebuild(v.toArray());
    return c;
  },
  // Packed bytes plus a string header and boundary per element, and node overhead.
  memoryUsage: (v) =>
    v.size + LISTPACK_EMPTY_BYTES + (v.compact ? 16 * v.length : 160 * v.nodeCount),
  length: (v) => v.length,
};

/**
 * Before adding `addCount` elements of `addBytes` raw bytes: leave the compact form when
 * the listpack would grow past list-max-listpack-size.
 *
 * @example
 * ```ts
 * growList(list, settings.fill, argv[2].length, 1);
 * ```
 */
export function growList(list: ListValue, fill: number, addBytes: number, addCount: number): void {
  if (
    list.compact &&
    exceedsFill(fill, LISTPACK_EMPTY_BYTES + list.size + addBytes, list.length + addCount)
  ) {
    list.expand();
  }
}

/**
 * After removing or replacing elements: come back to the compact form when the list fell
 * to half the limit.
 *
 * @example
 * ```ts
 * list.popHead();
 * if (list.length > 0) shrinkList(list, settings.fill);
 * ```
 */
export function shrinkList(list: ListValue, fill: number): void {
  if (list.compact || list.length === 0) return;
  const bytes = LISTPACK_EMPTY_BYTES + list.size;
  if (fill >= 0) {
    const count = fill === 0 ? 1 : fill;
    if (list.length > Math.floor(count / 2) || bytes > SIZE_SAFETY_LIMIT) return;
  } else if (bytes > byteLimit(fill) >>> 1) return;
  list.shrink();
}

/**
 * The neutral in-memory form of a Redis value, as the codecs in this directory read and write
 * it. The types are declared in core (core/rdb_form.ts) because data types convert to and
 * from them through their TypeSpecs and core never imports modules; they are re-exported
 * here so the codecs keep one import. See that file for the conventions (binary strings,
 * absolute ms times, "ms-seq" stream IDs).
 */

import type { RdbValue } from "../../../core/rdb_form.ts";

export type {
  HashValue,
  ListValue,
  ModuleValue,
  RdbValue,
  SetValue,
  StreamConsumer,
  StreamEntry,
  StreamGroup,
  StreamPendingEntry,
  StreamValue,
  StringValue,
  ZsetValue,
} from "../../../core/rdb_form.ts";

/**
 * Whether a value is an empty collection. Redis never saves one, and when a file holds one
 * anyway its loader skips the key ("empty keys skipped") and RESTORE refuses the payload.
 * Streams and strings may legitimately be empty.
 *
 * @example
 * ```ts
 * isEmptyCollection({ kind: "list", items: [] }); // true
 * ```
 */
export function isEmptyCollection(v: RdbValue): boolean {
  switch (v.kind) {
    case "list":
      return v.items.length === 0;
    case "set":
      return v.members.length === 0;
    case "zset":
    case "hash":
      return v.entries.length === 0;
    default:
      return false;
  }
}

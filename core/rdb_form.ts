/**
 * The neutral persistence form of a value: what a data type hands to persistence (RDB
 * files, DUMP payloads, AOF rewrites, replication) and gets back when loading. Types only.
 *
 * Why it lives in core: every data type converts to and from it through its TypeSpec
 * (`toRdb` / `fromRdb`), and core must never import modules/, so the contract sits here;
 * the persistence module's codecs (modules/persistence/format/) turn it into bytes. It is
 * deliberately plain data — arrays of binary strings and numbers, no classes — so a type
 * module needs no knowledge of the file format and tests compare forms with deep equality.
 *
 * Conventions:
 *   - every string is a binary string (latin1: one char per byte), including integers that
 *     an encoding stored as numbers (they come back in decimal, exactly as Redis prints them);
 *   - order is kept as stored: list order, and for sets/hashes/zsets the order of the encoding
 *     (nobody may rely on it for hash tables, which Redis dumps in table order);
 *   - times are absolute Unix milliseconds (numbers: they fit comfortably below 2^53);
 *   - stream IDs are strings "ms-seq" (both parts unsigned 64-bit, which a number can't hold).
 *
 * Plugin types do not use a form: like Redis modules they write themselves field by field
 * through `RdbOutput` and read back through `RdbInput` (TypeSpec `rdbSave` / `rdbLoad`),
 * and persistence stores the result as an opaque module value named by the type.
 */

/** A string value. @example `{ kind: "string", value: "hello" }` */
export interface StringValue {
  kind: "string";
  value: string;
}

/** A list, head first. @example `{ kind: "list", items: ["a", "b"] }` */
export interface ListValue {
  kind: "list";
  items: string[];
}

/** A set. @example `{ kind: "set", members: ["x", "1"] }` */
export interface SetValue {
  kind: "set";
  members: string[];
}

/** A sorted set as [member, score] pairs (any order on input). @example `{ kind: "zset", entries: [["a", 1.5]] }` */
export interface ZsetValue {
  kind: "zset";
  entries: [member: string, score: number][];
}

/**
 * A hash as [field, value] pairs, or [field, value, expireAtMs] for fields with a TTL
 * (Redis 7.4 HEXPIRE; writing them needs RDB version 12).
 *
 * @example
 * ```ts
 * const h: HashValue = { kind: "hash", entries: [["f", "v"], ["g", "w", 1893456000000]] };
 * ```
 */
export interface HashValue {
  kind: "hash";
  entries: [field: string, value: string, expireAt?: number][];
}

/** One stream entry. @example `{ id: "1700000000000-0", fields: [["temp", "21"]] }` */
export interface StreamEntry {
  id: string;
  fields: [field: string, value: string][];
}

/** A pending entry of a consumer group. @example `{ id: "1-0", deliveryTime: 0, deliveryCount: 1 }` */
export interface StreamPendingEntry {
  id: string;
  /** Last delivery, Unix ms. */
  deliveryTime: number;
  deliveryCount: number;
}

/** A consumer and the IDs of the group's pending entries it owns. @example `{ name: "c1", seenTime: 0, activeTime: 0, pending: ["1-0"] }` */
export interface StreamConsumer {
  name: string;
  seenTime: number;
  /** Redis 7.2+; older files give the seen time. */
  activeTime: number;
  pending: string[];
}

/** A consumer group. @example `{ name: "g", lastId: "0-0", entriesRead: -1, pending: [], consumers: [] }` */
export interface StreamGroup {
  name: string;
  lastId: string;
  /**
   * -1 when unknown (Redis's "invalid entries read"); null when the file did not store it
   * (RDB before version 10): the loader estimates it from the stream, as Redis does.
   */
  entriesRead: number | null;
  pending: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

/**
 * A stream: its live entries in ID order plus the metadata XINFO shows.
 *
 * @example
 * ```ts
 * const s: StreamValue = {
 *   kind: "stream", entries: [{ id: "1-1", fields: [["a", "1"]] }],
 *   lastId: "1-1", firstId: "1-1", maxDeletedId: "0-0", entriesAdded: 1, groups: [],
 * };
 * ```
 */
export interface StreamValue {
  kind: "stream";
  entries: StreamEntry[];
  lastId: string;
  firstId: string;
  maxDeletedId: string;
  entriesAdded: number;
  groups: StreamGroup[];
}

/**
 * A plugin type's value, kept opaque: the module ID (9-character type name + 10-bit
 * encoding version) and the raw bytes of its serialized item stream, terminated by the
 * module EOF opcode.
 *
 * @example
 * ```ts
 * const m: ModuleValue = { kind: "module", name: "mytype-AB", encver: 1, body: new Uint8Array([0]) };
 * ```
 */
export interface ModuleValue {
  kind: "module";
  name: string;
  encver: number;
  body: Uint8Array;
}

/** Any value in neutral form. @example `const v: RdbValue = { kind: "string", value: "x" }` */
export type RdbValue =
  | StringValue
  | ListValue
  | SetValue
  | ZsetValue
  | HashValue
  | StreamValue
  | ModuleValue;

/**
 * Where a plugin type writes its value (Redis's RedisModule_Save* family). Integers are
 * 64-bit (a number must be a safe integer); strings are binary strings.
 *
 * @example
 * ```ts
 * rdbSave(value, out) { out.saveUnsigned(value.items.length); for (const s of value.items) out.saveString(s); }
 * ```
 */
export interface RdbOutput {
  saveUnsigned(n: number | bigint): void;
  saveSigned(n: number | bigint): void;
  saveString(s: string): void;
  saveDouble(d: number): void;
  saveFloat(f: number): void;
}

/**
 * Where a plugin type reads its value back, in the order it was written (Redis's
 * RedisModule_Load* family). A read of the wrong kind, or past the end, throws: the value is
 * corrupt and the load fails with an error naming the type.
 *
 * @example
 * ```ts
 * rdbLoad(input, encver) { const n = Number(input.loadUnsigned()); ... }
 * ```
 */
export interface RdbInput {
  loadUnsigned(): bigint;
  loadSigned(): bigint;
  loadString(): string;
  loadDouble(): number;
  loadFloat(): number;
}

/**
 * Values ↔ their persisted forms, through each type's own TypeSpec hooks: persistence never
 * switches on types.
 *
 *   - Built-in types convert to and from the neutral form (core/rdb_form.ts) with
 *     `toRdb` / `fromRdb`. The list, hash, set, sorted set and stream modules are still being
 *     written by their owners, so until their TypeSpecs carry the pair, the converters live
 *     here in `FALLBACK`, keyed by type name, built on each module's own public helpers
 *     (`ListValue.from`, `HashValue.fromEntries`, `setFromArray`, `ZSet.fromSorted`,
 *     `Stream.fromRdb`...). A TypeSpec's own hook always wins, so an owner adopting the pair
 *     makes the fallback dead and it can be deleted.
 *   - Plugin types (a 9-character name) save themselves field by field, like Redis modules:
 *     `rdbSave(value, out)` / `rdbLoad(input, encver)` over the annotated item stream of a
 *     MODULE_2 value (module_io.ts). The same path serves RDB files, DUMP/RESTORE and the
 *     RDB preamble of AOF files.
 *
 * `minRdbVersion` tells the smallest RDB version that can hold a value: Modis writes RDB 10
 * (what Redis 7.0 loads) unless a value needs more — today only hashes with field TTLs, which
 * exist from RDB 12 (Redis 7.4).
 */

import type { ServerApi } from "../../core/server.ts";
import type { AnyTypeSpec, Value } from "../../core/spec.ts";
import type { RdbValue } from "../../core/rdb_form.ts";
import { stringType } from "../../core/string_type.ts";
import { listSettings, ListValue as List } from "../lists/list_type.ts";
import { type HashEntry, HashValue as Hash } from "../hashes/hash_value.ts";
import { hashLimits } from "../hashes/config.ts";
import { setFromArray, type SetValue as Set_ } from "../sets/set_value.ts";
import { setLimits } from "../sets/limits.ts";
import { limitsOf, ZSet } from "../sorted_sets/zset.ts";
import { Stream } from "../streams/stream.ts";
import { streamLimits } from "../streams/config.ts";
import { readModuleValue, writeModuleValue } from "./module_io.ts";

/** A converter pair for a built-in type whose TypeSpec does not carry one yet. */
interface Fallback {
  toRdb(value: unknown): RdbValue;
  fromRdb(form: RdbValue, server: ServerApi): unknown;
  minRdbVersion?(value: unknown): number;
}

function expect<K extends RdbValue["kind"]>(
  form: RdbValue,
  kind: K,
): Extract<RdbValue, { kind: K }> {
  if (form.kind !== kind) throw new Error(`expected a ${kind} value, found a ${form.kind}`);
  return form as Extract<RdbValue, { kind: K }>;
}

/** Sort (member, score) pairs in Redis's order: by score, then member bytes. */
function byScore(a: [string, number], b: [string, number]): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

const FALLBACK: Record<string, Fallback> = {
  list: {
    toRdb: (v: List) => ({ kind: "list", items: v.toArray() }),
    fromRdb: (f, server) => List.from(expect(f, "list").items, listSettings(server).fill),
  },
  hash: {
    toRdb: (v: Hash) => ({
      kind: "hash",
      entries: v.entries().map(([f, val, at]) => (at ? [f, val, at] : [f, val])),
    }),
    fromRdb(f, server) {
      const entries: HashEntry[] = expect(f, "hash").entries.map(([k, v, at]) => [k, v, at ?? 0]);
      return Hash.fromEntries(entries, hashLimits(server));
    },
    minRdbVersion: (v: Hash) => (v.volatile ? 12 : 10),
  },
  set: {
    toRdb: (v: Set_) => ({ kind: "set", members: v.toArray() }),
    fromRdb: (f, server) => setFromArray(expect(f, "set").members, setLimits(server)),
  },
  zset: {
    toRdb(v: ZSet) {
      const { members, scores } = v.toArrays();
      return { kind: "zset", entries: members.map((m, i) => [m, scores[i]]) };
    },
    fromRdb(f, server) {
      const entries = expect(f, "zset").entries.slice().sort(byScore);
      for (const [, s] of entries) if (Number.isNaN(s)) throw new Error("sorted set score is NaN");
      const members = entries.map((e) => e[0]);
      if (new Set(members).size !== members.length) throw new Error("duplicate sorted set member");
      return ZSet.fromSorted(members, entries.map((e) => e[1]), limitsOf(server));
    },
  },
  stream: {
    toRdb: (v: Stream) => v.toRdb(),
    fromRdb: (f, server) => Stream.fromRdb(expect(f, "stream"), streamLimits(server)),
  },
};

/**
 * A value that persistence cannot handle: its type has no persistence hooks, or a file holds
 * a type this server does not know. The message names the type.
 *
 * @example
 * ```ts
 * throw new PersistError("type 'mytype-AB' has no rdbSave");
 * ```
 */
export class PersistError extends Error {
  /** @example `new PersistError("...")` */
  constructor(message: string) {
    super(message);
    this.name = "PersistError";
  }
}

/**
 * A keyspace value in its persisted form: the neutral form for built-in types, a module
 * value for plugin types.
 *
 * @example
 * ```ts
 * toForm("hello"); // { kind: "string", value: "hello" }
 * ```
 */
export function toForm(value: Value): RdbValue {
  if (typeof value === "string") return { kind: "string", value };
  const type = value.type;
  if (type.toRdb) return type.toRdb(value);
  if (type.rdbSave) return writeModuleValue(type, value);
  const fb = FALLBACK[type.name];
  if (fb) return fb.toRdb(value);
  throw new PersistError(
    `type '${type.name}' cannot be saved: its TypeSpec has no toRdb or rdbSave`,
  );
}

/**
 * The smallest RDB version able to hold `value` (10 unless it needs a newer feature).
 *
 * @example
 * ```ts
 * minRdbVersion("x"); // 10
 * ```
 */
export function minRdbVersion(value: Value): number {
  if (typeof value === "string") return 10;
  return FALLBACK[value.type.name]?.minRdbVersion?.(value) ?? 10;
}

/** The TypeSpec a form's kind is stored under (built-in type names equal the kinds). */
function typeForKind(server: ServerApi, kind: string): AnyTypeSpec | undefined {
  return kind === "string" ? stringType : server.types.get(kind);
}

/**
 * A keyspace value rebuilt from its persisted form, by the TypeSpec registered for it.
 * Throws PersistError naming the type when no loaded module provides it, or when the value
 * is invalid.
 *
 * @example
 * ```ts
 * fromForm(server, { kind: "list", items: ["a"] }); // a ListValue
 * ```
 */
export function fromForm(server: ServerApi, form: RdbValue): Value {
  if (form.kind === "module") return readModuleValue(server, form);
  const type = typeForKind(server, form.kind);
  if (!type) throw new PersistError(`no loaded module provides the '${form.kind}' type`);
  const build = type.fromRdb ?? FALLBACK[type.name]?.fromRdb;
  if (!build) {
    throw new PersistError(`type '${type.name}' cannot be loaded: its TypeSpec has no fromRdb`);
  }
  try {
    return build(form, server) as Value;
  } catch (e) {
    throw new PersistError(`invalid ${type.name} value: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * Whether a value's type can be persisted at all (SAVE refuses up front otherwise).
 *
 * @example
 * ```ts
 * canPersist(typeOf(value));
 * ```
 */
export function canPersist(type: AnyTypeSpec): boolean {
  return type === stringType || !!type.toRdb || !!type.rdbSave || type.name in FALLBACK;
}

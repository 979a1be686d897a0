/**
 * Plugin types' values in files and payloads: the bridge between a TypeSpec's
 * `rdbSave` / `rdbLoad` (Redis's module type callbacks) and the annotated item stream of an
 * RDB MODULE_2 value.
 *
 * Saving records what the type writes (unsigned, signed, string, double, float) as typed
 * items, so any reader can skip the value without knowing the type, exactly like Redis's
 * annotated module serialization. Loading hands the items back in order and checks each
 * read against the recorded kind: a type reading something it did not write, or reading
 * past the end, gets an error that names the type instead of silently misreading.
 */

import type { ServerApi } from "../../core/server.ts";
import type { AnyTypeSpec, Value } from "../../core/spec.ts";
import type { ModuleValue, RdbInput, RdbOutput } from "../../core/rdb_form.ts";
import { bytesToLatin1, latin1ToBytes } from "./format/bytes.ts";
import { buildModuleItems, type ModuleItem, parseModuleItems } from "./format/module_value.ts";

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

function int(n: number | bigint, min: bigint, max: bigint, what: string): bigint {
  if (typeof n === "number" && !Number.isSafeInteger(n)) {
    throw new RangeError(`${what} ${n} is not a safe integer`);
  }
  const v = BigInt(n);
  if (v < min || v > max) throw new RangeError(`${what} ${v} out of range`);
  return v;
}

/** Collects what a plugin's rdbSave writes. */
class ItemOutput implements RdbOutput {
  readonly items: ModuleItem[] = [];
  saveUnsigned(n: number | bigint): void {
    this.items.push({ op: "uint", value: int(n, 0n, U64_MAX, "unsigned") });
  }
  saveSigned(n: number | bigint): void {
    this.items.push({ op: "sint", value: int(n, I64_MIN, I64_MAX, "signed") });
  }
  saveString(s: string): void {
    this.items.push({ op: "string", value: latin1ToBytes(s) });
  }
  saveDouble(d: number): void {
    this.items.push({ op: "double", value: d });
  }
  saveFloat(f: number): void {
    this.items.push({ op: "float", value: f });
  }
}

/** Replays the items to a plugin's rdbLoad, checking each read's kind. */
class ItemInput implements RdbInput {
  private at = 0;
  constructor(private readonly items: ModuleItem[], private readonly name: string) {}

  private take(op: ModuleItem["op"]): ModuleItem["value"] {
    const item = this.items[this.at];
    if (item === undefined) {
      throw new Error(`module type '${this.name}' read past the end of its value`);
    }
    if (item.op !== op) {
      throw new Error(`module type '${this.name}' read a ${op} where a ${item.op} was saved`);
    }
    this.at++;
    return item.value;
  }
  loadUnsigned(): bigint {
    return this.take("uint") as bigint;
  }
  loadSigned(): bigint {
    return this.take("sint") as bigint;
  }
  loadString(): string {
    return bytesToLatin1(this.take("string") as Uint8Array);
  }
  loadDouble(): number {
    return this.take("double") as number;
  }
  loadFloat(): number {
    return this.take("float") as number;
  }
}

/**
 * Serialize a plugin type's value through its `rdbSave`.
 *
 * @example
 * ```ts
 * writeModuleValue(counterType, value); // { kind: "module", name: "counter-M", encver: 1, body }
 * ```
 */
export function writeModuleValue(type: AnyTypeSpec, value: Value): ModuleValue {
  const out = new ItemOutput();
  type.rdbSave!(value, out);
  return {
    kind: "module",
    name: type.name,
    encver: type.encodingVersion ?? 0,
    body: buildModuleItems(out.items),
  };
}

/**
 * Rebuild a plugin type's value through the `rdbLoad` of the type registered under its
 * name; throws an Error naming the type when no loaded plugin provides it.
 *
 * @example
 * ```ts
 * readModuleValue(server, moduleValue);
 * ```
 */
export function readModuleValue(server: ServerApi, v: ModuleValue): Value {
  const type = server.types.get(v.name);
  if (!type?.rdbLoad) {
    throw new Error(
      `the data holds a value of module type '${v.name}', but no loaded module provides that type`,
    );
  }
  const encver = type.encodingVersion ?? 0;
  if (v.encver > encver) {
    throw new Error(
      `module type '${v.name}' encoding version ${v.encver} is newer than the loaded module's ${encver}`,
    );
  }
  const input = new ItemInput(parseModuleItems(v.body, v.name), v.name);
  return type.rdbLoad(input, v.encver) as Value;
}

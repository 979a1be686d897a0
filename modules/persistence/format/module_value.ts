/**
 * Module type values in RDB files (type MODULE_2) and module auxiliary data (MODULE_AUX).
 *
 * A module value starts with a 64-bit module ID packing the type's 9-character name (6 bits
 * per character from the alphabet A-Z a-z 0-9 - _, first character in the high bits) and a
 * 10-bit encoding version. Since RDB 8 the payload is "annotated": a sequence of
 * (opcode, value) items — SINT/UINT as RDB lengths, FLOAT as 4 bytes, DOUBLE as 8 bytes,
 * STRING as an RDB string — ended by opcode EOF. That annotation is what lets a reader that
 * doesn't know the module skip the value; the old MODULE_PRE_GA form has none and can only be
 * rejected with an error naming the type.
 *
 * Values stay opaque here (`ModuleValue.body` holds the item bytes including the final EOF),
 * so an unknown module's data survives a load/save cycle untouched; `parseModuleItems` turns a
 * body into typed items for whoever implements the type.
 */

import { ByteReader, ByteWriter } from "./bytes.ts";
import { readBlob, readLength, readLengthBig, writeLength } from "./rdb_primitives.ts";

const CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Opcodes of the annotated module serialization.
 *
 * @example
 * ```ts
 * w.u8(ModuleOpcode.EOF);
 * ```
 */
export const ModuleOpcode = { EOF: 0, SINT: 1, UINT: 2, FLOAT: 3, DOUBLE: 4, STRING: 5 } as const;

/**
 * The type name and encoding version packed in a module ID.
 *
 * @example
 * ```ts
 * moduleIdDecode(moduleIdEncode("mytype-AB", 3)); // { name: "mytype-AB", encver: 3 }
 * ```
 */
export function moduleIdDecode(id: bigint): { name: string; encver: number } {
  const encver = Number(id & 1023n);
  let rest = id >> 10n;
  let name = "";
  for (let i = 0; i < 9; i++) {
    name = CHARSET[Number(rest & 63n)] + name;
    rest >>= 6n;
  }
  return { name, encver };
}

/**
 * Packs a 9-character type name and an encoding version (0..1023) into a module ID.
 * Throws on a name Redis would refuse.
 *
 * @example
 * ```ts
 * const id = moduleIdEncode("mytype-AB", 1);
 * ```
 */
export function moduleIdEncode(name: string, encver: number): bigint {
  if (name.length !== 9) throw new Error(`module type name "${name}" must be 9 characters`);
  if (!Number.isInteger(encver) || encver < 0 || encver > 1023) {
    throw new Error(`module encoding version ${encver} outside 0..1023`);
  }
  let id = 0n;
  for (const ch of name) {
    const pos = CHARSET.indexOf(ch);
    if (pos < 0) throw new Error(`module type name "${name}" has an invalid character "${ch}"`);
    id = (id << 6n) | BigInt(pos);
  }
  return (id << 10n) | BigInt(encver);
}

/** One item of a module's annotated serialization. @example `{ op: "uint", value: 5n }` */
export type ModuleItem =
  | { op: "sint" | "uint"; value: bigint }
  | { op: "float" | "double"; value: number }
  | { op: "string"; value: Uint8Array };

function readItem(r: ByteReader, name: string): ModuleItem | null {
  const at = r.pos;
  const op = readLength(r, `module ${name} opcode`);
  switch (op) {
    case ModuleOpcode.EOF:
      return null;
    case ModuleOpcode.SINT:
      return { op: "sint", value: BigInt.asIntN(64, readLengthBig(r, `module ${name} integer`)) };
    case ModuleOpcode.UINT:
      return { op: "uint", value: readLengthBig(r, `module ${name} integer`) };
    case ModuleOpcode.FLOAT:
      return { op: "float", value: r.f32le(`module ${name} float`) };
    case ModuleOpcode.DOUBLE:
      return { op: "double", value: r.f64le(`module ${name} double`) };
    case ModuleOpcode.STRING:
      return { op: "string", value: readBlob(r, `module ${name} string`) };
    default:
      return r.fail(`unknown opcode ${op} in the value of module type "${name}"`, at);
  }
}

/**
 * Skips a module's annotated item stream (through its EOF opcode) and returns its bytes.
 *
 * @example
 * ```ts
 * const body = skipModuleItems(r, "mytype-AB");
 * ```
 */
export function skipModuleItems(r: ByteReader, name: string): Uint8Array {
  const start = r.pos;
  while (readItem(r, name) !== null) { /* items are validated, then dropped */ }
  return r.bytes.slice(start, r.pos);
}

/**
 * Parses a module value body into items.
 *
 * @example
 * ```ts
 * parseModuleItems(value.body, value.name); // [{ op: "uint", value: 1n }, ...]
 * ```
 */
export function parseModuleItems(body: Uint8Array, name: string): ModuleItem[] {
  const r = new ByteReader(body);
  const items: ModuleItem[] = [];
  for (let item = readItem(r, name); item !== null; item = readItem(r, name)) items.push(item);
  if (!r.atEnd()) r.fail(`bytes after the end of module type "${name}" value`);
  return items;
}

/**
 * Serializes items into a module value body (ending with EOF).
 *
 * @example
 * ```ts
 * const body = buildModuleItems([{ op: "string", value: latin1ToBytes("hi") }]);
 * ```
 */
export function buildModuleItems(items: readonly ModuleItem[]): Uint8Array {
  const w = new ByteWriter();
  for (const item of items) {
    switch (item.op) {
      case "sint":
        writeLength(w, ModuleOpcode.SINT);
        writeLength(w, BigInt.asUintN(64, item.value));
        break;
      case "uint":
        writeLength(w, ModuleOpcode.UINT);
        writeLength(w, item.value);
        break;
      case "float":
        writeLength(w, ModuleOpcode.FLOAT);
        w.f32le(item.value);
        break;
      case "double":
        writeLength(w, ModuleOpcode.DOUBLE);
        w.f64le(item.value);
        break;
      case "string":
        writeLength(w, ModuleOpcode.STRING);
        writeLength(w, item.value.length);
        w.bytes(item.value);
        break;
    }
  }
  writeLength(w, ModuleOpcode.EOF);
  return w.finish();
}

/**
 * The string type. Core owns it because the keyspace stores string values as plain binary
 * strings (no wrapper object: the cheapest representation a JS engine has), so every module
 * meets them. Their encoding is reported as Redis would: "int" for canonical integers that
 * fit a long long, "embstr" up to 44 bytes, "raw" beyond.
 */

import type { TypeSpec } from "./spec.ts";
import { parseInt64 } from "./numbers.ts";

/**
 * The TypeSpec of string values.
 *
 * @example
 * ```ts
 * stringType.encoding("123"); // "int"
 * ```
 */
export const stringType: TypeSpec<string> = {
  name: "string",
  encoding(value: string): string {
    if (value.length <= 20 && parseInt64(value) !== null) return "int";
    return value.length <= 44 ? "embstr" : "raw";
  },
  copy: (value: string) => value,
  memoryUsage: (value: string) => value.length + 16,
  length: () => 1,
  toRdb: (value: string) => ({ kind: "string", value }),
  fromRdb(form) {
    if (form.kind !== "string") throw new Error(`a ${form.kind} is not a string`);
    return form.value;
  },
};

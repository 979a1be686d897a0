/*
 * Helpers shared by the engine's tests: run a chunk in a fresh state with all libraries
 * and get its results, or the error message it raises.
 */

import { LuaError } from "./value.ts";
import type { LuaValue } from "./value.ts";
import { createState } from "./mod.ts";

/**
 * Run `src` as "@user_script" in a fresh state and return all its results.
 *
 * @example
 * ```ts
 * runLua("return 1, 2"); // [1, 2]
 * ```
 */
export function runLua(src: string, args: LuaValue[] = []): LuaValue[] {
  const L = createState();
  return L.call(L.load(src, "@user_script"), args);
}

/**
 * Run `src` and return the message of the error it raises ("" if none).
 *
 * @example
 * ```ts
 * luaErrorOf("error('x')"); // "user_script:1: x"
 * ```
 */
export function luaErrorOf(src: string): string {
  try {
    runLua(src);
    return "";
  } catch (e) {
    if (e instanceof LuaError) return e.message;
    return (e as Error).message;
  }
}

// deno-lint-ignore-file require-yield -- natives are generator functions by contract (every
// Lua call is a `yield*`), including the ones that never yield themselves.
/*
 * Public API of the Lua 5.1 engine behind EVAL/FCALL.
 *
 * A self-contained Lua 5.1 (no dependencies) compiled to JavaScript generator functions so
 * that scripts can be paused and resumed by the host (see state.ts and compiler.ts for the
 * design). Typical use by the scripting module:
 *
 *   const L = createState();                       // base, string, table, math, os.clock,
 *                                                   // coroutine, cjson, cmsgpack, bit, struct
 *   const redis = new LuaTable();
 *   L.register("call", (...args) => ..., redis);   // host functions (synchronous)
 *   L.setGlobal("redis", redis);
 *   protectGlobals(L);                             // Redis 7: read-only _G, error on unknown
 *   const f = L.load(body, "@user_script");
 *   const run = L.start(f);
 *   for (let r = run.resume(BUDGET); ; r = run.resume(BUDGET)) { ... }
 *
 * Values: nil is undefined, numbers are doubles, strings are binary (latin1) JS strings,
 * tables are LuaTable; see value.ts.
 */

import { openBase } from "./lib/base.ts";
import { openBit } from "./lib/bit.ts";
import { openCjson } from "./lib/cjson.ts";
import { openCmsgpack } from "./lib/cmsgpack.ts";
import { openCoroutine } from "./lib/coroutine.ts";
import { openMath, type Rand48 } from "./lib/math.ts";
import { openString } from "./lib/string.ts";
import { openStruct } from "./lib/struct.ts";
import { openTable } from "./lib/table.ts";
import { native, rtError } from "./runtime.ts";
import { LuaState } from "./state.ts";
import { LuaTable, type LuaValue } from "./value.ts";

export { LuaSyntaxError } from "./lexer.ts";
export { caughtValue, rawToString } from "./lib/base.ts";
export { Rand48 } from "./lib/math.ts";
export { direct, EMPTY, native } from "./runtime.ts";
export {
  type HostFunction,
  hostFunction,
  luaError,
  LuaState,
  Runner,
  type RunResult,
  toLuaError,
} from "./state.ts";
export {
  LuaError,
  type LuaFunction,
  LuaTable,
  LuaUserdata,
  type LuaValue,
  truthy,
  typeName,
} from "./value.ts";
export { numberToString, stringToNumber } from "./number.ts";

/** Options of createState. */
export interface StateOptions {
  /** Leave out the Redis extras (cjson, cmsgpack, bit, struct). Default false. */
  noRedisLibs?: boolean;
}

/**
 * A Lua state with its libraries opened, and the handle to reseed math.random.
 *
 * @example
 * ```ts
 * const L = createState();
 * L.call(L.load("return string.format('%5.1f', 3.14159)", "@user_script")); // [" 3.1"]
 * ```
 */
export function createState(opts: StateOptions = {}): LuaState & { random: Rand48 } {
  const L = new LuaState() as LuaState & { random: Rand48 };
  const rt = L.rt;
  openBase(rt, (src, name) => L.load(src, name));
  openString(rt);
  openTable(rt);
  L.random = openMath(rt);
  openCoroutine(rt);
  if (!opts.noRedisLibs) {
    openCjson(rt);
    openCmsgpack(rt);
    openBit(rt);
    openStruct(rt);
  }
  return L;
}

/**
 * Redis 7's global protection: reading a missing global raises "Script attempted to access
 * nonexistent global variable 'x'", and _G plus the library tables become read-only
 * ("Attempt to modify a readonly table"). Call after the host has added its own globals.
 *
 * @example
 * ```ts
 * const L = createState();
 * protectGlobals(L);
 * ```
 */
export function protectGlobals(L: LuaState): void {
  const meta = new LuaTable();
  meta.set(
    "__index",
    native("__index", function* (_t: LuaValue, k: LuaValue) {
      rtError(`Script attempted to access nonexistent global variable '${String(k)}'`);
    }),
  );
  L.globals.meta = meta;
  protectRecursively(L.globals, new Set());
  meta.readonly = true;
  if (L.rt.stringMeta) L.rt.stringMeta.readonly = true;
}

/**
 * Make `t` and every table reachable through its values read-only.
 *
 * @example
 * ```ts
 * protectRecursively(new LuaTable(), new Set());
 * ```
 */
export function protectRecursively(t: LuaTable, seen: Set<LuaTable>): void {
  if (seen.has(t)) return;
  seen.add(t);
  t.readonly = true;
  for (let e = t.next(undefined); e !== null; e = t.next(e[0])) {
    if (e[1] instanceof LuaTable) protectRecursively(e[1], seen);
  }
}

/**
 * Lua's `#t` for a table (the length the scripting module uses to convert arrays).
 *
 * @example
 * ```ts
 * tableLength(LuaTable.fromArray([1, 2])); // 2
 * ```
 */
export function tableLength(t: LuaTable): number {
  return t.length();
}

/**
 * Iterate a table's entries in `next` order.
 *
 * @example
 * ```ts
 * for (const [k, v] of tableEntries(LuaTable.fromArray(["a"]))) console.log(k, v);
 * ```
 */
export function* tableEntries(t: LuaTable): Generator<[LuaValue, LuaValue]> {
  for (let e = t.next(undefined); e !== null; e = t.next(e[0])) yield e;
}

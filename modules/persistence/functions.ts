/**
 * Function libraries in persisted data: RDB files carry Redis 7 function libraries
 * (FUNCTION2 records) next to the keys, but the libraries belong to the scripting module.
 * Neither module imports the other's internals: scripting registers a small store here
 * (`provideFunctionLibraries`: list the codes, replace them all), persistence saves what
 * `functionCodes` lists and hands loaded codes to `restoreFunctionCodes`.
 *
 * Without a store (the scripting module not loaded) loaded libraries are kept as text and
 * saved again unchanged, so a load/save cycle never drops them; a store registered later
 * receives them.
 */

import type { ServerApi } from "../../core/server.ts";

/** What the scripting module offers persistence. */
export interface FunctionLibraryStore {
  /** Every library's code (shebang included), in load order. */
  codes(): string[];
  /** Replace every library with these (all or nothing; throws with the reason). */
  restore(codes: string[]): void;
}

const stores = new WeakMap<ServerApi, FunctionLibraryStore>();
const kept = new WeakMap<ServerApi, string[]>();

/**
 * Register the server's function library store (the scripting module's setup).
 *
 * @example
 * ```ts
 * provideFunctionLibraries(server, { codes: () => libs.codes(), restore: (c) => libs.restore(c, "flush") });
 * ```
 */
export function provideFunctionLibraries(server: ServerApi, store: FunctionLibraryStore): void {
  stores.set(server, store);
  const pending = kept.get(server);
  kept.delete(server);
  if (pending?.length) store.restore(pending);
}

/**
 * The library codes to save.
 *
 * @example
 * ```ts
 * for (const code of functionCodes(server)) rdb.functionLibrary(code);
 * ```
 */
export function functionCodes(server: ServerApi): string[] {
  return stores.get(server)?.codes() ?? kept.get(server) ?? [];
}

/**
 * Install loaded library codes (replacing the current ones).
 *
 * @example
 * ```ts
 * restoreFunctionCodes(server, ["#!lua name=lib\n..."]);
 * ```
 */
export function restoreFunctionCodes(server: ServerApi, codes: string[]): void {
  const store = stores.get(server);
  if (store) store.restore(codes);
  else kept.set(server, codes);
}

/**
 * Which commands the built-in modules provide, read statically from modules/mod.ts.
 *
 * Modules are being written in parallel: suites that need, say, SET skip with a visible
 * reason until the strings module is in the preset, instead of failing with "unknown
 * command". Reading the preset (not probing a server) lets `test.skipIf` decide at
 * collection time, before any server starts.
 */

import { builtinModules } from "../../modules/mod.ts";
import type { CommandSpec } from "../../core/spec.ts";

/** Record command names; subcommands as "parent|child" whichever way their spec spells them. */
function names(specs: CommandSpec[] | undefined, out: Set<string>, parent = ""): void {
  for (const c of specs ?? []) {
    const name = c.name.toLowerCase();
    const full = parent === "" || name.includes("|") ? name : `${parent}|${name}`;
    out.add(full);
    names(c.subcommands, out, full);
  }
}

const known = new Set<string>();
for (const m of builtinModules) names(m.commands, known);

/**
 * Whether every named command ("set", "config|get") is built in.
 *
 * @example
 * ```ts
 * test.skipIf(!modisHas("set", "get"))("binary values", async () => {});
 * ```
 */
export function modisHas(...commands: string[]): boolean {
  return commands.every((c) => known.has(c.toLowerCase()));
}

/**
 * The subset of `commands` that is not built in yet (for skip messages).
 *
 * @example
 * ```ts
 * missingCommands(["set", "lpush"]); // ["lpush"] while lists are not written
 * ```
 */
export function missingCommands(commands: string[]): string[] {
  return commands.filter((c) => !known.has(c.toLowerCase()));
}

/**
 * Log (once per reason) that something is skipped because commands are missing, so skips
 * stay visible in the test output.
 *
 * @example
 * ```ts
 * const ok = requireCommands("binary safety", ["set", "get"]);
 * ```
 */
export function requireCommands(what: string, commands: string[]): boolean {
  const missing = missingCommands(commands);
  if (missing.length > 0) {
    const line = `SKIP ${what}: Modis lacks ${
      missing.join(", ").toUpperCase()
    } (module not built in yet)`;
    if (!reported.has(line)) {
      reported.add(line);
      console.warn(line);
    }
  }
  return missing.length === 0;
}

const reported = new Set<string>();

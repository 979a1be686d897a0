/**
 * The flags of an EVAL, EVALSHA or FCALL call (Redis's evalGetCommandFlags /
 * fcallGetCommandFlags): a script that declares flags in a `#!lua` shebang, and every
 * function, replaces the command's write / denyoom / stale / may_replicate with what it
 * declared — `no-writes` means no write, `allow-oom` (or `no-writes`) no denyoom,
 * `allow-stale` stale. A script without a shebang keeps the command's own flags
 * (compatibility mode). Gates read these through core's `runFlagsOf`: CLIENT PAUSE WRITE
 * lets a no-writes script through, the OOM gate refuses a script that may write.
 */

import type { ServerApi } from "../../core/server.ts";
import type { CommandFlag } from "../../core/spec.ts";
import { parseScriptHeader, type ScriptFlag } from "./shebang.ts";
import { scriptingOf } from "./state.ts";

/** Flags a script declares replace these of the command. */
const REPLACED = new Set<CommandFlag>(["write", "denyoom", "stale", "may_replicate"]);

/** The declared flags of the script or function `argv` runs, or null (none declared). */
function declaredFlags(server: ServerApi, kind: "eval" | "evalsha" | "fcall", argv: string[]) {
  if (argv.length < 2) return null;
  if (kind === "fcall") {
    return scriptingOf(server).libraries.functions.get(argv[1].toLowerCase())?.flags ?? null;
  }
  try {
    const header = kind === "eval"
      ? parseScriptHeader(argv[1])
      : scriptingOf(server).scripts.get(argv[1].toLowerCase())?.header;
    return header === undefined || header.compat ? null : header.flags;
  } catch {
    return null; // a bad shebang: the command fails on its own
  }
}

/**
 * The `runFlags` of a script command whose own flags are `base`.
 *
 * @example
 * ```ts
 * runFlags: (server, argv) => scriptRunFlags(["noscript"], server, "eval", argv),
 * ```
 */
export function scriptRunFlags(
  base: CommandFlag[],
  server: ServerApi,
  kind: "eval" | "evalsha" | "fcall",
  argv: string[],
): CommandFlag[] {
  const declared: Set<ScriptFlag> | null = declaredFlags(server, kind, argv);
  if (declared === null) return base;
  const out = base.filter((f) => !REPLACED.has(f));
  if (!declared.has("allow-oom") && !declared.has("no-writes")) out.push("denyoom");
  if (!declared.has("no-writes")) out.push("write");
  if (declared.has("allow-stale")) out.push("stale");
  return out;
}

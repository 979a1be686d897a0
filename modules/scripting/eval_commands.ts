/**
 * EVAL, EVALSHA, their read-only variants, and SCRIPT LOAD / EXISTS / FLUSH / KILL / DEBUG /
 * HELP.
 *
 * One generic function serves the four EVAL commands (like Redis's evalGenericCommand):
 * parse numkeys, find or compile the script, apply the checks a shebang script gets before
 * it runs (a script that may write is refused by the _RO variants), set KEYS and ARGV, and
 * hand the run to the script runner, which answers now or once a long script ends.
 * Scripts without a shebang run in Redis's compatibility mode: no pre-run checks, but the
 * _RO variants still refuse their write commands one by one.
 */

import { scriptRunFlags } from "./run_flags.ts";
import { ReplyError } from "../../core/errors.ts";
import type { CommandContext, CommandFlag, CommandSpec, KeySpec } from "../../core/spec.ts";
import { parseInteger } from "../../core/numbers.ts";
import { LuaTable } from "./lua/mod.ts";
import { scriptingOf } from "./state.ts";

const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

/**
 * Parse numkeys (argv[2]) against the argument count, with Redis's errors; `badNumber` is
 * the error for a non-integer.
 *
 * @example
 * ```ts
 * parseNumKeys(["EVAL", "return 1", "1", "k"], "ERR value is not an integer or out of range"); // 1
 * ```
 */
export function parseNumKeys(argv: string[], badNumber: string): number {
  // A plain number is exact here: anything past 2^53 is far over the argument count anyway.
  const n = parseInteger(argv[2]);
  if (n === null) throw new ReplyError(badNumber);
  if (n > argv.length - 3) {
    throw new ReplyError("ERR Number of keys can't be greater than number of args");
  }
  if (n < 0) throw new ReplyError("ERR Number of keys can't be negative");
  return n;
}

/**
 * A Lua array table of argv[from .. to) (KEYS, ARGV).
 *
 * @example
 * ```ts
 * argTable(["EVAL", "s", "1", "k"], 3, 4); // {"k"}
 * ```
 */
export function argTable(argv: string[], from: number, to: number): LuaTable {
  return new LuaTable(argv.slice(from, to));
}

function evalGeneric(ctx: CommandContext, argv: string[], bySha: boolean, ro: boolean): void {
  const numkeys = parseNumKeys(argv, "ERR value is not an integer or out of range");
  const st = scriptingOf(ctx.server);
  let script;
  if (bySha) {
    const sha = argv[1];
    // Clients send the lowercase hex SCRIPT LOAD returned: try it as is before folding.
    script = sha.length === 40 ? st.bySha(sha) ?? st.bySha(sha.toLowerCase()) : undefined;
    if (script === undefined) throw new ReplyError(NOSCRIPT);
  } else script = st.scriptFor(argv[1], true);
  const h = script.header;
  if (!h.compat && !h.flags.has("no-writes") && ro) {
    throw new ReplyError("ERR Can not execute a script with write flag using *_ro command.");
  }
  const env = st.evalEnv;
  st.evalKeys.reset(argv.slice(3, 3 + numkeys));
  st.evalArgv.reset(argv.slice(3 + numkeys));
  st.runner.run(ctx.client, argv, {
    kind: "eval",
    name: script.sha,
    env,
    fn: script.fn,
    args: [],
    readOnly: ro || (!h.compat && h.flags.has("no-writes")),
    allowOom: !h.compat && h.flags.has("allow-oom"),
  });
}

/**
 * Write a HELP reply: the title line, the lines, and the HELP entry itself.
 *
 * @example
 * ```ts
 * replyHelp(ctx, "SCRIPT", ["LOAD <script>", "    Load a script."]);
 * ```
 */
export function replyHelp(ctx: CommandContext, command: string, lines: string[]): void {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    "HELP",
    "    Print this help.",
  ];
  ctx.reply.array(all.length);
  for (const l of all) ctx.reply.simple(l);
}

/**
 * The key spec of EVAL-like commands: numkeys at argv[2], keys after it. `ro` picks the
 * read-only flags.
 *
 * @example
 * ```ts
 * const keys = [numKeysSpec(false)]; // EVAL, FCALL
 * ```
 */
export function numKeysSpec(ro: boolean): KeySpec {
  return {
    flags: ro ? ["RO", "access"] : ["RW", "access", "update"],
    notes: ro
      ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
      : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
    begin: 2,
    find: { keyNumIndex: 0, firstKey: 1, step: 1 },
  };
}

function evalSpec(name: string, bySha: boolean, ro: boolean, summary: string): CommandSpec {
  const flags: CommandFlag[] = ro
    ? ["noscript", "skip_monitor", "no_mandatory_keys", "stale", "readonly"]
    : ["noscript", "skip_monitor", "may_replicate", "no_mandatory_keys", "stale"];
  return {
    name,
    group: "scripting",
    summary,
    since: ro ? "7.0.0" : "2.6.0",
    complexity: "Depends on the script that is executed.",
    arity: -3,
    flags,
    runFlags: (server, argv) => scriptRunFlags(flags, server, bySha ? "evalsha" : "eval", argv),
    keys: [numKeysSpec(ro)],
    arguments: [
      { name: bySha ? "sha1" : "script", type: "string" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, optional: true, multiple: true },
      { name: "arg", type: "string", optional: true, multiple: true },
    ],
    handler: (ctx, argv) => evalGeneric(ctx, argv, bySha, ro),
  };
}

/**
 * Check the optional ASYNC|SYNC argument of SCRIPT FLUSH / FUNCTION FLUSH (both flush at
 * once: there is nothing big enough to free lazily).
 *
 * @example
 * ```ts
 * flushMode(argv, "FUNCTION");
 * ```
 */
export function flushMode(argv: string[], what: string): void {
  if (argv.length === 3 && !["sync", "async"].includes(argv[2].toLowerCase())) {
    throw new ReplyError(
      `ERR ${what} FLUSH only support${what === "FUNCTION" ? "s" : ""} SYNC|ASYNC option`,
    );
  }
}

/**
 * Reject extra arguments the way Redis's addReplySubcommandSyntaxError words it.
 *
 * @example
 * ```ts
 * if (argv.length > 3) subcommandSyntax(argv, "FUNCTION");
 * ```
 */
export function subcommandSyntax(argv: string[], command: string): never {
  throw new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${
      argv[1].slice(0, 128)
    }'. Try ${command} HELP.`,
  );
}

const scriptCommand: CommandSpec = {
  name: "script",
  group: "scripting",
  summary: "Manages the server-side Lua script cache.",
  since: "2.6.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "load",
      group: "scripting",
      summary: "Compiles a script into the cache without running it; returns its SHA-1.",
      since: "2.6.0",
      complexity: "O(N) with N being the length in bytes of the script body.",
      arity: 3,
      flags: ["noscript", "stale"],
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      arguments: [{ name: "script", type: "string" }],
      handler(ctx, argv) {
        const st = scriptingOf(ctx.server);
        const script = st.scriptFor(argv[2], false);
        st.pin(script);
        ctx.propagate(argv);
        ctx.reply.bulk(script.sha);
      },
    },
    {
      name: "exists",
      group: "scripting",
      summary: "Tells, for each SHA-1, whether the script is in the cache.",
      since: "2.6.0",
      complexity:
        "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
      arity: -3,
      flags: ["noscript"],
      tips: ["request_policy:all_shards", "response_policy:agg_logical_and"],
      arguments: [{ name: "sha1", type: "string", multiple: true }],
      handler(ctx, argv) {
        const scripts = scriptingOf(ctx.server).scripts;
        ctx.reply.array(argv.length - 2);
        for (let i = 2; i < argv.length; i++) {
          ctx.reply.int(scripts.has(argv[i].toLowerCase()) ? 1 : 0);
        }
      },
    },
    {
      name: "flush",
      group: "scripting",
      summary: "Empties the script cache.",
      since: "2.6.0",
      complexity: "O(N) with N being the number of scripts in cache",
      arity: -2,
      flags: ["noscript"],
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      history: [["6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."]],
      arguments: [{
        name: "flush-type",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [{ name: "async", type: "pure-token", token: "ASYNC" }, {
          name: "sync",
          type: "pure-token",
          token: "SYNC",
        }],
      }],
      handler(ctx, argv) {
        if (argv.length > 3) {
          throw new ReplyError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        flushMode(argv, "SCRIPT");
        scriptingOf(ctx.server).flushScripts();
        ctx.reply.ok();
      },
    },
    {
      name: "kill",
      group: "scripting",
      summary: "Stops the running script if it has not written anything yet.",
      since: "2.6.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["noscript", "allow_busy"],
      tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
      handler(ctx) {
        scriptingOf(ctx.server).runner.kill("eval", ctx.reply);
      },
    },
    {
      name: "debug",
      group: "scripting",
      summary: "Would start the Lua debugger; Modis has none, so only NO is accepted.",
      since: "3.2.0",
      complexity: "O(1)",
      arity: 3,
      flags: ["noscript"],
      arguments: [{
        name: "mode",
        type: "oneof",
        arguments: [
          { name: "yes", type: "pure-token", token: "YES" },
          { name: "sync", type: "pure-token", token: "SYNC" },
          { name: "no", type: "pure-token", token: "NO" },
        ],
      }],
      handler(ctx, argv) {
        const mode = argv[2].toLowerCase();
        if (mode === "no") return ctx.reply.ok();
        if (mode === "yes" || mode === "sync") {
          throw new ReplyError("ERR SCRIPT DEBUG is not supported by this server");
        }
        throw new ReplyError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
      },
    },
    {
      name: "help",
      group: "scripting",
      summary: "Lists the SCRIPT subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "SCRIPT", [
          "DEBUG (YES|SYNC|NO)",
          "    Only NO is supported: this server has no Lua debugger.",
          "EXISTS <sha1> [<sha1> ...]",
          "    For each SHA-1, 1 if the script is cached, 0 otherwise.",
          "FLUSH [ASYNC|SYNC]",
          "    Empty the script cache.",
          "KILL",
          "    Stop the running script, unless it already wrote.",
          "LOAD <script>",
          "    Cache a script and return its SHA-1 for EVALSHA.",
        ]);
      },
    },
  ],
};

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "scripting", commands: [...evalCommands] };
 * ```
 */
export const evalCommands: CommandSpec[] = [
  evalSpec("eval", false, false, "Runs a Lua script on the server."),
  evalSpec("evalsha", true, false, "Runs a cached Lua script by its SHA-1."),
  evalSpec("eval_ro", false, true, "Runs a Lua script that may only read."),
  evalSpec("evalsha_ro", true, true, "Runs a cached read-only Lua script by its SHA-1."),
  scriptCommand,
];

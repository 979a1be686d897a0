/**
 * FUNCTION LOAD / DELETE / FLUSH / LIST / DUMP / RESTORE / STATS / KILL / HELP, and FCALL /
 * FCALL_RO, over the library registry (libraries.ts) and the script runner (engine.ts).
 *
 * FCALL looks the function up, checks numkeys, refuses a function without the no-writes
 * flag under FCALL_RO, and runs the callback with two tables, KEYS and ARGV, as arguments.
 * Library changes count as dataset changes (server.dirty), so they propagate verbatim to AOF
 * and replicas like Redis's.
 */

import { scriptRunFlags } from "./run_flags.ts";
import { ReplyError } from "../../core/errors.ts";
import { globMatch } from "../../core/glob.ts";
import { binaryToBytes, bytesToBinary } from "../../core/bytes.ts";
import type { CommandContext, CommandFlag, CommandSpec } from "../../core/spec.ts";
import {
  argTable,
  flushMode,
  numKeysSpec,
  parseNumKeys,
  replyHelp,
  subcommandSyntax,
} from "./eval_commands.ts";
import { dumpFunctions, restoreCodes } from "./function_dump.ts";
import { SCRIPT_FLAGS } from "./shebang.ts";
import { scriptingOf } from "./state.ts";

function fcall(ctx: CommandContext, argv: string[], ro: boolean): void {
  const st = scriptingOf(ctx.server);
  const f = st.libraries.functions.get(argv[1].toLowerCase());
  if (f === undefined) throw new ReplyError("ERR Function not found");
  const numkeys = parseNumKeys(argv, "ERR Bad number of keys provided");
  if (ro && !f.flags.has("no-writes")) {
    throw new ReplyError("ERR Can not execute a script with write flag using *_ro command.");
  }
  st.runner.run(ctx.client, argv, {
    kind: "function",
    name: f.name,
    env: st.libraries.env,
    fn: f.fn,
    args: [argTable(argv, 3, 3 + numkeys), argTable(argv, 3 + numkeys, argv.length)],
    readOnly: ro || f.flags.has("no-writes"),
    allowOom: f.flags.has("allow-oom"),
  });
}

function fcallSpec(name: string, ro: boolean): CommandSpec {
  const flags: CommandFlag[] = ro
    ? ["noscript", "skip_monitor", "no_mandatory_keys", "stale", "readonly"]
    : ["noscript", "skip_monitor", "may_replicate", "no_mandatory_keys", "stale"];
  return {
    name,
    group: "scripting",
    summary: ro ? "Calls a read-only library function." : "Calls a library function.",
    since: "7.0.0",
    complexity: "Depends on the function that is executed.",
    arity: -3,
    flags,
    runFlags: (server, argv) => scriptRunFlags(flags, server, "fcall", argv),
    keys: [numKeysSpec(ro)],
    arguments: [
      { name: "function", type: "string" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", keySpecIndex: 0, optional: true, multiple: true },
      { name: "arg", type: "string", optional: true, multiple: true },
    ],
    handler: (ctx, argv) => fcall(ctx, argv, ro),
  };
}

function list(ctx: CommandContext, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (!withCode && a === "withcode") withCode = true;
    else if (pattern === null && a === "libraryname") {
      if (i >= argv.length - 1) throw new ReplyError("ERR library name argument was not given");
      pattern = argv[++i];
    } else throw new ReplyError(`ERR Unknown argument ${argv[i]}`);
  }
  const libs = [...scriptingOf(ctx.server).libraries.libraries.values()].filter((l) =>
    pattern === null || globMatch(pattern, l.name, true)
  );
  const r = ctx.reply;
  r.array(libs.length);
  for (const lib of libs) {
    r.map(withCode ? 4 : 3);
    r.bulk("library_name");
    r.bulk(lib.name);
    r.bulk("engine");
    r.bulk(lib.engine);
    r.bulk("functions");
    r.array(lib.functions.size);
    for (const f of lib.functions.values()) {
      r.map(3);
      r.bulk("name");
      r.bulk(f.name);
      r.bulk("description");
      r.bulk(f.description);
      r.bulk("flags");
      const flags = SCRIPT_FLAGS.filter((x) => f.flags.has(x));
      r.set(flags.length);
      for (const x of flags) r.simple(x);
    }
    if (withCode) {
      r.bulk("library_code");
      r.bulk(lib.code);
    }
  }
}

function stats(ctx: CommandContext): void {
  const st = scriptingOf(ctx.server);
  const run = st.runner.running;
  if (run !== null && run.kind === "eval") {
    throw new ReplyError(
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
    );
  }
  const r = ctx.reply;
  r.map(2);
  r.bulk("running_script");
  if (run === null) r.null();
  else {
    r.map(3);
    r.bulk("name");
    r.bulk(run.name);
    r.bulk("command");
    r.bulks(run.argv);
    r.bulk("duration_ms");
    r.int(Math.floor(run.elapsed));
  }
  r.bulk("engines");
  r.map(1);
  r.bulk("LUA");
  r.map(2);
  r.bulk("libraries_count");
  const libs = st.libraries;
  r.int(libs.libraries.size);
  r.bulk("functions_count");
  r.int(libs.functions.size);
}

const sub = (spec: Omit<CommandSpec, "group">): CommandSpec => ({ group: "scripting", ...spec });

const functionCommand: CommandSpec = {
  name: "function",
  group: "scripting",
  summary: "Manages server-side function libraries.",
  since: "7.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    sub({
      name: "load",
      summary: "Creates (or with REPLACE, replaces) a library from its code.",
      since: "7.0.0",
      complexity: "O(1) (considering compilation time is redundant)",
      arity: -3,
      flags: ["noscript", "write", "denyoom"],
      tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      arguments: [
        { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
        { name: "function-code", type: "string" },
      ],
      handler(ctx, argv) {
        let replace = false;
        let i = 2;
        for (; i < argv.length - 1; i++) {
          if (argv[i].toLowerCase() === "replace") replace = true;
          else throw new ReplyError(`ERR Unknown option given: ${argv[i]}`);
        }
        const name = scriptingOf(ctx.server).libraries.load(argv[i], replace);
        ctx.server.dirty++;
        ctx.reply.bulk(name);
      },
    }),
    sub({
      name: "delete",
      summary: "Deletes a library and its functions.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: 3,
      flags: ["noscript", "write"],
      tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      arguments: [{ name: "library-name", type: "string" }],
      handler(ctx, argv) {
        const libs = scriptingOf(ctx.server).libraries;
        const lib = libs.libraries.get(argv[2].toLowerCase());
        if (lib === undefined) throw new ReplyError("ERR Library not found");
        libs.unlink(lib);
        ctx.server.dirty++;
        ctx.reply.ok();
      },
    }),
    sub({
      name: "flush",
      summary: "Deletes every library.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of functions deleted",
      arity: -2,
      flags: ["noscript", "write"],
      tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      arguments: [{
        name: "flush-type",
        type: "oneof",
        optional: true,
        arguments: [{ name: "async", type: "pure-token", token: "ASYNC" }, {
          name: "sync",
          type: "pure-token",
          token: "SYNC",
        }],
      }],
      handler(ctx, argv) {
        if (argv.length > 3) subcommandSyntax(argv, "FUNCTION");
        flushMode(argv, "FUNCTION");
        scriptingOf(ctx.server).libraries.flush();
        ctx.server.dirty++;
        ctx.reply.ok();
      },
    }),
    sub({
      name: "list",
      summary: "Lists libraries, their functions and optionally their code.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of functions",
      arity: -2,
      flags: ["noscript"],
      tips: ["nondeterministic_output_order"],
      arguments: [
        { name: "library-name-pattern", type: "string", token: "LIBRARYNAME", optional: true },
        { name: "withcode", type: "pure-token", token: "WITHCODE", optional: true },
      ],
      handler: list,
    }),
    sub({
      name: "dump",
      summary: "Serializes every library into a payload for FUNCTION RESTORE.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of functions",
      arity: 2,
      flags: ["noscript"],
      handler(ctx) {
        ctx.reply.bulk(bytesToBinary(dumpFunctions(scriptingOf(ctx.server).libraries.codes())));
      },
    }),
    sub({
      name: "restore",
      summary: "Loads libraries from a FUNCTION DUMP payload.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of functions on the payload",
      arity: -3,
      flags: ["noscript", "write", "denyoom"],
      tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      arguments: [
        { name: "serialized-value", type: "string" },
        {
          name: "policy",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "flush", type: "pure-token", token: "FLUSH" },
            { name: "append", type: "pure-token", token: "APPEND" },
            { name: "replace", type: "pure-token", token: "REPLACE" },
          ],
        },
      ],
      handler(ctx, argv) {
        if (argv.length > 4) subcommandSyntax(argv, "FUNCTION");
        let policy: "flush" | "append" | "replace" = "append";
        if (argv.length === 4) {
          const p = argv[3].toLowerCase();
          if (p !== "flush" && p !== "append" && p !== "replace") {
            throw new ReplyError(
              "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            );
          }
          policy = p;
        }
        const codes = restoreCodes(binaryToBytes(argv[2]));
        scriptingOf(ctx.server).libraries.restore(codes, policy);
        ctx.server.dirty++;
        ctx.reply.ok();
      },
    }),
    sub({
      name: "stats",
      summary: "Shows the running function (if any) and the library counts.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["noscript", "allow_busy"],
      tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      handler: stats,
    }),
    sub({
      name: "kill",
      summary: "Stops the running function if it has not written anything yet.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["noscript", "allow_busy"],
      tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
      handler(ctx) {
        scriptingOf(ctx.server).runner.kill("function", ctx.reply);
      },
    }),
    sub({
      name: "help",
      summary: "Lists the FUNCTION subcommands.",
      since: "7.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "FUNCTION", [
          "LOAD [REPLACE] <FUNCTION CODE>",
          "    Create a library from its code; REPLACE overwrites a library of the same name.",
          "DELETE <LIBRARY NAME>",
          "    Delete a library and its functions.",
          "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
          "    Show libraries (matching the pattern), their engine, functions and optionally code.",
          "STATS",
          "    Show the running function, if any, and how many libraries and functions exist.",
          "KILL",
          "    Stop the running function, unless it already wrote.",
          "FLUSH [ASYNC|SYNC]",
          "    Delete every library.",
          "DUMP",
          "    Serialize every library into a payload for FUNCTION RESTORE.",
          "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
          "    Load libraries from a payload; APPEND (default) fails on a name collision,",
          "    REPLACE replaces colliding libraries, FLUSH deletes every library first.",
        ]);
      },
    }),
  ],
};

/**
 * FCALL, FCALL_RO and FUNCTION.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "scripting", commands: [...functionCommands] };
 * ```
 */
export const functionCommands: CommandSpec[] = [
  fcallSpec("fcall", false),
  fcallSpec("fcall_ro", true),
  functionCommand,
];

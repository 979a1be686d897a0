/**
 * COMMAND and its subcommands: the command table described to clients, in Redis 7's exact
 * reply shapes, straight from the CommandSpecs core holds (metadata and handler live in
 * one object, so what COMMAND reports is what runs).
 *
 * Shapes. COMMAND INFO gives, per command, a 10-element array: name, arity, flags (a set,
 * in Redis's flag order, "movablekeys" derived from the key specs), the legacy
 * first/last/step key range, ACL categories ("@read"... in Redis's category order), tips,
 * key specs (maps of flags / begin_search / find_keys) and the subcommands described the
 * same way. COMMAND DOCS gives a map per command: summary, since, group, complexity,
 * module (plugin commands), doc_flags, deprecated_since, replaced_by, history, arguments,
 * subcommands — only the fields a command has, in that order.
 */

import type {
  ArgSpec,
  CommandContext,
  CommandFlag,
  CommandSpec,
  KeySpec,
  ReplyWriter,
} from "../../core/spec.ts";
import { arityOk, type CommandEntry, commandKeys } from "../../core/commands.ts";
import type { ServerApi } from "../../core/server.ts";
import { globMatch } from "../../core/glob.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { replyHelp } from "./state.ts";
import { walkCommands } from "./info.ts";

/** COMMAND INFO's flag names, in the order Redis lists them (may_replicate is hidden). */
const FLAG_ORDER: CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** ACL categories in Redis's bit order. */
const CATEGORY_ORDER = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

/** Whether a command's keys can move (Redis's movablekeys): not all plain index+range specs. */
function isMovable(spec: CommandSpec): boolean {
  if (spec.getKeys) return true;
  return (spec.keys ?? []).some((k) =>
    typeof k.begin !== "number" || (k.find !== undefined && !("lastKey" in k.find))
  );
}

function flagsOf(e: CommandEntry): string[] {
  const out: string[] = [];
  for (const f of FLAG_ORDER) {
    if (e.flags.has(f)) out.push(f);
    else if (f === "module" && e.spec.group === "module") out.push(f);
    else if (f === "movablekeys" && isMovable(e.spec)) out.push(f);
  }
  return out;
}

function categoriesOf(e: CommandEntry): string[] {
  const known = CATEGORY_ORDER.filter((c) => e.aclCategories.includes(c));
  const extra = e.aclCategories.filter((c) => !CATEGORY_ORDER.includes(c));
  return [...known, ...extra].map((c) => "@" + c);
}

function replyKeySpec(r: ReplyWriter, ks: KeySpec): void {
  r.map(ks.notes ? 4 : 3);
  if (ks.notes) {
    r.bulk("notes");
    r.bulk(ks.notes);
  }
  r.bulk("flags");
  r.set(ks.flags.length);
  for (const f of ks.flags) r.simple(f);
  r.bulk("begin_search");
  r.map(2);
  r.bulk("type");
  if (typeof ks.begin === "number") {
    r.bulk("index");
    r.bulk("spec");
    r.map(1);
    r.bulk("index");
    r.int(ks.begin);
  } else {
    r.bulk("keyword");
    r.bulk("spec");
    r.map(2);
    r.bulk("keyword");
    r.bulk(ks.begin.keyword);
    r.bulk("startfrom");
    r.int(ks.begin.startFrom);
  }
  r.bulk("find_keys");
  r.map(2);
  r.bulk("type");
  const find = ks.find ?? { lastKey: 0, step: 1, limit: 0 };
  if ("lastKey" in find) {
    r.bulk("range");
    r.bulk("spec");
    r.map(3);
    r.bulk("lastkey");
    r.int(find.lastKey);
    r.bulk("keystep");
    r.int(find.step ?? 1);
    r.bulk("limit");
    r.int(find.limit ?? 0);
  } else {
    r.bulk("keynum");
    r.bulk("spec");
    r.map(3);
    r.bulk("keynumidx");
    r.int(find.keyNumIndex);
    r.bulk("firstkey");
    r.int(find.firstKey);
    r.bulk("keystep");
    r.int(find.step);
  }
}

/** One command in COMMAND INFO form. */
function replyInfo(r: ReplyWriter, e: CommandEntry): void {
  const spec = e.spec;
  r.array(10);
  r.bulk(e.fullName);
  r.int(spec.arity);
  const flags = flagsOf(e);
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.int(e.keyRange[0]);
  r.int(e.keyRange[1]);
  r.int(e.keyRange[2]);
  const cats = categoriesOf(e);
  r.set(cats.length);
  for (const c of cats) r.simple(c);
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  const keys = spec.keys ?? [];
  r.set(keys.length);
  for (const ks of keys) replyKeySpec(r, ks);
  const subs = e.subcommands ? [...e.subcommands.values()] : [];
  if (e.subcommands) r.array(subs.length);
  else r.set(0);
  for (const s of subs) replyInfo(r, s);
}

function replyArgs(r: ReplyWriter, args: ArgSpec[]): void {
  r.array(args.length);
  for (const a of args) {
    const nested = a.type === "oneof" || a.type === "block";
    const flags = [
      a.optional && "optional",
      a.multiple && "multiple",
      a.multipleToken && "multiple_token",
    ]
      .filter((f): f is string => !!f);
    const fields: [string, () => void][] = [
      ["name", () => r.bulk(a.name)],
      ["type", () => r.bulk(a.type)],
    ];
    if (!nested) fields.push(["display_text", () => r.bulk(a.value ?? a.name)]);
    if (a.keySpecIndex !== undefined) fields.push(["key_spec_index", () => r.int(a.keySpecIndex!)]);
    if (a.token !== undefined) fields.push(["token", () => r.bulk(a.token!)]);
    if (a.summary !== undefined) fields.push(["summary", () => r.bulk(a.summary!)]);
    if (a.since !== undefined) fields.push(["since", () => r.bulk(a.since!)]);
    if (a.deprecatedSince !== undefined) {
      fields.push(["deprecated_since", () => r.bulk(a.deprecatedSince!)]);
    }
    if (flags.length > 0) {
      fields.push(["flags", () => {
        r.set(flags.length);
        for (const f of flags) r.simple(f);
      }]);
    }
    if (nested) fields.push(["arguments", () => replyArgs(r, a.arguments ?? [])]);
    replyFields(r, fields);
  }
}

function replyFields(r: ReplyWriter, fields: [string, () => void][]): void {
  r.map(fields.length);
  for (const [name, write] of fields) {
    r.bulk(name);
    write();
  }
}

/** One command in COMMAND DOCS form (the map after its name). */
function replyDocs(r: ReplyWriter, e: CommandEntry): void {
  const s = e.spec;
  const fields: [string, () => void][] = [];
  if (s.summary) fields.push(["summary", () => r.bulk(s.summary)]);
  if (s.since) fields.push(["since", () => r.bulk(s.since)]);
  fields.push(["group", () => r.bulk(s.group)]);
  if (s.complexity) fields.push(["complexity", () => r.bulk(s.complexity!)]);
  if (s.group === "module") fields.push(["module", () => r.bulk(e.module)]);
  if (s.docFlags?.length) {
    fields.push(["doc_flags", () => {
      r.set(s.docFlags!.length);
      for (const f of s.docFlags!) r.simple(f);
    }]);
  }
  if (s.deprecatedSince) fields.push(["deprecated_since", () => r.bulk(s.deprecatedSince!)]);
  if (s.replacedBy) fields.push(["replaced_by", () => r.bulk(s.replacedBy!)]);
  if (s.history) {
    fields.push(["history", () => {
      r.set(s.history!.length);
      for (const [v, text] of s.history!) r.bulks([v, text]);
    }]);
  }
  if (s.arguments?.length) fields.push(["arguments", () => replyArgs(r, s.arguments!)]);
  if (e.subcommands) {
    fields.push(["subcommands", () => {
      r.map(e.subcommands!.size);
      for (const sub of e.subcommands!.values()) {
        r.bulk(sub.fullName);
        replyDocs(r, sub);
      }
    }]);
  }
  replyFields(r, fields);
}

/** Look a command up by "name" or "parent|sub" (COMMAND INFO / DOCS arguments). */
function lookupByFullName(server: ServerApi, name: string): CommandEntry | undefined {
  const parts = name.toLowerCase().split("|");
  if (parts.length > 2) return undefined;
  const top = server.commands.get(parts[0]);
  if (parts.length === 1 || !top) return top;
  return top.subcommands?.get(parts[1]);
}

function getKeys(ctx: CommandContext, argv: string[], withFlags: boolean): void {
  const cmdArgv = argv.slice(2);
  const e = ctx.server.commands.lookup(cmdArgv);
  if (!e) throw new ReplyError("ERR Invalid command specified");
  const spec = e.spec;
  if (!spec.getKeys && !(spec.keys?.length)) {
    throw new ReplyError("ERR The command has no key arguments");
  }
  if (!arityOk(e, cmdArgv.length)) {
    throw new ReplyError("ERR Invalid number of arguments specified for command");
  }
  const positions = commandKeys(spec, cmdArgv);
  if (positions === null || positions.length === 0) {
    if (e.flags.has("no_mandatory_keys")) {
      ctx.reply.array(0);
      return;
    }
    throw new ReplyError("ERR Invalid arguments specified for command");
  }
  const r = ctx.reply;
  r.array(positions.length);
  for (const pos of positions) {
    if (!withFlags) {
      r.bulk(cmdArgv[pos]);
      continue;
    }
    r.array(2);
    r.bulk(cmdArgv[pos]);
    // A getKeys function reports positions only; like Redis's getkeys procs, report the
    // matching key spec's access flags without "incomplete".
    const flags = spec.variableKeyFlags?.(cmdArgv, pos) ??
      keySpecFlagsAt(spec, cmdArgv, pos).filter((f) => !spec.getKeys || f !== "incomplete");
    r.set(flags.length);
    for (const f of flags) r.simple(f);
  }
}

/** The flags of the key spec that produced argv position `pos`. */
function keySpecFlagsAt(spec: CommandSpec, argv: string[], pos: number): string[] {
  for (const ks of spec.keys ?? []) {
    const found = commandKeys({ ...spec, getKeys: undefined, keys: [ks] }, argv);
    if (found?.includes(pos)) return ks.flags;
  }
  return spec.keys?.[0]?.flags ?? [];
}

const containerFlags: CommandFlag[] = ["loading", "stale"];

function sub(
  name: string,
  extra: Partial<CommandSpec> & Pick<CommandSpec, "arity" | "handler" | "summary" | "since">,
): CommandSpec {
  return { name, group: "server", flags: containerFlags, aclCategories: ["connection"], ...extra };
}

function replyAll(ctx: CommandContext): void {
  const all = [...ctx.server.commands.all()];
  ctx.reply.array(all.length);
  for (const e of all) replyInfo(ctx.reply, e);
}

/**
 * The COMMAND container command.
 *
 * @example
 * ```ts
 * await modis.call("COMMAND", "COUNT"); // 240
 * ```
 */
export const commandCommand: CommandSpec = {
  name: "command",
  group: "server",
  summary: "Returns detailed information about all commands.",
  since: "2.8.13",
  complexity: "O(N) where N is the total number of Redis commands",
  arity: -1,
  flags: containerFlags,
  aclCategories: ["connection"],
  tips: ["nondeterministic_output_order"],
  handler: replyAll,
  subcommands: [
    sub("count", {
      summary: "Returns a count of commands.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 2,
      handler(ctx) {
        ctx.reply.int(ctx.server.commands.size);
      },
    }),
    sub("info", {
      summary: "Returns information about one, multiple or all commands.",
      since: "2.8.13",
      complexity: "O(N) where N is the number of commands to look up",
      arity: -2,
      tips: ["nondeterministic_output_order"],
      history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
      arguments: [{ name: "command-name", type: "string", optional: true, multiple: true }],
      handler(ctx, argv) {
        if (argv.length === 2) return replyAll(ctx);
        ctx.reply.array(argv.length - 2);
        for (const name of argv.slice(2)) {
          const e = lookupByFullName(ctx.server, name);
          if (e) replyInfo(ctx.reply, e);
          else ctx.reply.null();
        }
      },
    }),
    sub("docs", {
      summary: "Returns documentary information about one, multiple or all commands.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of commands to look up",
      arity: -2,
      tips: ["nondeterministic_output_order"],
      arguments: [{ name: "command-name", type: "string", optional: true, multiple: true }],
      handler(ctx, argv) {
        const entries = argv.length === 2
          ? [...ctx.server.commands.all()]
          : argv.slice(2).map((n) => lookupByFullName(ctx.server, n)).filter((
            e,
          ): e is CommandEntry => !!e);
        ctx.reply.map(entries.length);
        for (const e of entries) {
          ctx.reply.bulk(e.fullName);
          replyDocs(ctx.reply, e);
        }
      },
    }),
    sub("list", {
      summary: "Returns a list of command names.",
      since: "7.0.0",
      complexity: "O(N) where N is the total number of Redis commands",
      arity: -2,
      tips: ["nondeterministic_output_order"],
      arguments: [{
        name: "filterby",
        type: "oneof",
        token: "FILTERBY",
        optional: true,
        arguments: [
          { name: "module-name", type: "string", token: "MODULE" },
          { name: "category", type: "string", token: "ACLCAT" },
          { name: "pattern", type: "pattern", token: "PATTERN" },
        ],
      }],
      handler(ctx, argv) {
        let filter: (e: CommandEntry) => boolean = () => true;
        if (argv.length !== 2) {
          if (argv.length !== 5 || argv[2].toLowerCase() !== "filterby") {
            throw new ReplyError(SYNTAX_ERR);
          }
          const kind = argv[3].toLowerCase();
          const arg = argv[4];
          if (kind === "module") filter = (e) => e.module === arg;
          else if (kind === "aclcat") filter = (e) => e.aclCategories.includes(arg.toLowerCase());
          else if (kind === "pattern") filter = (e) => globMatch(arg, e.fullName, true);
          else throw new ReplyError(SYNTAX_ERR);
        }
        const names: string[] = [];
        for (const e of walkCommands(ctx.server)) if (filter(e)) names.push(e.fullName);
        ctx.reply.bulks(names);
      },
    }),
    sub("getkeys", {
      summary: "Extracts the key names from an arbitrary command.",
      since: "2.8.13",
      complexity: "O(N) where N is the number of arguments to the command",
      arity: -3,
      arguments: [
        { name: "command", type: "string" },
        { name: "arg", type: "string", optional: true, multiple: true },
      ],
      handler(ctx, argv) {
        getKeys(ctx, argv, false);
      },
    }),
    sub("getkeysandflags", {
      summary: "Extracts the key names and access flags for an arbitrary command.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of arguments to the command",
      arity: -3,
      arguments: [
        { name: "command", type: "string" },
        { name: "arg", type: "string", optional: true, multiple: true },
      ],
      handler(ctx, argv) {
        getKeys(ctx, argv, true);
      },
    }),
    sub("help", {
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      handler(ctx) {
        replyHelp(ctx, "COMMAND", [
          "(no subcommand)",
          "    Describe every command (name, arity, flags, keys...).",
          "COUNT",
          "    Number of top-level commands.",
          "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
          "    Names of every command and subcommand, optionally filtered.",
          "INFO [<command-name> ...]",
          "    Describe the given commands (all of them without arguments).",
          "DOCS [<command-name> ...]",
          "    Documentation of the given commands (all of them without arguments).",
          "GETKEYS <full-command>",
          "    The key names a full command line would touch.",
          "GETKEYSANDFLAGS <full-command>",
          "    Like GETKEYS, with each key's access flags.",
        ]);
      },
    }),
  ],
};

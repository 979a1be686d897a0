/**
 * The command table: every registered command and subcommand, with its statistics.
 *
 * Lookup is by lower-cased name; a command with subcommands (CONFIG, CLIENT, OBJECT...) is a
 * container and the second argument picks the subcommand ("config|get"). Unknown names and
 * wrong arities get Redis's exact error texts. Entries carry the per-command counters that
 * INFO commandstats reports and the derived metadata (legacy key range, ACL categories)
 * that COMMAND INFO shows, computed once at registration rather than per call.
 *
 * Key extraction implements Redis's key specs (begin-search index/keyword, find-keys
 * range/keynum), used by COMMAND GETKEYS, client tracking, ACL key patterns and anything a
 * plugin may need.
 */

import type { CommandFlag, CommandSpec, KeySpec } from "./spec.ts";
import type { ServerApi } from "./server.ts";

/** A registered command or subcommand. */
export interface CommandEntry {
  readonly spec: CommandSpec;
  /** "get", or "config|get" for a subcommand. */
  readonly fullName: string;
  /** The module that registered it. */
  readonly module: string;
  readonly parent: CommandEntry | null;
  readonly subcommands: Map<string, CommandEntry> | null;
  readonly flags: ReadonlySet<CommandFlag>;
  readonly isWrite: boolean;
  /** Flagged fast (O(1)/O(log N)): may be timed with its pipeline batch instead of alone. */
  readonly isFast: boolean;
  readonly aclCategories: readonly string[];
  /** Legacy (first, last, step) key range for COMMAND INFO. */
  readonly keyRange: readonly [number, number, number];
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

const GROUP_CATEGORY: Record<string, string> = {
  string: "string",
  list: "list",
  hash: "hash",
  set: "set",
  sorted_set: "sortedset",
  stream: "stream",
  hyperloglog: "hyperloglog",
  geo: "geo",
  bitmap: "bitmap",
  generic: "keyspace",
  connection: "connection",
  transactions: "transaction",
  scripting: "scripting",
  pubsub: "pubsub",
};

function deriveCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>();
  const explicit = spec.aclCategories ??
    (GROUP_CATEGORY[spec.group] ? [GROUP_CATEGORY[spec.group]] : []);
  for (const c of explicit) cats.add(c.toLowerCase());
  const f = new Set(spec.flags);
  if (f.has("write")) cats.add("write");
  if (f.has("readonly") && !cats.has("scripting")) cats.add("read");
  if (f.has("admin")) {
    cats.add("admin");
    cats.add("dangerous");
  }
  if (f.has("pubsub")) cats.add("pubsub");
  if (f.has("fast")) cats.add("fast");
  if (f.has("blocking")) cats.add("blocking");
  if (!f.has("fast")) cats.add("slow");
  return [...cats];
}

function legacyRange(spec: CommandSpec): [number, number, number] {
  const ks = spec.keys?.[0];
  if (!ks || typeof ks.begin !== "number") return [0, 0, 0];
  const find = ks.find ?? { lastKey: 0, step: 1 };
  if (!("lastKey" in find)) return [0, 0, 0];
  const first = ks.begin;
  const last = find.lastKey >= 0 ? first + find.lastKey : find.lastKey;
  // Several range specs that continue each other (e.g. SMOVE src dst) widen the range.
  let lastKey = last;
  for (const other of spec.keys!.slice(1)) {
    if (typeof other.begin !== "number") break;
    const f = other.find ?? { lastKey: 0, step: 1 };
    if (!("lastKey" in f) || f.lastKey !== 0 || other.begin !== lastKey + 1) break;
    lastKey = other.begin;
  }
  return [first, lastKey, find.step ?? 1];
}

/**
 * The table of commands.
 *
 * @example
 * ```ts
 * const table = new CommandTable();
 * table.register(getSpec, "strings");
 * table.lookup(["GET", "k"]); // the GET entry
 * ```
 */
export class CommandTable {
  private readonly commands = new Map<string, CommandEntry>();
  /** Spellings seen on the wire ("GET", "Get") → entry: one Map lookup on the hot path. */
  private readonly spellings = new Map<string, CommandEntry>();

  /**
   * Register a command (and its subcommands); throws on a duplicate name. A name
   * "parent|child" adds a subcommand to a container another module registered (CLIENT
   * TRACKING from the tracking module under the connection module's CLIENT), so a feature's
   * subcommands live in the module that implements the feature.
   */
  register(spec: CommandSpec, module: string): CommandEntry {
    const name = spec.name.toLowerCase();
    const bar = name.indexOf("|");
    if (bar >= 0) {
      return this.registerSubcommand(name.slice(0, bar), name.slice(bar + 1), spec, module);
    }
    if (this.commands.has(name)) {
      throw new Error(
        `command '${name}' is already registered by module '${this.commands.get(name)!.module}'`,
      );
    }
    const entry = makeEntry(spec, module, null);
    this.commands.set(name, entry);
    this.spellings.clear();
    return entry;
  }

  private registerSubcommand(
    parentName: string,
    child: string,
    spec: CommandSpec,
    module: string,
  ): CommandEntry {
    const parent = this.commands.get(parentName);
    if (!parent?.subcommands) {
      throw new Error(
        `cannot add subcommand '${parentName}|${child}': '${parentName}' is not a registered container command`,
      );
    }
    if (parent.subcommands.has(child)) {
      throw new Error(
        `subcommand '${parentName}|${child}' is already registered by module '${
          parent.subcommands.get(child)!.module
        }'`,
      );
    }
    const entry = makeEntry(spec, module, parent, child);
    parent.subcommands.set(child, entry);
    return entry;
  }

  /** Remove a command, or a subcommand added as "parent|child". */
  unregister(name: string): void {
    const lower = name.toLowerCase();
    const bar = lower.indexOf("|");
    if (bar >= 0) this.commands.get(lower.slice(0, bar))?.subcommands?.delete(lower.slice(bar + 1));
    else this.commands.delete(lower);
    this.spellings.clear();
  }

  /** A top-level command by name (any case). */
  get(name: string): CommandEntry | undefined {
    const hit = this.spellings.get(name);
    if (hit !== undefined) return hit;
    const e = this.commands.get(name.toLowerCase());
    if (e !== undefined && this.spellings.size < 4096) this.spellings.set(name, e);
    return e;
  }

  /** Resolve argv to a command or subcommand entry; undefined when unknown. */
  lookup(argv: string[]): CommandEntry | undefined {
    const top = this.get(argv[0]);
    if (!top || !top.subcommands || argv.length < 2) return top;
    const sub = argv[1];
    return top.subcommands.get(sub) ?? top.subcommands.get(sub.toLowerCase());
  }

  /** Every top-level command. */
  all(): IterableIterator<CommandEntry> {
    return this.commands.values();
  }

  /** Number of top-level commands (COMMAND COUNT). */
  get size(): number {
    return this.commands.size;
  }
}

function makeEntry(
  spec: CommandSpec,
  module: string,
  parent: CommandEntry | null,
  ownName?: string,
): CommandEntry {
  const name = ownName ?? spec.name.toLowerCase();
  const fullName = parent ? `${parent.fullName}|${name}` : name;
  const flags = new Set(spec.flags);
  const entry: CommandEntry = {
    spec,
    fullName,
    module,
    parent,
    subcommands: spec.subcommands ? new Map() : null,
    flags,
    isWrite: flags.has("write"),
    // O(1) writes such as SET are not flagged fast by Redis but cost the same as GET here.
    isFast: flags.has("fast") || spec.complexity === "O(1)",
    aclCategories: deriveCategories(spec),
    keyRange: legacyRange(spec),
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
  };
  for (const sub of spec.subcommands ?? []) {
    entry.subcommands!.set(sub.name.toLowerCase(), makeEntry(sub, module, entry));
  }
  return entry;
}

/**
 * The error for an unknown command or subcommand, worded as Redis words it.
 *
 * @example
 * ```ts
 * unknownCommandError(table, ["FOO", "a"]); // "ERR unknown command 'FOO', with args beginning with: 'a' "
 * ```
 */
export function unknownCommandError(table: CommandTable, argv: string[]): string {
  let msg: string;
  const top = table.get(argv[0]);
  if (top?.subcommands && argv.length >= 2) {
    msg = `ERR unknown subcommand '${argv[1].slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`;
  } else {
    let args = "";
    for (let i = 1; i < argv.length && args.length < 128; i++) {
      args += `'${argv[i].slice(0, 128 - args.length)}' `;
    }
    msg = `ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`;
  }
  return msg.replace(/[\r\n]/g, " ");
}

/**
 * A call's flags: the command's own, or what its `runFlags` says for these arguments.
 *
 * @example
 * ```ts
 * runFlagsOf(evalSpec, server, ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"]); // no "write"
 * ```
 */
export function runFlagsOf(spec: CommandSpec, server: ServerApi, argv: string[]): CommandFlag[] {
  return spec.runFlags?.(server, argv) ?? spec.flags;
}

/**
 * Whether argv's length satisfies the entry's arity.
 *
 * @example
 * ```ts
 * arityOk(getEntry, ["GET", "k"]); // true
 * ```
 */
export function arityOk(entry: CommandEntry, argc: number): boolean {
  const a = entry.spec.arity;
  return a > 0 ? argc === a : argc >= -a;
}

/**
 * The argv indexes of a command's keys, from its key specs (or its getKeys function).
 * Returns null when the arguments do not fit the specs (e.g. a bad numkeys).
 *
 * @example
 * ```ts
 * commandKeys(msetEntry.spec, ["MSET", "a", "1", "b", "2"]); // [1, 3]
 * ```
 */
export function commandKeys(spec: CommandSpec, argv: string[]): number[] | null {
  if (spec.getKeys) return spec.getKeys(argv);
  const out: number[] = [];
  for (const ks of spec.keys ?? []) {
    const found = keysOfSpec(ks, argv);
    if (found === null) return null;
    out.push(...found);
  }
  return out;
}

function keysOfSpec(ks: KeySpec, argv: string[]): number[] | null {
  const argc = argv.length;
  let begin: number;
  if (typeof ks.begin === "number") {
    begin = ks.begin;
  } else {
    const { keyword, startFrom } = ks.begin;
    const kw = keyword.toLowerCase();
    begin = -1;
    if (startFrom >= 0) {
      for (let i = startFrom; i < argc; i++) {
        if (argv[i].toLowerCase() === kw) {
          begin = i + 1;
          break;
        }
      }
    } else {
      for (let i = argc + startFrom; i > 0; i--) {
        if (argv[i].toLowerCase() === kw) {
          begin = i + 1;
          break;
        }
      }
    }
    if (begin < 0) return [];
  }
  if (begin >= argc) return [];
  const find = ks.find ?? { lastKey: 0, step: 1, limit: 0 };
  const out: number[] = [];
  if ("lastKey" in find) {
    const step = find.step ?? 1;
    let last: number;
    if (find.lastKey >= 0) last = begin + find.lastKey;
    else if (!find.limit || find.lastKey !== -1) last = argc + find.lastKey;
    else last = begin + Math.floor((argc - begin) / find.limit) - 1;
    if (find.lastKey === -1 && find.limit && find.limit > 1) {
      last = begin + Math.floor((argc - begin) / find.limit) - 1;
    }
    if (last >= argc) return null;
    for (let i = begin; i <= last; i += step) out.push(i);
  } else {
    const nk = Number(argv[begin + find.keyNumIndex]);
    if (!Number.isInteger(nk) || nk < 0) return null;
    const first = begin + find.firstKey;
    const last = first + (nk - 1) * find.step;
    if (nk > 0 && last >= argc) return null;
    for (let i = 0; i < nk; i++) out.push(first + i * find.step);
  }
  return out;
}

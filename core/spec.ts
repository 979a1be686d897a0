/**
 * The module interface: every command, data type, config directive and hook in Modis is
 * declared with the types in this file, by built-in modules and third-party plugins alike.
 *
 * Design. A module is a plain object (`ModuleSpec`) listing what it contributes. Core reads
 * the object while loading the module and never again: registration is atomic (a module
 * whose setup fails leaves nothing behind) and there is no other way to add a command.
 * Command metadata and handler live in one object (`CommandSpec`) so that COMMAND INFO /
 * COMMAND DOCS, ACL categories and key extraction can never drift from what runs.
 *
 * Field names follow Redis's command JSON files and the Redis Modules API where one exists
 * (arity, flags, key specs, ACL categories; type name + encoding version + rdb callbacks), so
 * a Redis user finds the same words here. This file holds types only.
 *
 * Values. Keys and string values are "binary strings": JS strings whose every char code is a
 * byte (0..255), i.e. latin1. They are binary-safe, compact, hashed natively by the runtime
 * and need no decoding on the hot path. `core/bytes.ts` converts to and from Uint8Array.
 */

import type { Db } from "./keyspace.ts";
import type { ServerApi } from "./server.ts";
import type { ClientState } from "./client.ts";
import type { CommandEntry } from "./commands.ts";
import type { RdbInput, RdbOutput, RdbValue } from "./rdb_form.ts";

/** Command flags as COMMAND INFO names them (lower-case). */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "module"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "no_mandatory_keys"
  | "no_async_loading"
  | "no_multi"
  | "movablekeys"
  | "allow_busy";

/** Key-spec flags as COMMAND INFO names them. */
export type KeySpecFlag =
  | "RW"
  | "RO"
  | "OW"
  | "RM"
  | "access"
  | "update"
  | "insert"
  | "delete"
  | "not_key"
  | "incomplete"
  | "variable_flags";

/**
 * Where a command's keys are, in Redis's key-spec form: a begin-search step (an argv index,
 * or a keyword searched from `startFrom`, negative = from the end) and a find-keys step (a
 * range relative to the begin index, or a key count read from argv).
 *
 * @example
 * ```ts
 * // GET key: one key at argv[1]
 * const get: KeySpec = { flags: ["RO", "access"], begin: 1 };
 * // MSET key value [key value ...]: every second argument from argv[1] to the end
 * const mset: KeySpec = { flags: ["OW", "update"], begin: 1, find: { lastKey: -1, step: 2 } };
 * ```
 */
export interface KeySpec {
  flags: KeySpecFlag[];
  notes?: string;
  begin: number | { keyword: string; startFrom: number };
  /** Defaults to a single key: `{ lastKey: 0, step: 1, limit: 0 }`. */
  find?:
    | { lastKey: number; step?: number; limit?: number }
    | { keyNumIndex: number; firstKey: number; step: number };
}

/** One argument in COMMAND DOCS form. */
export interface ArgSpec {
  name: string;
  type:
    | "string"
    | "integer"
    | "double"
    | "key"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  token?: string;
  keySpecIndex?: number;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  summary?: string;
  deprecatedSince?: string;
  value?: string;
  arguments?: ArgSpec[];
}

/**
 * Propagation targets (Redis's PROPAGATE_AOF / PROPAGATE_REPL, and the values of Lua's
 * redis.REPL_AOF / REPL_REPLICA): a write goes to the AOF, to replicas, or both.
 *
 * @example
 * ```ts
 * ctx.propagate(argv, PROPAGATE_REPL); // replicas only (PUBLISH)
 * ```
 */
export const PROPAGATE_AOF = 1;
/** Propagate to replicas (see PROPAGATE_AOF). @example `ctx.propagate(argv, PROPAGATE_REPL)` */
export const PROPAGATE_REPL = 2;
/** Propagate everywhere, the default (see PROPAGATE_AOF). @example `server.propagate(0, argv, PROPAGATE_ALL)` */
export const PROPAGATE_ALL = 3;

/**
 * What a command handler receives: the calling client's state, its selected database, the
 * reply writer and the side-effect announcements core expects from every write.
 */
export interface CommandContext {
  /** The whole server, through its public API. */
  readonly server: ServerApi;
  /** The calling client (a real connection, the embedded caller, or a script's client). */
  readonly client: ClientState;
  /** The client's selected database. */
  readonly db: Db;
  /** Where the reply goes; exactly one top-level reply per command. */
  readonly reply: ReplyWriter;
  /**
   * Replace the verbatim propagation of this command with `argv`, sent to `targets`
   * (PROPAGATE_AOF | PROPAGATE_REPL; default both). PUBLISH, for one, goes to replicas only.
   */
  propagate(argv: string[], targets?: number): void;
  /** Whether this command may block (false inside MULTI/EXEC, scripts and embedded calls). */
  readonly canBlock: boolean;
  /**
   * Block the client on keys instead of replying (see core/blocking.ts): when one of them
   * changes, the command runs again, with the same deadline.
   */
  block(keys: string[], options: BlockOptions): void;
  /** Cancel propagation of this command altogether. */
  preventPropagation(): void;
}

/**
 * How a blocked client waits.
 *
 * @example
 * ```ts
 * ctx.block([key], {
 *   deadline: parseTimeoutSeconds(argv[argv.length - 1], ctx.server.now()),
 *   type: listType,
 *   timeoutReply: (r) => r.nullArray(),
 * });
 * ```
 */
export interface BlockOptions {
  /** Absolute deadline in ms, 0 = forever (parseTimeoutSeconds / parseTimeoutMillis). */
  deadline: number;
  /** Wake only when the key holds this type (default: on any change). */
  type?: AnyTypeSpec;
  /** Also wake when the key is deleted or replaced (XREADGROUP's error on a vanished stream). */
  unblockOnNoKey?: boolean;
  /** The reply on timeout or CLIENT UNBLOCK ... TIMEOUT. */
  timeoutReply(reply: ReplyWriter): void;
}

/** A command: its metadata as COMMAND INFO / COMMAND DOCS report it, and its handler. */
export interface CommandSpec {
  /** Lower-case name; a subcommand's is only its own part (`get` under `config`). */
  name: string;
  /** COMMAND DOCS group: string, generic, connection, server, list, ... */
  group: string;
  summary: string;
  since: string;
  complexity?: string;
  /** N = exactly N arguments including the name, -N = at least N. */
  arity: number;
  flags: CommandFlag[];
  /** ACL categories beyond the ones derived from flags (write, read, fast, slow, admin...). */
  aclCategories?: string[];
  keys?: KeySpec[];
  /** For commands whose keys no key spec can describe (Redis's getkeys_proc). */
  getKeys?(argv: string[]): number[];
  /**
   * For key specs flagged `variable_flags`: the flags the key at argv position `pos` really
   * gets with these arguments (SET is OW without GET, RW with it), as COMMAND
   * GETKEYSANDFLAGS reports them.
   */
  variableKeyFlags?(argv: string[], pos: number): KeySpecFlag[];
  /**
   * The flags this very call has, when the arguments decide (Redis's getCommandFlags: EVAL,
   * EVALSHA and FCALL take write / denyoom / stale from the script's declared flags). Gates
   * that judge a command by its flags (OOM, CLIENT PAUSE WRITE) read them through
   * `runFlagsOf`.
   */
  runFlags?(server: ServerApi, argv: string[]): CommandFlag[];
  arguments?: ArgSpec[];
  tips?: string[];
  history?: [string, string][];
  docFlags?: ("deprecated" | "syscmd")[];
  deprecatedSince?: string;
  replacedBy?: string;
  subcommands?: CommandSpec[];
  /**
   * Runs the command. Synchronous, like Redis: it runs to completion. It must write exactly
   * one reply through `ctx.reply`, or throw a `ReplyError` before writing anything.
   */
  handler?(ctx: CommandContext, argv: string[]): void;
}

/**
 * Writes one reply. One handler serves every sink: RESP2 and RESP3 encoders, the JS-value
 * builder behind embedded `call()`, and later the Lua value builder. Aggregates are written
 * as a header followed by exactly that many elements (a map of n pairs takes 2n elements).
 */
export interface ReplyWriter {
  /** The protocol the reader expects (2 or 3); most handlers never need it. */
  readonly resp: 2 | 3;
  ok(): void;
  simple(s: string): void;
  /** `msg` is the whole error line without the leading dash: "ERR syntax error". */
  error(msg: string): void;
  int(n: number | bigint): void;
  /** A bulk string, or the null bulk for `null`. */
  bulk(s: string | null): void;
  /** RESP3 null; RESP2 null bulk ($-1). */
  null(): void;
  /** RESP3 null; RESP2 null array (*-1). */
  nullArray(): void;
  array(n: number): void;
  /** A map of n pairs (RESP2: a flat array of 2n). */
  map(n: number): void;
  /** RESP3 set; RESP2 array. */
  set(n: number): void;
  /** RESP3 push; RESP2 array. */
  push(n: number): void;
  /**
   * RESP3 double; RESP2 bulk string formatted like Redis. `text` is Redis's rendering when a
   * command prints the number its own way (GEO coordinates: 17 decimals); writers that
   * produce values rather than bytes use `d`.
   */
  double(d: number, text?: string): void;
  /** RESP3 boolean; RESP2 integer 1/0. */
  bool(b: boolean): void;
  /** RESP3 verbatim string (format "txt"); RESP2 bulk. */
  verbatim(s: string, format?: string): void;
  /** RESP3 big number; RESP2 bulk. */
  bigNumber(s: string): void;
  /** An array of bulk strings (null entries become null bulks). */
  bulks(items: readonly (string | null)[]): void;
}

/**
 * Some TypeSpec, whatever its value type: what registries and type checks hold. TypeSpec is
 * invariant in its value type (its callbacks take and return values), so no `unknown`
 * instantiation accepts them all.
 *
 * @example
 * ```ts
 * const types = new Map<string, AnyTypeSpec>([["hash", hashType]]);
 * ```
 */
// deno-lint-ignore no-explicit-any -- the existential "some TypeSpec" (see above)
export type AnyTypeSpec = TypeSpec<any>;

/**
 * A data type. The registered object is the type's handle: values carry it (`value.type`)
 * and lookups check against it (`db.lookupWrite(key, listType)`).
 */
export interface TypeSpec<V = unknown> {
  /** TYPE reply ("list", "hash", ...; a plugin type's 9-character module type name). */
  name: string;
  /** Plugin types: encoding version saved with the value. */
  encodingVersion?: number;
  /** OBJECT ENCODING reply for a value. */
  encoding(value: V): string;
  /** A deep copy (COPY command). */
  copy(value: V): V;
  /** Approximate bytes used by the value (MEMORY USAGE). */
  memoryUsage?(value: V): number;
  /** Number of elements, used to decide lazy freeing (UNLINK) and INFO. */
  length?(value: V): number;

  // Persistence (RDB, DUMP/RESTORE, AOF rewrite). Each type saves itself: persistence never
  // switches on types. Built-in types convert to the neutral form of core/rdb_form.ts, which
  // persistence encodes as Redis would; plugin types, like Redis modules, write themselves
  // field by field and are stored as module values under their 9-character name and
  // `encodingVersion`. A type with neither cannot be saved (SAVE fails naming it).

  /** Built-in types: the value in neutral form. */
  toRdb?(value: V): RdbValue;
  /**
   * Built-in types: a value from its neutral form (only forms of this type's kind are
   * given), in the encoding the server's current limits pick. Throw on an invalid form.
   */
  fromRdb?(form: RdbValue, server: ServerApi): V;
  /**
   * A value of this type was just stored at `key` by a load (an RDB or AOF file, RESTORE)
   * instead of by this type's own commands: index it as they would (hashes register their
   * field TTLs for active expiry).
   */
  loaded?(value: V, db: Db, key: string, server: ServerApi): void;
  /** Plugin types: write the value (Redis's rdb_save). */
  rdbSave?(value: V, out: RdbOutput): void;
  /** Plugin types: read a value written with encoding version `encver` (Redis's rdb_load). */
  rdbLoad?(input: RdbInput, encver: number): V;
  /**
   * Plugin types: commands that rebuild the value at `key`, for an AOF without RDB preamble
   * (Redis's aof_rewrite). Without it such a value is saved in the AOF's RDB preamble only.
   */
  aofRewrite?(key: string, value: V, emit: (argv: string[]) => void): void;
}

/** A value stored in the keyspace that is not a plain string. */
export interface TypedValue {
  readonly type: AnyTypeSpec;
}

/** A keyspace value: a binary string or a typed value. */
export type Value = string | TypedValue;

/** Config directive types, as redis.conf and CONFIG SET understand them. */
export type ConfigKind = "bool" | "int" | "memory" | "string" | "enum" | "flags" | "special";

/**
 * A config directive, like Redis's standardConfig. The registry stores the value (one per
 * server) and validates it by kind before `apply` sees it; `apply` makes it effective (and
 * may throw `Error(msg)` to refuse it). Read values with `server.config.get(name)`.
 *
 * @example
 * ```ts
 * const hz: ConfigSpec = {
 *   name: "hz", kind: "int", min: 1, max: 500, default: "10",
 *   apply: (value, server) => { server.settings.hz = Number(value); },
 * };
 * ```
 */
export interface ConfigSpec {
  name: string;
  aliases?: string[];
  kind: ConfigKind;
  /** The default as redis.conf would spell it. */
  default: string;
  min?: number;
  max?: number;
  /** enum/flags: allowed words. */
  values?: string[];
  immutable?: boolean;
  sensitive?: boolean;
  hidden?: boolean;
  /**
   * Check a value's syntax before anything is applied (CONFIG SET checks every argument
   * first, like Redis's set phase): for "special" kinds, whose syntax core cannot know.
   * Throw `Error(msg)` to refuse it.
   */
  validate?(value: string): void;
  /** Make a validated value effective; runs with the default when the module loads. */
  apply?(value: string, server: ServerApi): void;
  /** Format the stored value for CONFIG GET when it differs from the stored text. */
  format?(value: string, server: ServerApi): string;
}

/** Keyspace event classes (notify-keyspace-events letters). */
export type EventClass = "g" | "$" | "l" | "s" | "h" | "z" | "x" | "e" | "t" | "m" | "d" | "n";

/**
 * What an `afterCommand` hook learns about the command that just ran. One object is reused
 * for every command: read it during the hook, don't keep it.
 */
export interface CommandRun {
  /** The command table entry that ran (statistics, flags, full name). */
  entry: CommandEntry;
  /**
   * How long the handler took, in microseconds; NaN for a fast command of a pipelined batch,
   * which is timed together with its batch (see `batchTimed`).
   */
  usec: number;
  /** Whether the command ended blocked (it will run again when served). */
  blocked: boolean;
}

/** Hooks a module may attach to the command path and the server's life. */
export interface ModuleHooks {
  /**
   * Runs before every command (after lookup and arity checks). Return true when the hook
   * answered instead of the command (auth gate, MULTI queueing, subscribe mode...).
   */
  beforeCommand?(ctx: CommandContext, cmd: CommandSpec, argv: string[]): boolean;
  /** After a command ran (also inside EXEC). */
  afterCommand?(ctx: CommandContext, cmd: CommandSpec, argv: string[], run: CommandRun): void;
  /**
   * Fast commands of a pipelined batch are not timed one by one (reading a clock costs
   * 35-160 ns on these runtimes, as much as the command): their batch's time is shared
   * evenly among them, here, once the batch ends.
   */
  batchTimed?(entries: readonly CommandEntry[], usecEach: number): void;
  /**
   * A key was modified (Redis's signalModifiedKey): WATCH, client tracking. The hooks below
   * that announce keyspace changes get the server last: one ModuleSpec object serves every
   * server in a process, so a module keeps per-server state keyed by it.
   */
  keyModified?(db: Db, key: string, server: ServerApi): void;
  /**
   * A key is about to be modified (only while `server.watchWrites(true)` is in force, e.g.
   * during a snapshot): the value is still the old one.
   */
  beforeKeyWrite?(db: Db, key: string): void;
  /** A keyspace event (Redis's notifyKeyspaceEvent). */
  keyspaceEvent?(
    cls: EventClass,
    event: string,
    key: string,
    dbIndex: number,
    server: ServerApi,
  ): void;
  /** A database was flushed (-1 = all); runs once the data is gone. */
  flushed?(dbIndex: number, server: ServerApi): void;
  /** Two databases exchanged their contents (SWAPDB); runs once they are swapped. */
  swapped?(index1: number, index2: number, server: ServerApi): void;
  /**
   * A write to propagate to AOF / replicas, in the db it applies to. Writes made by one
   * execution unit (a command with everything it runs: EXEC, scripts, lazy expiry) arrive
   * together once it ends; more than one arrive wrapped in MULTI ... EXEC, as in Redis 7.
   * `targets` says who should apply it (PROPAGATE_AOF, PROPAGATE_REPL bits): the AOF skips
   * what is for replicas only.
   */
  propagated?(dbIndex: number, argv: string[], server: ServerApi, targets: number): void;
  clientConnected?(client: ClientState): void;
  clientDisconnected?(client: ClientState): void;
  /** RESET ran for this client: drop per-client state (subscriptions, MULTI, tracking...). */
  clientReset?(client: ClientState): void;
  /** Runs `hz` times a second from core's cron. */
  cron?(server: ServerApi): void;
  /**
   * Once, after the configuration is applied and before clients are accepted: load persisted
   * data. May be async; a throw stops the server with the error's message.
   */
  loading?(server: ServerApi): void | Promise<void>;
  /** Before the server shuts down; may be async (final save). */
  shutdown?(server: ServerApi): void | Promise<void>;
  /** An INFO section contributed by the module: lines "field:value". */
  info?: Record<string, (server: ServerApi) => string[]>;
}

/**
 * A module: what it registers. Plugins export one as `moduleSpec`.
 *
 * @example
 * ```ts
 * export const moduleSpec: ModuleSpec = {
 *   name: "hello",
 *   commands: [{
 *     name: "hello.world", group: "module", summary: "Says hello.", since: "0.1.0",
 *     arity: 1, flags: ["fast"], handler: (ctx) => ctx.reply.simple("hello"),
 *   }],
 * };
 * ```
 */
export interface ModuleSpec {
  name: string;
  version?: number;
  /** Names of modules that must be loaded first. */
  requires?: string[];
  commands?: CommandSpec[];
  types?: AnyTypeSpec[];
  configs?: ConfigSpec[];
  hooks?: ModuleHooks;
  /** Runs once while loading, with the `--loadmodule` arguments. Throw to refuse loading. */
  setup?(server: ServerApi, args: string[]): void | Promise<void>;
  /** Runs on MODULE UNLOAD. */
  teardown?(server: ServerApi): void;
}

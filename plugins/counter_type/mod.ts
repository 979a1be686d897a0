/**
 * counter_type: an example plugin data type that persists, like a Redis module type.
 *
 * A counter key holds a running total and the number of increments that built it:
 *
 *   COUNTER.INCRBY key delta   → the new total (creates the key at 0)
 *   COUNTER.GET key            → [total, increments], or nil
 *   COUNTER.SET key total increments → OK (what AOF rewrites emit to rebuild a counter)
 *
 * Its TypeSpec is the type's handle (WRONGTYPE checks, TYPE reply "cntr-type": plugin type
 * names are 9 characters, the name Redis's module type IDs encode) and carries the three
 * persistence callbacks Redis's module API has:
 *   - rdbSave / rdbLoad: write and read the value field by field (RDB files, DUMP/RESTORE,
 *     the RDB preamble of AOF files; `encodingVersion` is saved with each value so a later
 *     version of the plugin can still read old files);
 *   - aofRewrite: the commands that rebuild a value, for AOF rewrites without preamble.
 *
 * A file holding counters can only be loaded where this plugin is loaded: otherwise the
 * load stops with an error naming "cntr-type", exactly like Redis with a missing module.
 */

import {
  type CommandSpec,
  type ModuleSpec,
  type RdbInput,
  type RdbOutput,
  ReplyError,
  type TypeSpec,
} from "../../mod.ts";

/** A counter value. */
export class Counter {
  constructor(public total: number, public increments: number) {}
  get type(): TypeSpec<Counter> {
    return counterType;
  }
}

/**
 * The counter type.
 *
 * @example
 * ```ts
 * const c = ctx.db.lookupWrite(key, counterType);
 * ```
 */
export const counterType: TypeSpec<Counter> = {
  name: "cntr-type",
  encodingVersion: 1,
  encoding: () => "raw",
  copy: (c) => new Counter(c.total, c.increments),
  memoryUsage: () => 48,
  rdbSave(c: Counter, out: RdbOutput) {
    out.saveSigned(c.total);
    out.saveUnsigned(c.increments);
  },
  rdbLoad(input: RdbInput, _encver: number) {
    const total = Number(input.loadSigned());
    const increments = Number(input.loadUnsigned());
    return new Counter(total, increments);
  },
  aofRewrite(key, c, emit) {
    emit(["COUNTER.SET", key, String(c.total), String(c.increments)]);
  },
};

function int(s: string): number {
  if (!/^-?\d{1,15}$/.test(s)) throw new ReplyError("ERR value is not an integer or out of range");
  return Number(s);
}

const commands: CommandSpec[] = [
  {
    name: "counter.incrby",
    group: "module",
    summary: "Adds to a counter, creating it at 0.",
    since: "0.1.0",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [{ flags: ["RW", "update"], begin: 1 }],
    handler(ctx, argv) {
      const delta = int(argv[2]);
      let c = ctx.db.lookupWrite(argv[1], counterType);
      if (c === undefined) ctx.db.add(argv[1], c = new Counter(0, 0));
      c.total += delta;
      c.increments++;
      ctx.db.modified(argv[1]);
      ctx.db.notify("m", "counter.incrby", argv[1]);
      ctx.reply.int(c.total);
    },
  },
  {
    name: "counter.get",
    group: "module",
    summary: "Returns a counter's total and number of increments.",
    since: "0.1.0",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [{ flags: ["RO", "access"], begin: 1 }],
    handler(ctx, argv) {
      const c = ctx.db.lookupRead(argv[1], counterType);
      if (c === undefined) return ctx.reply.nullArray();
      ctx.reply.array(2);
      ctx.reply.int(c.total);
      ctx.reply.int(c.increments);
    },
  },
  {
    name: "counter.set",
    group: "module",
    summary: "Sets a counter's total and number of increments.",
    since: "0.1.0",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["OW", "update"], begin: 1 }],
    handler(ctx, argv) {
      const c = new Counter(int(argv[2]), int(argv[3]));
      ctx.db.lookupWrite(argv[1], counterType);
      ctx.db.setKey(argv[1], c);
      ctx.db.notify("m", "counter.set", argv[1]);
      ctx.reply.ok();
    },
  },
];

/**
 * The plugin.
 *
 * @example
 * ```ts
 * const modis = createServer({ modules: [moduleSpec] });
 * await modis.call("COUNTER.INCRBY", "visits", 1);
 * ```
 */
export const moduleSpec: ModuleSpec = { name: "counter", types: [counterType], commands };

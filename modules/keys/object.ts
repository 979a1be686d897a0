/**
 * OBJECT: introspection of a stored value (ENCODING, IDLETIME, FREQ, REFCOUNT, HELP).
 *
 * Lookups here are silent, as in Redis: they neither refresh the access time nor fire
 * `keymiss`; they do count in the hit/miss statistics. A missing key answers null.
 *
 * ENCODING asks the keyspace (`Db.objectEncoding`): the value's TypeSpec names its own
 * representation (plugin types too), except for strings core has marked raw.
 *
 * IDLETIME is the keyspace's per-key access clock (seconds). Like Redis, it refuses to
 * answer under an LFU `maxmemory-policy` and FREQ refuses under any other policy, with
 * Redis's error texts, since a Redis key records either recency or frequency, not both.
 *
 * FREQ reads the key's LFU counter: while an LFU policy is active, the eviction module
 * installs core's KeyAccess and every access bumps Redis's logarithmic counter in the key's
 * access word (decayed on read by `lfu-decay-time`). Without that module the word is only
 * an access time, so FREQ estimates: Redis's initial counter (5) decayed by one per
 * `lfu-decay-time` minutes of idleness, what a key written once and left alone shows.
 *
 * REFCOUNT: Modis never shares a value between keys, so the answer is 1, except for the
 * small integers 0..9999 stored as strings: Redis keeps those as shared objects and reports
 * its "shared" refcount INT_MAX (unless maxmemory with an LRU/LFU policy turns sharing
 * off), and scripts or tests that look at it see the same number here.
 */

import type { CommandContext, CommandSpec, Value } from "../../core/spec.ts";
import { ReplyError } from "../../core/errors.ts";
import { lookupNoTouch } from "./lookup.ts";

const LFU_INIT_VAL = 5;
const SHARED_REFCOUNT = 2147483647;
const SHARED_INTEGERS = 10000;

const IDLETIME_UNDER_LFU =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const FREQ_WITHOUT_LFU =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

function lfuPolicy(ctx: CommandContext): boolean {
  return ctx.server.config.get("maxmemory-policy").endsWith("-lfu");
}

/** Whether Redis would hold this value as one of its shared small-integer objects. */
function isSharedInteger(ctx: CommandContext, value: Value): boolean {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,3})$/.test(value)) return false;
  if (Number(value) >= SHARED_INTEGERS) return false;
  const policy = ctx.server.config.get("maxmemory-policy");
  return ctx.server.config.get("maxmemory") === "0" ||
    !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
}

/** A subcommand taking one key that answers null when the key is missing. */
function keySubcommand(
  name: string,
  since: string,
  summary: string,
  answer: (ctx: CommandContext, key: string, value: Value) => void,
): CommandSpec {
  return {
    name,
    group: "generic",
    summary,
    since,
    complexity: "O(1)",
    arity: 3,
    flags: ["readonly"],
    keys: [{ flags: ["RO"], begin: 2 }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    tips: ["nondeterministic_output"],
    handler(ctx, argv) {
      const value = lookupNoTouch(ctx, argv[2], false);
      if (value === undefined) ctx.reply.null();
      else answer(ctx, argv[2], value);
    },
  };
}

const HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Name the internal representation of the value stored at <key>.",
  "FREQ <key>",
  "    Estimate how often <key> is accessed (logarithmic counter; LFU policies only).",
  "IDLETIME <key>",
  "    Seconds since <key> was last read or written (not under LFU policies).",
  "REFCOUNT <key>",
  "    How many references hold the value stored at <key>.",
  "HELP",
  "    Print this help.",
];

/**
 * The OBJECT container command.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [objectCommand] };
 * ```
 */
export const objectCommand: CommandSpec = {
  name: "object",
  group: "generic",
  summary: "A container for commands that inspect stored values.",
  since: "2.2.3",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    keySubcommand(
      "encoding",
      "2.2.3",
      "Names the internal representation of a key's value.",
      (ctx, key) => {
        ctx.reply.bulk(ctx.db.objectEncoding(key));
      },
    ),
    keySubcommand(
      "idletime",
      "2.2.3",
      "Tells how many seconds ago a key was last accessed.",
      (ctx, key) => {
        if (lfuPolicy(ctx)) throw new ReplyError(IDLETIME_UNDER_LFU);
        ctx.reply.int(ctx.db.idleSeconds(key));
      },
    ),
    keySubcommand("freq", "4.0.0", "Estimates a key's access frequency.", (ctx, key) => {
      if (!lfuPolicy(ctx)) throw new ReplyError(FREQ_WITHOUT_LFU);
      const access = ctx.server.keyAccess;
      if (access !== null) {
        ctx.reply.int(access.frequency(ctx.db.accessWord(key), ctx.server.now()));
        return;
      }
      const decay = Number(ctx.server.config.get("lfu-decay-time"));
      const periods = decay > 0 ? Math.floor(ctx.db.idleSeconds(key) / 60 / decay) : 0;
      ctx.reply.int(Math.max(0, LFU_INIT_VAL - periods));
    }),
    keySubcommand(
      "refcount",
      "2.2.3",
      "Tells how many references hold a key's value.",
      (ctx, _key, value) => {
        ctx.reply.int(isSharedInteger(ctx, value) ? SHARED_REFCOUNT : 1);
      },
    ),
    {
      name: "help",
      group: "generic",
      summary: "Lists the OBJECT subcommands.",
      since: "6.2.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      aclCategories: ["keyspace"],
      handler(ctx) {
        ctx.reply.array(HELP.length);
        for (const line of HELP) ctx.reply.simple(line);
      },
    },
  ],
};

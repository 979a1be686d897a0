/**
 * Keyspace enumeration: KEYS, SCAN and RANDOMKEY.
 *
 * KEYS walks the whole database in one go (O(N), as in Redis: it is documented as a
 * debugging command) and leaves out keys whose TTL has passed without deleting them.
 *
 * SCAN is stateless on the server: the cursor is a position in the keyspace Dict's
 * reverse-binary bucket order (core/dict.ts), which guarantees that a key present from the
 * first call to the last is returned at least once even while the table grows or shrinks
 * between calls; keys may be returned more than once. One call visits buckets until it has
 * seen COUNT entries (default 10) or visited 10×COUNT buckets, so a sparse table cannot make
 * one call slow. MATCH filters by glob and TYPE by type name after the visit, exactly like
 * Redis 7.4: the filters reduce the reply, not the work, so a call may return nothing while
 * the cursor is still non-zero. Collected keys that turn out to be expired are deleted
 * (lazily, with their `expired` event) and left out. An unknown TYPE simply matches nothing
 * (Redis 7.4 behaviour; an error is planned for Redis 8).
 *
 * The cursor argument is parsed like Redis's string2ull (an unsigned 64-bit decimal) and
 * reduced to the Dict's 32-bit cursor space; anything else is "ERR invalid cursor".
 *
 * RANDOMKEY samples the Dict in O(1) and skips expired keys (deleting them), giving up on
 * the expiry check after 100 tries when every key is volatile, like Redis.
 */

import type { CommandSpec } from "../../core/spec.ts";
import { typeOf } from "../../core/keyspace.ts";
import { globMatch } from "../../core/glob.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInt64 } from "../../core/numbers.ts";

const INVALID_CURSOR = "ERR invalid cursor";
const UINT64_MAX = 2n ** 64n - 1n;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/**
 * Parse a SCAN-family cursor as Redis does (string2ull: a canonical non-negative int64, or
 * else what C's strtoull accepts in full, wrapping negatives) and return it as a 32-bit
 * Dict cursor. Throws "ERR invalid cursor".
 *
 * @example
 * ```ts
 * parseScanCursor("0"); // 0
 * parseScanCursor("-1"); // throws ReplyError("ERR invalid cursor")
 * ```
 */
export function parseScanCursor(arg: string): number {
  let value = parseInt64(arg);
  if (value !== null) {
    if (value < 0n) throw new ReplyError(INVALID_CURSOR);
  } else {
    const m = STRTOULL.exec(arg);
    if (!m) throw new ReplyError(INVALID_CURSOR);
    const magnitude = BigInt(m[2]);
    if (magnitude > UINT64_MAX) throw new ReplyError(INVALID_CURSOR);
    value = m[1] === "-" ? (UINT64_MAX + 1n - magnitude) & UINT64_MAX : magnitude;
  }
  return Number(value & 0xffffffffn);
}

/**
 * KEYS, SCAN and RANDOMKEY.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "keys", commands: [...scanKeysCommands] };
 * ```
 */
export const scanKeysCommands: CommandSpec[] = [
  {
    name: "keys",
    group: "generic",
    summary: "Lists every key matching a glob pattern.",
    since: "1.0.0",
    complexity: "O(N) with N being the number of keys in the database.",
    arity: 2,
    flags: ["readonly"],
    aclCategories: ["keyspace", "dangerous"],
    arguments: [{ name: "pattern", type: "pattern" }],
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    handler(ctx, argv) {
      const db = ctx.db;
      const pattern = argv[1];
      const all = pattern === "*";
      const volatile = db.volatileCount > 0;
      const out: string[] = [];
      db.main.forEach((_value, key) => {
        if (!all && !globMatch(pattern, key)) return;
        if (volatile && db.isExpired(key)) return;
        out.push(key);
      });
      ctx.reply.bulks(out);
    },
  },
  {
    name: "scan",
    group: "generic",
    summary: "Iterates over the keys of the database with a cursor.",
    since: "2.8.0",
    complexity: "O(1) for every call. O(N) for a complete iteration.",
    arity: -2,
    flags: ["readonly"],
    arguments: [
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", optional: true },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "type", type: "string", token: "TYPE", optional: true, since: "6.0.0" },
    ],
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    tips: ["nondeterministic_output", "request_policy:special", "response_policy:special"],
    handler(ctx, argv) {
      let cursor = parseScanCursor(argv[1]);
      let count = 10;
      let pattern: string | null = null;
      let typeName: string | null = null;
      for (let i = 2; i < argv.length; i += 2) {
        const opt = argv[i].toLowerCase();
        if (opt === "novalues") {
          throw new ReplyError("ERR NOVALUES option can only be used in HSCAN");
        }
        if (i + 1 >= argv.length) throw new ReplyError(SYNTAX_ERR);
        if (opt === "count") {
          const n = parseInt64(argv[i + 1]);
          if (n === null) throw new ReplyError(NOT_INTEGER);
          if (n < 1n) throw new ReplyError(SYNTAX_ERR);
          count = Number(n);
        } else if (opt === "match") {
          pattern = argv[i + 1] === "*" ? null : argv[i + 1];
        } else if (opt === "type") {
          typeName = argv[i + 1].toLowerCase();
        } else {
          throw new ReplyError(SYNTAX_ERR);
        }
      }
      const db = ctx.db;
      const found: string[] = [];
      let sampled = 0;
      let budget = count * 10;
      const visit = (key: string) => {
        sampled++;
        if (pattern === null || globMatch(pattern, key)) found.push(key);
      };
      do {
        cursor = db.main.scan(cursor, visit);
      } while (cursor !== 0 && budget-- > 0 && sampled < count);
      const keys: string[] = [];
      for (const key of found) {
        if (typeName === null) {
          if (db.peek(key) !== undefined) keys.push(key);
          continue;
        }
        const value = db.peek(key);
        ctx.server.hit(value !== undefined);
        if (value !== undefined && typeOf(value).name.toLowerCase() === typeName) keys.push(key);
      }
      ctx.reply.array(2);
      ctx.reply.bulk(String(cursor));
      ctx.reply.bulks(keys);
    },
  },
  {
    name: "randomkey",
    group: "generic",
    summary: "Picks a key of the database at random.",
    since: "1.0.0",
    complexity: "O(1)",
    arity: 1,
    flags: ["readonly"],
    tips: ["request_policy:all_shards", "response_policy:special", "nondeterministic_output"],
    handler(ctx) {
      const key = ctx.db.randomKey();
      ctx.reply.bulk(key ?? null);
    },
  },
];

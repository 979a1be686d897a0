/**
 * SSCAN: cursor iteration over a set's members.
 *
 * A hashtable-encoded set is walked with the reverse-binary cursor of hash_set.ts (every
 * member present for the whole iteration is returned at least once, even across resizes).
 * One call visits home slots until it has seen COUNT members (default 10) or visited
 * 10 × COUNT slots; MATCH filters what was seen, so a call may return nothing with a
 * non-zero cursor, as in Redis. Intset and listpack sets are small by construction and come
 * back whole in one call with cursor 0.
 *
 * Checks run in Redis's order: the cursor first ("ERR invalid cursor", parsed like SCAN's),
 * then the key (a missing key answers an empty page even when the options are wrong), then
 * the options.
 */

import type { CommandSpec } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { globMatch } from "../../core/glob.ts";
import { parseScanCursor } from "../keys/scan_keys.ts";
import { setType } from "./set_value.ts";
import { KEY_ARG, READ_KEY } from "./common.ts";

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count].
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "sets", commands: [sscanCommand] };
 * ```
 */
export const sscanCommand: CommandSpec = {
  name: "sscan",
  group: "set",
  summary: "Iterates over the members of a set with a cursor.",
  since: "2.8.0",
  complexity:
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
  arity: -3,
  flags: ["readonly"],
  keys: READ_KEY,
  arguments: [
    KEY_ARG,
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  tips: ["nondeterministic_output"],
  handler(ctx, argv) {
    let cursor = parseScanCursor(argv[2]);
    const set = ctx.db.lookupRead(argv[1], setType);
    const r = ctx.reply;
    if (set === undefined) {
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    let count = 10;
    let pattern: string | null = null;
    for (let i = 3; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const hasValue = i + 1 < argv.length;
      if (opt === "count" && hasValue) {
        const n = parseInteger(argv[i + 1]);
        if (n === null) throw new ReplyError(NOT_INTEGER);
        if (n < 1) throw new ReplyError(SYNTAX_ERR);
        count = n;
      } else if (opt === "match" && hasValue) {
        pattern = argv[i + 1] === "*" ? null : argv[i + 1];
      } else if (opt === "novalues") {
        throw new ReplyError("ERR NOVALUES option can only be used in HSCAN");
      } else {
        throw new ReplyError(SYNTAX_ERR);
      }
    }
    const out: string[] = [];
    const keep = (m: string) => {
      if (pattern === null || globMatch(pattern, m)) out.push(m);
    };
    if (set.encoding !== "hashtable") {
      const all = set.toArray();
      for (const m of all) keep(m);
      cursor = 0;
    } else {
      let seen = 0;
      let budget = count * 10;
      do {
        cursor = set.scan(cursor, (m) => {
          seen++;
          keep(m);
        });
      } while (cursor !== 0 && budget-- > 0 && seen < count);
    }
    r.array(2);
    r.bulk(String(cursor));
    r.bulks(out);
  },
};

/**
 * The strings module: every Redis 7.4 command of the `string` and `bitmap` groups.
 *
 * Representation. A string value is stored in the keyspace as a plain binary string (a JS
 * string with one char per byte; core's `stringType`). There is no wrapper object and no
 * integer encoding: INCR parses and re-prints the digits, which costs less than keeping two
 * representations in sync, and OBJECT ENCODING derives "int"/"embstr"/"raw" from the
 * value. Strings are immutable, so commands that edit part of a value (APPEND, SETRANGE,
 * SETBIT, BITFIELD) build the new value with native slicing and concatenation, never a
 * JS loop per byte, and BITFIELD applies all its edits in one rebuild.
 *
 * Layout, one family per file:
 *   set_get.ts     SET (+ SETNX SETEX PSETEX GETSET through one core), GET, GETEX, GETDEL,
 *                  MGET, MSET, MSETNX
 *   counters.ts    INCR DECR INCRBY DECRBY (one core), INCRBYFLOAT
 *   long_double.ts x87 long double arithmetic, so INCRBYFLOAT prints Redis's exact digits
 *   ranges.ts      APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE
 *   bits.ts        SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP
 *   bitfield.ts    BITFIELD, BITFIELD_RO
 *   lcs.ts         LCS
 *   big_values.ts  chunked edits of big values, so SETBIT on a 16MB bitmap copies 64KB
 *   common.ts      argument parsing, size limits, byte splicing
 *
 * Every write follows core's discipline: lookup (which also checks the type) → mutate →
 * `db.modified` → keyspace event (class `$` for string events such as set, incrby,
 * setrange, setbit; class `g` for expire, persist, del) → reply. Propagation is verbatim
 * unless the command's meaning depends on when it runs: relative expiries become absolute
 * (SET … PXAT, PEXPIREAT), INCRBYFLOAT becomes a SET of its result, GETDEL becomes DEL.
 *
 * Its only state is big_values.ts's small cache of chunked big values (SETBIT and friends
 * on megabyte bitmaps), trimmed by the cron hook and cleared on flush.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { setGetCommands } from "./set_get.ts";
import { counterCommands } from "./counters.ts";
import { rangeCommands } from "./ranges.ts";
import { bitCommands } from "./bits.ts";
import { bitfieldCommands } from "./bitfield.ts";
import { lcsCommandSpec } from "./lcs.ts";
import { dropIdleEdits } from "./big_values.ts";

/**
 * The strings module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, stringsModule] });
 * await modis.call("SET", "k", "v"); // "OK"
 * ```
 */
export const stringsModule: ModuleSpec = {
  name: "strings",
  commands: [
    ...setGetCommands,
    ...counterCommands,
    ...rangeCommands,
    ...bitCommands,
    ...bitfieldCommands,
    lcsCommandSpec,
  ],
  hooks: {
    cron: () => dropIdleEdits(Date.now()),
    flushed: () => dropIdleEdits(Infinity),
  },
};

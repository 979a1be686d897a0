/**
 * The streams module: every Redis 7.4 command of the `stream` group — entries (XADD, XLEN,
 * XRANGE, XREVRANGE, XDEL, XTRIM, XSETID), reading with optional blocking (XREAD,
 * XREADGROUP), consumer groups (XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM) and
 * introspection (XINFO).
 *
 * Representation. A stream (stream.ts) is an ID-ordered array of blocks (block.ts), each a
 * run of up to stream-node-max-entries entries packed in one latin1 string with delta-coded
 * IDs and field names shared with the block's first entry — Redis's listpack nodes with
 * master entries, in JS terms. XADD is O(1) amortized; a range query binary-searches the
 * blocks (O(log N)) and decodes from there (O(M)). IDs are two uint64 halves kept as JS
 * numbers and switched to BigInt only above 2^53 (stream_id.ts). Consumer groups keep their
 * pending entries in ordered ID maps (id_index.ts, groups.ts).
 *
 * Layout:
 *   write_commands.ts   XADD XTRIM XDEL XSETID (trim options, ID generation, propagation)
 *   range_commands.ts   XLEN XRANGE XREVRANGE
 *   xread.ts            XREAD XREADGROUP (serving, blocking, delivery propagation)
 *   group_commands.ts   XGROUP XACK XPENDING
 *   claim_commands.ts   XCLAIM XAUTOCLAIM
 *   info_command.ts     XINFO
 *   stream.ts           the value class and the `stream` TypeSpec
 *   block.ts            packed entry blocks; listpack_size.ts mirrors Redis's node sizes
 *   groups.ts           consumer groups, consumers, pending entries
 *   id_index.ts         ordered map keyed by stream ID (PELs)
 *   stream_id.ts        IDs: parse, compare, increment, format
 *   config.ts           stream-node-max-bytes / -entries, kept parsed per server
 *   common.ts           spec builder, lookups, reply and propagation helpers
 *
 * Memory (memory_bench.ts: one stream, 1M `XADD big <id> item <n>`, RSS growth): redis-server
 * 7.0.15 16.1 B/entry; Modis on Bun 39.1 B (2.4x), on Deno 59.4 B (3.7x). Most of that is
 * the engines' one-time heap headroom under the load's allocation rate, not the data: after
 * the same load against a capped stream (`--warm`) Bun grows 24.8 B/entry (1.5x) and Deno
 * 46.1 B (2.9x), and each further million entries costs ~15 B/entry on Deno and ~10-30 B on
 * Bun. The live heap of the stream itself is 12-14 B/entry (5 bytes of packed entry plus the
 * value), below Redis's listpack.
 *
 * Persistence (later) needs only `Stream.toRdb()` / `Stream.fromRdb()` (the neutral
 * StreamValue form of modules/persistence/format/values.ts).
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { streamType } from "./stream.ts";
import { streamConfigs } from "./config.ts";
import { writeCommands } from "./write_commands.ts";
import { rangeCommands } from "./range_commands.ts";
import { xreadCommands } from "./xread.ts";
import { groupCommands } from "./group_commands.ts";
import { claimCommands } from "./claim_commands.ts";
import { xinfoCommand } from "./info_command.ts";

export { Stream, streamType } from "./stream.ts";
export type { StreamLimits, StreamRdbForm } from "./stream.ts";
export { streamLimits } from "./config.ts";

/**
 * The streams module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, streamsModule] });
 * await modis.call("XADD", "s", "1-1", "f", "v"); // "1-1"
 * ```
 */
export const streamsModule: ModuleSpec = {
  name: "streams",
  commands: [
    ...writeCommands,
    ...rangeCommands,
    ...xreadCommands,
    ...groupCommands,
    ...claimCommands,
    xinfoCommand,
  ],
  types: [streamType],
  configs: streamConfigs,
};

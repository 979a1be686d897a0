/**
 * The geo module: geospatial indexes as Redis keeps them — plain sorted sets whose scores
 * are 52-bit interleaved geohashes — with GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE and the deprecated GEORADIUS family (and _RO forms).
 *
 * No type of its own: a geo key is a zset (TYPE says "zset", ZRANGE/ZREM work on it, and it
 * persists and replicates as one), so the module requires sorted_sets and uses its ZSet
 * value class directly. The numbers — scores, decoded positions, distances, the cells a
 * search visits and the order it finds members in — follow Redis's geohash code (see
 * geohash.ts), so results agree with Redis to the printed precision.
 *
 *   geohash.ts   encoding/decoding, neighbours, search cells, distances
 *   args.ts      coordinate, length and unit arguments with Redis's errors
 *   search.ts    the search family's shared core and reply formatting
 *   commands.ts  GEOADD GEOPOS GEODIST GEOHASH and every command's metadata
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { geoCommands } from "./commands.ts";

/**
 * The geo module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, sortedSetsModule, geoModule] });
 * await modis.call("GEOADD", "g", "13.361389", "38.115556", "Palermo"); // 1
 * ```
 */
export const geoModule: ModuleSpec = {
  name: "geo",
  requires: ["sorted_sets"],
  commands: geoCommands,
};

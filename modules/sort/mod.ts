/**
 * The sort module: SORT and SORT_RO (sort.ts), the generic commands that order the
 * elements of a list, set or sorted set — by value or by weights read from other keys
 * (`BY weight_*`, `BY obj_*->field`), fetching other keys per element (`GET`), with LIMIT,
 * ASC/DESC, ALPHA, and (SORT only) STORE into a list.
 *
 * It reads the value classes of the lists, sets and sorted_sets modules (and hash fields
 * through the hashes module's lazy-expiry reader), and creates lists when storing, so it
 * requires those modules; without hashes, `->field` patterns simply find nothing.
 */

import type { ModuleSpec } from "../../core/spec.ts";
import { sortCommands } from "./sort.ts";

/**
 * The sort module.
 *
 * @example
 * ```ts
 * const modis = createServer();
 * await modis.call("RPUSH", "l", "3", "1", "2");
 * await modis.call("SORT", "l"); // ["1", "2", "3"]
 * ```
 */
export const sortModule: ModuleSpec = {
  name: "sort",
  requires: ["lists", "sets", "sorted_sets"],
  commands: sortCommands,
};

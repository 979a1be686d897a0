/**
 * The built-in modules, in load order: the preset `createServer()` and the standalone server
 * use. Each is an ordinary ModuleSpec, registered through the same interface as a plugin;
 * removing one from this list removes its commands and nothing else.
 */

import type { ModuleSpec } from "../core/spec.ts";
import { connectionModule } from "./connection/mod.ts";
import { keysModule } from "./keys/mod.ts";
import { stringsModule } from "./strings/mod.ts";
import { serverModule } from "./server/mod.ts";
import { evictionModule } from "./eviction/mod.ts";
import { listsModule } from "./lists/mod.ts";
import { hashesModule } from "./hashes/mod.ts";
import { setsModule } from "./sets/mod.ts";
import { sortedSetsModule } from "./sorted_sets/mod.ts";
import { pubsubModule } from "./pubsub/mod.ts";
import { scriptingModule } from "./scripting/mod.ts";
import { transactionsModule } from "./transactions/mod.ts";
import { hyperloglogModule } from "./hyperloglog/mod.ts";
import { geoModule } from "./geo/mod.ts";
import { sortModule } from "./sort/mod.ts";
import { streamsModule } from "./streams/mod.ts";
import { trackingModule } from "./tracking/mod.ts";
import { persistenceModule } from "./persistence/mod.ts";
import { clusterModule } from "./cluster/mod.ts";

/**
 * Every built-in module.
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: builtinModules.filter((m) => m.name !== "keys") });
 * ```
 */
export const builtinModules: ModuleSpec[] = [
  connectionModule,
  keysModule,
  stringsModule,
  serverModule,
  // Its OOM gate must run before the gates of later modules (MULTI queueing).
  evictionModule,
  listsModule,
  hashesModule,
  setsModule,
  sortedSetsModule,
  streamsModule,
  scriptingModule,
  hyperloglogModule,
  geoModule,
  sortModule,
  clusterModule,
  // Gates of the modules above (auth, pause, subscribed mode, busy scripts...) run before
  // MULTI queueing, as in Redis: transactions stays last.
  pubsubModule,
  trackingModule,
  persistenceModule,
  transactionsModule,
];

/**
 * The eviction module: maxmemory, eviction policies and the OOM gate, as Redis 7.4 has
 * them, built on core's public hooks only.
 *
 * What a user sets: `maxmemory` (memory units; 0 = no limit), `maxmemory-policy`
 * (noeviction, allkeys-/volatile- lru, lfu, random, and volatile-ttl), `maxmemory-samples`,
 * `maxmemory-eviction-tenacity`, `lfu-log-factor`, `lfu-decay-time`, and
 * `maxmemory-clients` (accepted, bytes or a percentage, not enforced: no client eviction).
 *
 * How it fits together:
 * - meter.ts defines used_memory for a garbage-collected runtime (the engine's heap figure,
 *   corrected for writes it has not shown yet and for evictions the collector has not
 *   reclaimed yet) and samples it cheaply; INFO memory reports it (this module's "memory"
 *   section is merged into the server module's, field by field, its values winning).
 * - gate.ts is the beforeCommand hook, attached only while maxmemory > 0, that evicts before
 *   each command and refuses memory-using commands with Redis's OOM error when it cannot.
 * - evict.ts frees memory per policy, time-sliced; pool.ts picks victims (sampling and the
 *   16-entry eviction pool); lfu.ts is Redis's logarithmic, decaying access counter, which
 *   core keeps in each key's access word while an LFU policy is active (core's KeyAccess).
 * - config.ts holds the directives and switches the above on and off.
 *
 * Load it right after the server module and before the data types, so its gate precedes the
 * gates of later modules (MULTI queueing above all).
 */

import type { ModuleSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { bytesToHuman } from "../server/info.ts";
import { evictionConfigs, switchLimit } from "./config.ts";
import { evictionStateOf, usedMemory } from "./state.ts";

export { performEvictions } from "./evict.ts";
export { OOM_ERROR } from "./gate.ts";
export { evictionStateOf, usedMemory } from "./state.ts";

function pct(a: number, b: number): string {
  return `${b > 0 ? ((a / b) * 100).toFixed(2) : "0.00"}%`;
}

function memoryInfo(server: ServerApi): string[] {
  const st = evictionStateOf(server);
  const used = usedMemory(server);
  const startup = Math.min(st.meter.floor, used);
  const dataset = used - startup;
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_peak:${st.peak}`,
    `used_memory_peak_human:${bytesToHuman(st.peak)}`,
    `used_memory_peak_perc:${pct(used, st.peak)}`,
    `used_memory_startup:${startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${pct(dataset, used)}`,
    `maxmemory:${st.maxmemory}`,
    `maxmemory_human:${bytesToHuman(st.maxmemory)}`,
    `maxmemory_policy:${st.policyName}`,
    "mem_not_counted_for_evict:0",
    `mem_heap_figure:${st.meter.figure}`,
    `mem_heap_after_gc:${st.meter.base}`,
    `mem_unseen_writes:${st.meter.unseen}`,
    `mem_eviction_credit:${st.meter.credit}`,
  ];
}

/**
 * The eviction module.
 *
 * @example
 * ```ts
 * const modis = createServer({ config: { maxmemory: "100mb", "maxmemory-policy": "allkeys-lru" } });
 * ```
 */
export const evictionModule: ModuleSpec = {
  name: "eviction",
  configs: evictionConfigs,
  hooks: { info: { memory: memoryInfo } },
  setup(server) {
    evictionStateOf(server).meter.sample();
  },
  teardown(server) {
    switchLimit(server, false);
    server.keyAccess = null;
  },
};

/**
 * Per-server eviction state. One ModuleSpec object serves every server of a process, so the
 * state lives in a WeakMap keyed by the server; config `apply` callbacks fill it with parsed
 * values, so the command path never parses config strings.
 */

import type { ServerApi } from "../../core/server.ts";
import { MemoryMeter } from "./meter.ts";
import { EvictionPool, parsePolicy, type Policy } from "./pool.ts";
import type { LfuSettings } from "./lfu.ts";

/** The eviction state of one server. */
export interface EvictionState {
  /** maxmemory in bytes (0 = no limit). */
  maxmemory: number;
  policyName: string;
  policy: Policy;
  samples: number;
  tenacity: number;
  lfu: LfuSettings;
  readonly meter: MemoryMeter;
  readonly pool: EvictionPool;
  /** Next db for random policies (round-robin). */
  nextDb: number;
  /** A background eviction slice is scheduled. */
  continuing: ReturnType<typeof setTimeout> | null;
  /** Peak of used_memory as reported. */
  peak: number;
}

const states = new WeakMap<ServerApi, EvictionState>();

/**
 * The eviction state of a server (created with defaults on first use).
 *
 * @example
 * ```ts
 * evictionStateOf(server).meter.used();
 * ```
 */
export function evictionStateOf(server: ServerApi): EvictionState {
  let st = states.get(server);
  if (st === undefined) {
    st = {
      maxmemory: 0,
      policyName: "noeviction",
      policy: parsePolicy("noeviction"),
      samples: 5,
      tenacity: 10,
      lfu: { logFactor: 10, decayMinutes: 1 },
      meter: new MemoryMeter(() => server.host?.heapUsed() ?? 0),
      pool: new EvictionPool(),
      nextDb: 0,
      continuing: null,
      peak: 0,
    };
    states.set(server, st);
  }
  return st;
}

/**
 * used_memory now (sampling the engine's figure if stale), tracking the peak.
 *
 * @example
 * ```ts
 * usedMemory(server); // bytes
 * ```
 */
export function usedMemory(server: ServerApi): number {
  const st = evictionStateOf(server);
  if (st.maxmemory > 0) st.meter.refresh(server);
  else st.meter.sample();
  const used = st.meter.used();
  if (used > st.peak) st.peak = used;
  return used;
}

/**
 * The eviction directives: maxmemory, maxmemory-policy, maxmemory-samples,
 * maxmemory-eviction-tenacity, maxmemory-clients, lfu-log-factor, lfu-decay-time. Their
 * `apply` callbacks keep the parsed values in the server's EvictionState and switch the
 * on-demand machinery: the OOM gate and write tracking exist only while maxmemory > 0; the
 * LFU KeyAccess is installed while the policy is an LFU one (even without a limit, so OBJECT
 * FREQ answers as in Redis).
 */

import type { ConfigSpec } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import type { Db } from "../../core/keyspace.ts";
import { parseMemory } from "../../core/config.ts";
import { evictionStateOf, usedMemory } from "./state.ts";
import { parsePolicy, POLICIES } from "./pool.ts";
import { lfuKeyAccess } from "./lfu.ts";
import { oomGate } from "./gate.ts";
import { performEvictions, stopEvictions } from "./evict.ts";

const INT_MAX = 2147483647;

function trackWrite(db: Db, key: string, server: ServerApi): void {
  evictionStateOf(server).meter.keyWritten(db.index, key, server);
}

function trackFlush(_dbIndex: number, server: ServerApi): void {
  const st = evictionStateOf(server);
  st.meter.flushed();
  st.pool.clear();
}

/**
 * Attach (limit set) or detach (no limit) the gate and the write tracking.
 *
 * @example
 * ```ts
 * switchLimit(server, false); // module teardown
 * ```
 */
export function switchLimit(server: ServerApi, on: boolean): void {
  if (on) {
    server.addHook("beforeCommand", oomGate, "eviction");
    server.addHook("keyModified", trackWrite, "eviction");
    server.addHook("flushed", trackFlush, "eviction");
  } else {
    server.removeHook("beforeCommand", oomGate);
    server.removeHook("keyModified", trackWrite);
    server.removeHook("flushed", trackFlush);
    stopEvictions(server);
  }
}

function applyMaxmemory(value: string, server: ServerApi): void {
  const st = evictionStateOf(server);
  const bytes = Number(value);
  const was = st.maxmemory;
  st.maxmemory = bytes;
  if ((was > 0) !== (bytes > 0)) switchLimit(server, bytes > 0);
  if (bytes === 0) return;
  const used = usedMemory(server);
  if (used > bytes) {
    server.log(
      "warning",
      `WARNING: the new maxmemory value set via CONFIG SET (${bytes}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
    );
  }
  performEvictions(server);
}

function applyPolicy(value: string, server: ServerApi): void {
  const st = evictionStateOf(server);
  st.policyName = value;
  st.policy = parsePolicy(value);
  st.pool.clear();
  server.keyAccess = st.policy.how === "lfu" ? lfuKeyAccess(st.lfu) : null;
}

/** maxmemory-clients: bytes, or a percentage of maxmemory ("10%"). */
function parseClientsLimit(value: string): string {
  if (/^\d+%$/.test(value)) {
    if (Number(value.slice(0, -1)) > 100) {
      throw new Error("percentage argument must be less or equal to 100");
    }
    return value;
  }
  const n = parseMemory(value);
  if (n === null || n < 0) throw new Error("argument must be a memory or percent value");
  return String(n);
}

/**
 * The module's directives.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "eviction", configs: evictionConfigs };
 * ```
 */
export const evictionConfigs: ConfigSpec[] = [
  { name: "maxmemory", kind: "memory", default: "0", min: 0, apply: applyMaxmemory },
  {
    name: "maxmemory-policy",
    kind: "enum",
    default: "noeviction",
    values: [...POLICIES],
    apply: applyPolicy,
  },
  {
    name: "maxmemory-samples",
    kind: "int",
    default: "5",
    min: 1,
    max: 64,
    apply: (v, server) => void (evictionStateOf(server).samples = Number(v)),
  },
  {
    name: "maxmemory-eviction-tenacity",
    kind: "int",
    default: "10",
    min: 0,
    max: 100,
    apply: (v, server) => void (evictionStateOf(server).tenacity = Number(v)),
  },
  {
    // Accepted and shown like Redis's (bytes or a percentage of maxmemory); client eviction
    // itself is not implemented, so the value has no effect yet.
    name: "maxmemory-clients",
    kind: "special",
    default: "0",
    validate: (v) => void parseClientsLimit(v),
    format: (v) => parseClientsLimit(v),
  },
  {
    name: "lfu-log-factor",
    kind: "int",
    default: "10",
    min: 0,
    max: INT_MAX,
    apply: (v, server) => void (evictionStateOf(server).lfu.logFactor = Number(v)),
  },
  {
    name: "lfu-decay-time",
    kind: "int",
    default: "1",
    min: 0,
    max: INT_MAX,
    apply: (v, server) => void (evictionStateOf(server).lfu.decayMinutes = Number(v)),
  },
];

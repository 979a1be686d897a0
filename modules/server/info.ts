/**
 * INFO: the server's report on itself, in Redis 7's sections and field names.
 *
 * Section selection follows Redis 7: no argument means the default sections; `default`,
 * `all` (every built-in section) and `everything` (all + module sections) may be mixed
 * with section names, case-insensitively, and each section appears at most once, in
 * Redis's fixed order. `modules` shows the module list plus every module section.
 *
 * Where the data comes from. Core's counters (ServerStats, command entries, clients, dbs)
 * and the runtime's figures (rss, cpu) feed the built-in renderers below. Other modules
 * contribute through `hooks.info`: a module section named like a built-in one (say
 * "persistence" from the persistence module) is merged into it field by field — the
 * module's value wins, its extra fields are appended — so the stub fields shown here
 * before persistence exists keep their place and Redis's names; a section with a new name
 * is a module section of its own. Fields that only other modules know (watched keys,
 * pub/sub channels, AOF sizes...) are shown with their idle values until those modules
 * report them.
 */

import type { CommandSpec } from "../../core/spec.ts";
import type { CommandEntry } from "../../core/commands.ts";
import type { ServerApi } from "../../core/server.ts";
import { NetworkClient } from "../../core/connection.ts";
import { stateOf } from "./state.ts";
import { pluginModules } from "./module_command.ts";
import { postponedCount } from "./pause.ts";

type Renderer = (server: ServerApi) => string[];

/** Format a byte count as Redis's INFO does (1.50K, 2.00M, 100B). */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P", "E"];
  if (n < 1024) return `${n}B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

/** Current memory figure (the runtime's resident set size) and its tracked peak. */
export function memoryFigures(server: ServerApi): { used: number; peak: number; startup: number } {
  const st = stateOf(server);
  const used = server.host?.rss() ?? 0;
  if (used > st.peakMemory) st.peakMemory = used;
  return { used, peak: st.peakMemory, startup: st.startupMemory };
}

function serverSection(server: ServerApi): string[] {
  const host = server.host;
  const now = Date.now();
  const uptime = Math.floor((now - server.startTime) / 1000);
  const s = server.settings;
  const binds = s.bind.map((b) => `bind=${b}`).join(",");
  const lines = [
    `redis_version:${server.version}`,
    "redis_git_sha1:00000000",
    "redis_git_dirty:0",
    "redis_build_id:0",
    "redis_mode:standalone",
    `os:${host ? `${host.runtime} ${host.runtimeVersion}` : "embedded"}`,
    "arch_bits:64",
    "monotonic_clock:performance.now",
    `multiplexing_api:${host?.runtime ?? "none"}`,
    "atomicvar_api:single-threaded",
    "gcc_version:0.0.0",
    `process_id:${host?.pid ?? 0}`,
    "process_supervised:no",
    `run_id:${server.runId}`,
    `tcp_port:${s.port}`,
    `server_time_usec:${now * 1000}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${s.hz}`,
    `configured_hz:${s.hz}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    "executable:",
    `config_file:${server.configFile ?? ""}`,
    "io_threads_active:0",
    `modis_version:${server.modisVersion}`,
    `listener0:name=tcp,${binds},port=${s.port}`,
  ];
  if (s.unixsocket !== "") lines.push(`listener1:name=unix,bind=${s.unixsocket}`);
  return lines;
}

function clientsSection(server: ServerApi): string[] {
  let connected = 0, tracking = 0, pubsub = 0, watching = 0, maxIn = 0, maxOut = 0;
  for (const c of server.clients.values()) {
    if (c.kind !== "replica") connected++;
    if (c.flagLetters.has("t")) tracking++;
    if (c.kind === "pubsub" || c.flagLetters.has("P")) pubsub++;
    if ((c.counters.watch ?? 0) > 0) watching++;
    if (c instanceof NetworkClient) {
      maxIn = Math.max(maxIn, c.parser.pending);
      maxOut = Math.max(maxOut, c.out.length);
    }
  }
  return [
    `connected_clients:${connected}`,
    "cluster_connections:0",
    `maxclients:${server.settings.maxclients}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    `blocked_clients:${server.blocking.blockedCount + postponedCount(server)}`,
    `tracking_clients:${tracking}`,
    `pubsub_clients:${pubsub}`,
    `watching_clients:${watching}`,
    `clients_in_timeout_table:${server.blocking.timeoutCount}`,
    "total_watched_keys:0",
    `total_blocking_keys:${server.blocking.blockedKeyCount}`,
    `total_blocking_keys_on_nokey:${server.blocking.blockedKeyOnNoKeyCount}`,
  ];
}

function memorySection(server: ServerApi): string[] {
  const { used, peak, startup } = memoryFigures(server);
  const maxmemory = Number(server.config.get("maxmemory")) || 0;
  const dataset = Math.max(0, used - startup);
  const pct = (a: number, b: number) => (b > 0 ? ((a / b) * 100).toFixed(2) : "0.00") + "%";
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${used}`,
    `used_memory_rss_human:${bytesToHuman(used)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${pct(used, peak)}`,
    `used_memory_overhead:${startup}`,
    `used_memory_startup:${startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${pct(dataset, used)}`,
    `allocator_allocated:${used}`,
    `allocator_active:${used}`,
    `allocator_resident:${used}`,
    "allocator_muzzy:0",
    "total_system_memory:0",
    "total_system_memory_human:0B",
    "used_memory_lua:0",
    "used_memory_vm_eval:0",
    "used_memory_lua_human:0B",
    "used_memory_scripts_eval:0",
    "number_of_cached_scripts:0",
    "number_of_functions:0",
    "number_of_libraries:0",
    "used_memory_vm_functions:0",
    "used_memory_vm_total:0",
    "used_memory_vm_total_human:0B",
    "used_memory_functions:0",
    "used_memory_scripts:0",
    "used_memory_scripts_human:0B",
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${server.config.get("maxmemory-policy") || "noeviction"}`,
    "allocator_frag_ratio:1.00",
    "allocator_frag_bytes:0",
    "allocator_rss_ratio:1.00",
    "allocator_rss_bytes:0",
    "rss_overhead_ratio:1.00",
    "rss_overhead_bytes:0",
    "mem_fragmentation_ratio:1.00",
    "mem_fragmentation_bytes:0",
    "mem_not_counted_for_evict:0",
    "mem_replication_backlog:0",
    "mem_total_replication_buffers:0",
    "mem_clients_slaves:0",
    "mem_clients_normal:0",
    "mem_cluster_links:0",
    "mem_aof_buffer:0",
    `mem_allocator:${server.host?.runtime ?? "js"}`,
    "mem_overhead_db_hashtable_rehashing:0",
    "active_defrag_running:0",
    "lazyfree_pending_objects:0",
    "lazyfreed_objects:0",
  ];
}

/** Stub persistence fields, with Redis's names, until the persistence module reports. */
function persistenceSection(server: ServerApi): string[] {
  return [
    "loading:0",
    "async_loading:0",
    "current_cow_peak:0",
    "current_cow_size:0",
    "current_cow_size_age:0",
    "current_fork_perc:0.00",
    "current_save_keys_processed:0",
    "current_save_keys_total:0",
    `rdb_changes_since_last_save:${server.dirty}`,
    "rdb_bgsave_in_progress:0",
    `rdb_last_save_time:${Math.floor(server.startTime / 1000)}`,
    "rdb_last_bgsave_status:ok",
    "rdb_last_bgsave_time_sec:-1",
    "rdb_current_bgsave_time_sec:-1",
    "rdb_saves:0",
    "rdb_last_cow_size:0",
    "rdb_last_load_keys_expired:0",
    "rdb_last_load_keys_loaded:0",
    `aof_enabled:${server.config.get("appendonly") === "yes" ? 1 : 0}`,
    "aof_rewrite_in_progress:0",
    "aof_rewrite_scheduled:0",
    "aof_last_rewrite_time_sec:-1",
    "aof_current_rewrite_time_sec:-1",
    "aof_last_bgrewrite_status:ok",
    "aof_rewrites:0",
    "aof_rewrites_consecutive_failures:0",
    "aof_last_write_status:ok",
    "aof_last_cow_size:0",
    "module_fork_in_progress:0",
    "module_fork_last_cow_size:0",
  ];
}

function statsSection(server: ServerApi): string[] {
  const st = server.stats;
  return [
    `total_connections_received:${st.totalConnections}`,
    `total_commands_processed:${st.totalCommands}`,
    `instantaneous_ops_per_sec:${st.instantaneousOps}`,
    `total_net_input_bytes:${st.netInputBytes}`,
    `total_net_output_bytes:${st.netOutputBytes}`,
    "total_net_repl_input_bytes:0",
    "total_net_repl_output_bytes:0",
    `instantaneous_input_kbps:${st.instantaneousInputKbps.toFixed(2)}`,
    `instantaneous_output_kbps:${st.instantaneousOutputKbps.toFixed(2)}`,
    "instantaneous_input_repl_kbps:0.00",
    "instantaneous_output_repl_kbps:0.00",
    `rejected_connections:${st.rejectedConnections}`,
    "sync_full:0",
    "sync_partial_ok:0",
    "sync_partial_err:0",
    "expired_subkeys:0",
    `expired_keys:${st.expiredKeys}`,
    `expired_stale_perc:${(st.expiredStalePerc * 100).toFixed(2)}`,
    `expired_time_cap_reached_count:${st.expiredTimeCapReached}`,
    `expire_cycle_cpu_milliseconds:${Math.round(st.expireCycleCpuMs)}`,
    `evicted_keys:${st.evictedKeys}`,
    "evicted_clients:0",
    "evicted_scripts:0",
    "total_eviction_exceeded_time:0",
    "current_eviction_exceeded_time:0",
    `keyspace_hits:${st.keyspaceHits}`,
    `keyspace_misses:${st.keyspaceMisses}`,
    "pubsub_channels:0",
    "pubsub_patterns:0",
    "pubsubshard_channels:0",
    "latest_fork_usec:0",
    "total_forks:0",
    "migrate_cached_sockets:0",
    "slave_expires_tracked_keys:0",
    "active_defrag_hits:0",
    "active_defrag_misses:0",
    "active_defrag_key_hits:0",
    "active_defrag_key_misses:0",
    "total_active_defrag_time:0",
    "current_active_defrag_time:0",
    "tracking_total_keys:0",
    "tracking_total_items:0",
    "tracking_total_prefixes:0",
    "unexpected_error_replies:0",
    `total_error_replies:${st.totalErrorReplies}`,
    "dump_payload_sanitizations:0",
    `total_reads_processed:${st.totalCommands}`,
    `total_writes_processed:${st.totalCommands}`,
    "io_threaded_reads_processed:0",
    "io_threaded_writes_processed:0",
    "client_query_buffer_limit_disconnections:0",
    "client_output_buffer_limit_disconnections:0",
    "reply_buffer_shrinks:0",
    "reply_buffer_expands:0",
    "eventloop_cycles:0",
    "eventloop_duration_sum:0",
    "eventloop_duration_cmd_sum:0",
    "instantaneous_eventloop_cycles_per_sec:0",
    "instantaneous_eventloop_duration_usec:0",
    "acl_access_denied_auth:0",
    "acl_access_denied_cmd:0",
    "acl_access_denied_key:0",
    "acl_access_denied_channel:0",
  ];
}

/** Master-side replication fields until the replication module reports its own. */
function replicationSection(server: ServerApi): string[] {
  const st = stateOf(server);
  return [
    `role:${server.isReplica ? "slave" : "master"}`,
    "connected_slaves:0",
    "master_failover_state:no-failover",
    `master_replid:${st.replId}`,
    `master_replid2:${st.replId2}`,
    "master_repl_offset:0",
    "second_repl_offset:-1",
    "repl_backlog_active:0",
    `repl_backlog_size:${server.config.get("repl-backlog-size") || "1048576"}`,
    "repl_backlog_first_byte_offset:0",
    "repl_backlog_histlen:0",
  ];
}

function cpuSection(server: ServerApi): string[] {
  const cpu = server.host?.cpuUsage() ?? { user: 0, system: 0 };
  return [
    `used_cpu_sys:${cpu.system.toFixed(6)}`,
    `used_cpu_user:${cpu.user.toFixed(6)}`,
    "used_cpu_sys_children:0.000000",
    "used_cpu_user_children:0.000000",
    `used_cpu_sys_main_thread:${cpu.system.toFixed(6)}`,
    `used_cpu_user_main_thread:${cpu.user.toFixed(6)}`,
  ];
}

function modulesSection(server: ServerApi): string[] {
  return pluginModules(server).map((m) =>
    `module:name=${m.spec.name},ver=${
      m.spec.version ?? 0
    },api=1,filters=0,usedby=[],using=[],options=[]`
  );
}

/** Every command entry, subcommands right after their parent, as Redis walks its table. */
export function* walkCommands(server: ServerApi): Generator<CommandEntry> {
  function* walk(entries: Iterable<CommandEntry>): Generator<CommandEntry> {
    for (const e of entries) {
      yield e;
      if (e.subcommands) yield* walk(e.subcommands.values());
    }
  }
  yield* walk(server.commands.all());
}

/** INFO field names may not contain ':' or line breaks; Redis substitutes them. */
function safeName(name: string): string {
  return name.replace(/[:\r\n]/g, "_");
}

function commandstatsSection(server: ServerApi): string[] {
  const out: string[] = [];
  for (const e of walkCommands(server)) {
    if (e.calls === 0 && e.failedCalls === 0 && e.rejectedCalls === 0) continue;
    const usec = Math.round(e.usec);
    const perCall = e.calls === 0 ? 0 : e.usec / e.calls;
    out.push(
      `cmdstat_${safeName(e.fullName)}:calls=${e.calls},usec=${usec},usec_per_call=${
        perCall.toFixed(2)
      },rejected_calls=${e.rejectedCalls},failed_calls=${e.failedCalls}`,
    );
  }
  return out;
}

function errorstatsSection(server: ServerApi): string[] {
  return [...server.stats.errors.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, n]) => `errorstat_${safeName(code)}:count=${n}`);
}

/** Percentile labels as Redis prints them: "50", "99.9". */
function percentileList(server: ServerApi): number[] {
  return server.config.get("latency-tracking-info-percentiles").split(/\s+/).filter(Boolean).map(
    Number,
  )
    .filter((p) => Number.isFinite(p));
}

function latencystatsSection(server: ServerApi): string[] {
  if (server.config.get("latency-tracking") === "no") return [];
  const hist = stateOf(server).histograms;
  const ps = percentileList(server);
  const out: string[] = [];
  for (const e of walkCommands(server)) {
    const h = hist.get(e);
    if (!h || h.count === 0) continue;
    const parts = ps.map((p) => `p${p}=${h.percentile(p).toFixed(3)}`);
    out.push(`latency_percentiles_usec_${safeName(e.fullName)}:${parts.join(",")}`);
  }
  return out;
}

function clusterSection(): string[] {
  return ["cluster_enabled:0"];
}

function keyspaceSection(server: ServerApi): string[] {
  const out: string[] = [];
  for (const db of server.dbs) {
    if (db.size === 0 && db.volatileCount === 0) continue;
    out.push(
      `db${db.index}:keys=${db.size},expires=${db.volatileCount},avg_ttl=${
        Math.round(db.avgTtl)
      },subexpiry=0`,
    );
  }
  return out;
}

/** Built-in sections in Redis's order, with their titles. */
const SECTIONS: [string, string, Renderer][] = [
  ["server", "Server", serverSection],
  ["clients", "Clients", clientsSection],
  ["memory", "Memory", memorySection],
  ["persistence", "Persistence", persistenceSection],
  ["stats", "Stats", statsSection],
  ["replication", "Replication", replicationSection],
  ["cpu", "CPU", cpuSection],
  ["modules", "Modules", modulesSection],
  ["commandstats", "Commandstats", commandstatsSection],
  ["errorstats", "Errorstats", errorstatsSection],
  ["latencystats", "Latencystats", latencystatsSection],
  ["cluster", "Cluster", clusterSection],
  ["keyspace", "Keyspace", keyspaceSection],
];
const BUILTIN = new Set(SECTIONS.map(([name]) => name));
const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "module_list",
  "errorstats",
  "cluster",
  "keyspace",
];

/**
 * Merge a module's lines into a built-in section: same field → module's value; new →
 * appended. Values that are `name=value,...` lists (keyspace's db lines) merge by name the
 * same way, so a module can supply one figure of a line (subexpiry) and core the others.
 */
function mergeLines(base: string[], extra: string[]): string[] {
  return overlay(base, extra, ":", (line, update) => {
    const at = line.indexOf(":") + 1;
    const value = line.slice(at);
    const newValue = update.slice(at);
    if (!value.includes("=") || !newValue.includes("=")) return update;
    return line.slice(0, at) +
      overlay(value.split(","), newValue.split(","), "=", (_, u) => u).join(",");
  });
}

/**
 * `base` with each entry replaced by `merge(entry, update)` where `extra` has an entry of the
 * same name (the text before `sep`), then the unmatched entries of `extra` appended.
 */
function overlay(
  base: string[],
  extra: string[],
  sep: string,
  merge: (entry: string, update: string) => string,
): string[] {
  const name = (e: string) => e.slice(0, e.indexOf(sep));
  const updates = new Map(extra.map((e) => [name(e), e]));
  const out = base.map((e) => {
    const u = updates.get(name(e));
    if (u === undefined) return e;
    updates.delete(name(e));
    return merge(e, u);
  });
  return [...out, ...updates.values()];
}

/**
 * The INFO text for the given section arguments (empty = default sections).
 *
 * @example
 * ```ts
 * renderInfo(server, ["cpu", "memory"]); // "# Memory\r\nused_memory:...\r\n\r\n# CPU\r\n..."
 * ```
 */
export function renderInfo(server: ServerApi, args: string[]): string {
  const wanted = new Set<string>();
  let all = false, everything = false;
  for (const raw of args.length === 0 ? ["default"] : args) {
    const a = raw.toLowerCase();
    if (a === "default") DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
    else if (a === "all") all = true;
    else if (a === "everything") all = everything = true;
    else wanted.add(a);
  }
  const blocks: string[] = [];
  const emit = (title: string, lines: string[]) => {
    blocks.push(`# ${title}\r\n` + lines.map((l) => l + "\r\n").join(""));
  };
  for (const [name, title, render] of SECTIONS) {
    const listed = wanted.has(name) || (name === "modules" && wanted.has("module_list"));
    if (!all && !listed) continue;
    const extra = server.infoSections.get(name);
    emit(title, extra ? mergeLines(render(server), extra(server)) : render(server));
  }
  const allModules = everything || wanted.has("modules");
  for (const [name, render] of server.infoSections) {
    if (BUILTIN.has(name) || !(allModules || wanted.has(name.toLowerCase()))) continue;
    emit(name, render(server));
  }
  return blocks.join("\r\n");
}

/**
 * The INFO command.
 *
 * @example
 * ```ts
 * await modis.call("INFO", "server"); // "# Server\r\nredis_version:7.4.1\r\n..."
 * ```
 */
export const infoCommand: CommandSpec = {
  name: "info",
  group: "server",
  summary: "Reports statistics and facts about the server.",
  since: "1.0.0",
  complexity: "O(1)",
  arity: -1,
  flags: ["loading", "stale"],
  aclCategories: ["dangerous"],
  tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
  history: [["7.0.0", "Added support for taking multiple section arguments."]],
  arguments: [{ name: "section", type: "string", optional: true, multiple: true }],
  handler(ctx, argv) {
    ctx.reply.verbatim(renderInfo(ctx.server, argv.slice(1)));
  },
};

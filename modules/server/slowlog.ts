/**
 * Command timing: SLOWLOG, LATENCY and INFO latencystats, fed by one `afterCommand` hook.
 *
 * Core adds each call's duration to its command entry (`usec`, for INFO commandstats).
 * The hook takes the difference from the value it saw last time for that entry, which is
 * exactly the call that just ended — also for commands run inside EXEC or scripts, whose
 * afterCommand comes before the enclosing command's. From that one figure:
 *   - the slow log keeps commands slower than `slowlog-log-slower-than` usec (-1: off,
 *     0: everything), newest first, at most `slowlog-max-len`, arguments trimmed and
 *     passwords redacted like Redis (32 arguments, 128 bytes each);
 *   - the per-command latency histogram (when `latency-tracking` is yes) answers INFO
 *     latencystats percentiles and LATENCY HISTOGRAM;
 *   - with `latency-monitor-threshold` > 0, calls at least that many ms long become
 *     "command" / "fast-command" latency events (LATENCY LATEST / HISTORY / GRAPH).
 * The directives are this module's ConfigSpecs, so their values sit in the module state as
 * numbers and the hook does no parsing per command.
 */

import type { CommandContext, CommandSpec, ConfigSpec, ModuleHooks } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";
import { ReplyError } from "../../core/errors.ts";
import { intArg, replyHelp, type SlowlogEntry, stateOf } from "./state.ts";
import { LatencyHistogram } from "./latency_histogram.ts";
import { peerName, redactArgv } from "./monitor.ts";
import { walkCommands } from "./info.ts";

/** Timing settings, per server (set by the ConfigSpecs below). */
interface TimingSettings {
  slowerThan: number;
  maxLen: number;
  tracking: boolean;
  monitorThresholdMs: number;
}

const settings = new WeakMap<ServerApi, TimingSettings>();

function settingsOf(server: ServerApi): TimingSettings {
  let s = settings.get(server);
  if (!s) {
    s = { slowerThan: 10000, maxLen: 128, tracking: true, monitorThresholdMs: 0 };
    settings.set(server, s);
  }
  return s;
}

const MAX_ARGS = 32;
const MAX_ARG_LEN = 128;

function slowlogArgv(argv: string[]): string[] {
  const src = redactArgv(argv);
  const n = Math.min(src.length, MAX_ARGS);
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    if (n !== src.length && j === n - 1) out.push(`... (${src.length - n + 1} more arguments)`);
    else if (src[j].length > MAX_ARG_LEN) {
      out.push(`${src[j].slice(0, MAX_ARG_LEN)}... (${src[j].length - MAX_ARG_LEN} more bytes)`);
    } else out.push(src[j]);
  }
  return out;
}

function addLatencyEvent(server: ServerApi, event: string, ms: number): void {
  const events = stateOf(server).latencyEvents;
  let ev = events.get(event);
  if (!ev) events.set(event, ev = { samples: [], max: 0 });
  const now = Math.floor(Date.now() / 1000);
  const last = ev.samples[ev.samples.length - 1];
  if (last && last[0] === now) last[1] = Math.max(last[1], ms);
  else ev.samples.push([now, ms]);
  if (ev.samples.length > 160) ev.samples.shift();
  ev.max = Math.max(ev.max, ms);
}

/**
 * The batchTimed hook: fast commands of a pipelined batch get their share of the batch's
 * time in the latency histograms (they are fast by definition, so never slowlog material).
 *
 * @example
 * ```ts
 * server.addHook("batchTimed", batchRecorder(server));
 * ```
 */
export function batchRecorder(server: ServerApi): NonNullable<ModuleHooks["batchTimed"]> {
  const st = stateOf(server);
  const cfg = settingsOf(server);
  return (entries, usecEach) => {
    if (!cfg.tracking) return;
    for (const e of entries) {
      let h = st.histograms.get(e);
      if (!h) st.histograms.set(e, h = new LatencyHistogram());
      h.record(usecEach);
    }
  };
}

/**
 * The afterCommand hook that times every call (SLOWLOG, LATENCY, INFO latencystats), bound
 * to one server's state so the per-command path does no lookups.
 *
 * @example
 * ```ts
 * setup(server) { server.addHook("afterCommand", commandRecorder(server)); }
 * ```
 */
export function commandRecorder(server: ServerApi): NonNullable<ModuleHooks["afterCommand"]> {
  const st = stateOf(server);
  const cfg = settingsOf(server);
  return (ctx, _cmd, argv, run) => {
    // Blocked: timed when served. NaN: a fast command of a pipelined batch, timed with it
    // (batchRecorder).
    if (run.blocked || Number.isNaN(run.usec)) return;
    const e = run.entry;
    const usec = run.usec;
    if (cfg.tracking) {
      let h = st.histograms.get(e);
      if (!h) st.histograms.set(e, h = new LatencyHistogram());
      h.record(usec);
    }
    if (
      cfg.slowerThan >= 0 && usec >= cfg.slowerThan && cfg.maxLen > 0 &&
      !e.flags.has("skip_slowlog")
    ) {
      st.slowlog.unshift({
        id: st.slowlogNextId++,
        time: Math.floor(Date.now() / 1000),
        usec: Math.round(usec),
        argv: slowlogArgv(argv),
        peer: ctx.client.addr === "" ? peerName(server, ctx.client) : ctx.client.addr,
        name: ctx.client.name,
      });
      if (st.slowlog.length > cfg.maxLen) st.slowlog.length = cfg.maxLen;
    }
    if (cfg.monitorThresholdMs > 0 && usec / 1000 >= cfg.monitorThresholdMs) {
      addLatencyEvent(
        server,
        e.flags.has("fast") ? "fast-command" : "command",
        Math.round(usec / 1000),
      );
    }
  };
}

/** The directives this file makes effective. */
export const timingConfigs: ConfigSpec[] = [
  {
    name: "slowlog-log-slower-than",
    kind: "int",
    default: "10000",
    min: -1,
    max: Number.MAX_SAFE_INTEGER,
    apply: (v, server) => {
      settingsOf(server).slowerThan = Number(v);
      // "Log every command" needs every command timed alone, pipelined or not.
      server.preciseTiming = Number(v) === 0;
    },
  },
  {
    name: "slowlog-max-len",
    kind: "int",
    default: "128",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (v, server) => {
      const n = Number(v);
      settingsOf(server).maxLen = n;
      const log = stateOf(server).slowlog;
      if (log.length > n) log.length = n;
    },
  },
  {
    name: "latency-tracking",
    kind: "bool",
    default: "yes",
    apply: (v, server) => {
      settingsOf(server).tracking = v === "yes";
    },
  },
  {
    name: "latency-monitor-threshold",
    kind: "int",
    default: "0",
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    apply: (v, server) => {
      settingsOf(server).monitorThresholdMs = Number(v);
    },
  },
  {
    name: "latency-tracking-info-percentiles",
    kind: "special",
    default: "50 99 99.9",
    apply: (v) => {
      for (const w of v.split(/\s+/).filter(Boolean)) {
        const p = Number(w);
        if (!/^[0-9.eE+-]+$/.test(w) || !Number.isFinite(p) || p < 0 || p > 100) {
          throw new Error("latency-tracking-info-percentiles must be numbers between 0 and 100");
        }
      }
    },
    format: (v) => v.split(/\s+/).filter(Boolean).map((w) => String(Number(w))).join(" "),
  },
];

const adminFlags: CommandSpec["flags"] = ["admin", "loading", "stale"];

function replySlowlogEntry(ctx: CommandContext, e: SlowlogEntry): void {
  const r = ctx.reply;
  r.array(6);
  r.int(e.id);
  r.int(e.time);
  r.int(e.usec);
  r.bulks(e.argv);
  r.bulk(e.peer);
  r.bulk(e.name);
}

/**
 * The SLOWLOG container command.
 *
 * @example
 * ```ts
 * await modis.call("SLOWLOG", "GET", "10");
 * ```
 */
export const slowlogCommand: CommandSpec = {
  name: "slowlog",
  group: "server",
  summary: "A container for slow log commands.",
  since: "2.2.12",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "get",
      group: "server",
      summary: "Returns the slow log's entries.",
      since: "2.2.12",
      complexity: "O(N) where N is the number of entries returned",
      arity: -2,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "nondeterministic_output"],
      history: [["4.0.0", "Added client IP address, port and name to the reply."]],
      arguments: [{ name: "count", type: "integer", optional: true }],
      handler(ctx, argv) {
        if (argv.length > 3) {
          throw new ReplyError("ERR wrong number of arguments for 'slowlog|get' command");
        }
        const log = stateOf(ctx.server).slowlog;
        let count = 10;
        if (argv.length === 3) {
          count = intArg(argv[2], "ERR count should be greater than or equal to -1");
          if (count < -1) throw new ReplyError("ERR count should be greater than or equal to -1");
          if (count === -1) count = log.length;
        }
        const shown = log.slice(0, count);
        ctx.reply.array(shown.length);
        for (const e of shown) replySlowlogEntry(ctx, e);
      },
    },
    {
      name: "len",
      group: "server",
      summary: "Returns the number of entries in the slow log.",
      since: "2.2.12",
      complexity: "O(1)",
      arity: 2,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
      handler(ctx) {
        ctx.reply.int(stateOf(ctx.server).slowlog.length);
      },
    },
    {
      name: "reset",
      group: "server",
      summary: "Clears all entries from the slow log.",
      since: "2.2.12",
      complexity: "O(N) where N is the number of entries in the slowlog",
      arity: 2,
      flags: adminFlags,
      tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      handler(ctx) {
        stateOf(ctx.server).slowlog.length = 0;
        ctx.reply.ok();
      },
    },
    {
      name: "help",
      group: "server",
      summary: "Show helpful text about the different subcommands",
      since: "6.2.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "SLOWLOG", [
          "GET [<count>]",
          "    The newest <count> entries (default 10, -1 for all): id, unix time, duration",
          "    in microseconds, arguments, client address and client name.",
          "LEN",
          "    Number of entries.",
          "RESET",
          "    Forget every entry.",
        ]);
      },
    },
  ],
};

function histogramReply(ctx: CommandContext, names: string[]): void {
  const server = ctx.server;
  const hist = stateOf(server).histograms;
  const chosen = names.length === 0 ? [...walkCommands(server)] : names.flatMap((n) => {
    const [top, sub] = n.toLowerCase().split("|");
    const e = server.commands.get(top);
    if (!e) return [];
    if (sub !== undefined) {
      const s = e.subcommands?.get(sub);
      return s ? [s] : [];
    }
    return [e, ...(e.subcommands?.values() ?? [])];
  });
  const withData = chosen.filter((e) => (hist.get(e)?.count ?? 0) > 0);
  const r = ctx.reply;
  r.map(withData.length);
  for (const e of withData) {
    const h = hist.get(e)!;
    r.bulk(e.fullName);
    r.map(2);
    r.bulk("calls");
    r.int(h.count);
    r.bulk("histogram_usec");
    const buckets = h.powerOfTwoBuckets();
    r.map(buckets.length);
    for (const [bound, n] of buckets) {
      r.int(bound);
      r.int(n);
    }
  }
}

function latencyGraph(event: string, samples: [number, number][], max: number): string {
  const now = Math.floor(Date.now() / 1000);
  const bars = " _.-'\"^";
  const line = samples.map(([, ms]) =>
    bars[Math.min(bars.length - 1, Math.ceil((ms / Math.max(max, 1)) * (bars.length - 1)))]
  )
    .join("");
  const ages = samples.map(([t]) => String(now - t)).join(" ");
  return `${event} - high ${max} ms, low ${
    Math.min(...samples.map(([, ms]) => ms))
  } ms (all time high ${max} ms)\n` +
    "-".repeat(80) + "\n" + line + "\n\nseconds ago: " + ages + "\n";
}

const latencyFlags: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"];
const latencyTips = [
  "nondeterministic_output",
  "request_policy:all_nodes",
  "response_policy:special",
];

/**
 * The LATENCY container command.
 *
 * @example
 * ```ts
 * await modis.call("LATENCY", "LATEST");
 * ```
 */
export const latencyCommand: CommandSpec = {
  name: "latency",
  group: "server",
  summary: "A container for latency diagnostics commands.",
  since: "2.8.13",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "latest",
      group: "server",
      summary: "Returns the latest latency samples for all events.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 2,
      flags: latencyFlags,
      tips: latencyTips,
      handler(ctx) {
        const events = stateOf(ctx.server).latencyEvents;
        ctx.reply.array(events.size);
        for (const [name, ev] of events) {
          const [t, ms] = ev.samples[ev.samples.length - 1];
          ctx.reply.array(4);
          ctx.reply.bulk(name);
          ctx.reply.int(t);
          ctx.reply.int(ms);
          ctx.reply.int(ev.max);
        }
      },
    },
    {
      name: "history",
      group: "server",
      summary: "Returns timestamp-latency samples for an event.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 3,
      flags: latencyFlags,
      tips: latencyTips,
      arguments: [{ name: "event", type: "string" }],
      handler(ctx, argv) {
        const ev = stateOf(ctx.server).latencyEvents.get(argv[2]);
        const samples = ev?.samples ?? [];
        ctx.reply.array(samples.length);
        for (const [t, ms] of samples) {
          ctx.reply.array(2);
          ctx.reply.int(t);
          ctx.reply.int(ms);
        }
      },
    },
    {
      name: "graph",
      group: "server",
      summary: "Returns a latency graph for an event.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 3,
      flags: latencyFlags,
      tips: latencyTips,
      arguments: [{ name: "event", type: "string" }],
      handler(ctx, argv) {
        const ev = stateOf(ctx.server).latencyEvents.get(argv[2]);
        if (!ev) throw new ReplyError(`ERR No samples available for event '${argv[2]}'`);
        ctx.reply.verbatim(latencyGraph(argv[2], ev.samples, ev.max));
      },
    },
    {
      name: "doctor",
      group: "server",
      summary: "Returns a human-readable latency analysis report.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 2,
      flags: latencyFlags,
      tips: latencyTips,
      handler(ctx) {
        const events = stateOf(ctx.server).latencyEvents;
        const threshold = settingsOf(ctx.server).monitorThresholdMs;
        let text: string;
        if (threshold === 0) {
          text =
            "Latency monitoring is disabled in this Modis instance: set latency-monitor-threshold " +
            "(CONFIG SET latency-monitor-threshold <milliseconds>) to collect latency events.\n";
        } else if (events.size === 0) {
          text = "No latency spikes were observed above the configured threshold.\n";
        } else {
          text = [...events].map(([name, ev]) =>
            `${name}: ${ev.samples.length} latency spikes (max ${ev.max} milliseconds). ` +
            "Long-running commands block the event loop: look at SLOWLOG GET for the culprits.\n"
          ).join("");
        }
        ctx.reply.verbatim(text);
      },
    },
    {
      name: "reset",
      group: "server",
      summary: "Resets the latency data for one or more events.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: -2,
      flags: latencyFlags,
      tips: ["request_policy:all_nodes", "response_policy:agg_sum"],
      arguments: [{ name: "event", type: "string", optional: true, multiple: true }],
      handler(ctx, argv) {
        const events = stateOf(ctx.server).latencyEvents;
        let n = 0;
        if (argv.length === 2) {
          n = events.size;
          events.clear();
        } else for (const name of argv.slice(2)) if (events.delete(name)) n++;
        ctx.reply.int(n);
      },
    },
    {
      name: "histogram",
      group: "server",
      summary: "Returns the cumulative distribution of latencies of a subset or all commands.",
      since: "7.0.0",
      complexity:
        "O(N) where N is the number of commands with latency information being retrieved.",
      arity: -2,
      flags: latencyFlags,
      tips: latencyTips,
      arguments: [{ name: "command", type: "string", optional: true, multiple: true }],
      handler(ctx, argv) {
        histogramReply(ctx, argv.slice(2));
      },
    },
    {
      name: "help",
      group: "server",
      summary: "Returns helpful text about the different subcommands.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 2,
      flags: ["loading", "stale"],
      handler(ctx) {
        replyHelp(ctx, "LATENCY", [
          "DOCTOR",
          "    A short report on the latency events seen.",
          "GRAPH <event>",
          "    An ASCII chart of the samples of <event>.",
          "HISTORY <event>",
          "    The [time, milliseconds] samples of <event>.",
          "LATEST",
          "    The newest sample of every event.",
          "RESET [<event> ...]",
          "    Forget the samples of the given events (all of them by default).",
          "HISTOGRAM [COMMAND ...]",
          "    Cumulative latency distribution of the given commands (all by default).",
        ]);
      },
    },
  ],
};

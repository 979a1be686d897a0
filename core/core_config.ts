/**
 * The directives core itself implements: networking, clients, databases, cron frequency,
 * logging and protocol limits. Their live values sit in one `CoreSettings` object per
 * server that the hot path reads directly (no string parsing per command).
 */

import type { ConfigSpec } from "./spec.ts";
import type { Server } from "./server.ts";
import type { LogLevel } from "./log.ts";
import { parseMemory } from "./config.ts";

/** Live values of core's directives. */
export interface CoreSettings {
  port: number;
  bind: string[];
  unixsocket: string;
  unixsocketperm: number;
  protectedMode: boolean;
  tcpKeepalive: number;
  timeout: number;
  maxclients: number;
  hz: number;
  logfile: string;
  protoMaxBulkLen: number;
  enableDebugCommand: string;
  enableModuleCommand: string;
  /** client-output-buffer-limit per class: hard bytes, soft bytes, soft seconds (0 = none). */
  outputLimits: Record<OutputClass, OutputLimit>;
}

/** Client classes for output buffer limits. */
export type OutputClass = "normal" | "replica" | "pubsub";

/** One class's output buffer limit. */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/**
 * Fresh settings with Redis's defaults.
 *
 * @example
 * ```ts
 * defaultSettings().port; // 6379
 * ```
 */
export function defaultSettings(): CoreSettings {
  return {
    port: 6379,
    bind: ["127.0.0.1", "-::1"],
    unixsocket: "",
    unixsocketperm: 0,
    protectedMode: true,
    tcpKeepalive: 300,
    timeout: 0,
    maxclients: 10000,
    hz: 10,
    logfile: "",
    protoMaxBulkLen: 512 * 1024 * 1024,
    enableDebugCommand: "no",
    enableModuleCommand: "no",
    outputLimits: {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
    },
  };
}

/**
 * Parse client-output-buffer-limit ("<class> <hard> <soft> <seconds>" repeated; classes
 * normal, replica/slave, pubsub; memory units allowed) into limits merged over `current`.
 *
 * @example
 * ```ts
 * parseOutputLimits("pubsub 32mb 8mb 60", defaultSettings().outputLimits).pubsub.hard; // 33554432
 * ```
 */
export function parseOutputLimits(
  value: string,
  current: Record<OutputClass, OutputLimit>,
): Record<OutputClass, OutputLimit> {
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length % 4 !== 0) {
    throw new Error("Wrong number of arguments in buffer limit configuration.");
  }
  const out = { ...current };
  for (let i = 0; i < words.length; i += 4) {
    const name = words[i].toLowerCase();
    const cls: OutputClass | null = name === "normal"
      ? "normal"
      : name === "replica" || name === "slave"
      ? "replica"
      : name === "pubsub"
      ? "pubsub"
      : null;
    const hard = parseMemory(words[i + 1]);
    const soft = parseMemory(words[i + 2]);
    const secs = /^\d+$/.test(words[i + 3]) ? Number(words[i + 3]) : null;
    if (cls === null || hard === null || soft === null || secs === null || hard < 0 || soft < 0) {
      throw new Error("Invalid client class specified in buffer limit configuration.");
    }
    out[cls] = { hard, soft, softSeconds: secs };
  }
  return out;
}

function formatOutputLimits(l: Record<OutputClass, OutputLimit>): string {
  return (["normal", "replica", "pubsub"] as const)
    .map((c) => `${c === "replica" ? "slave" : c} ${l[c].hard} ${l[c].soft} ${l[c].softSeconds}`)
    .join(" ");
}

type NumericKey = "port" | "tcpKeepalive" | "timeout" | "maxclients" | "hz" | "protoMaxBulkLen";

function intConfig(
  name: string,
  key: NumericKey,
  def: number,
  min: number,
  max: number,
): ConfigSpec {
  return {
    name,
    kind: "int",
    default: String(def),
    min,
    max,
    apply: (v, server) => {
      server.settings[key] = Number(v);
    },
  };
}

/**
 * Core's config specs.
 *
 * @example
 * ```ts
 * for (const spec of coreConfigs()) server.config.register(spec, "core");
 * ```
 */
export function coreConfigs(): ConfigSpec[] {
  return [
    intConfig("port", "port", 6379, 0, 65535),
    intConfig("tcp-keepalive", "tcpKeepalive", 300, 0, 2147483647),
    intConfig("timeout", "timeout", 0, 0, 2147483647),
    intConfig("maxclients", "maxclients", 10000, 1, 2147483647),
    intConfig("hz", "hz", 10, 1, 500),
    {
      ...intConfig(
        "proto-max-bulk-len",
        "protoMaxBulkLen",
        512 * 1024 * 1024,
        1024 * 1024,
        Number.MAX_SAFE_INTEGER,
      ),
      kind: "memory",
    },
    {
      name: "bind",
      kind: "special",
      default: "127.0.0.1 -::1",
      apply: (v, server) => {
        const addrs = v.split(/\s+/).filter(Boolean);
        if (addrs.length === 0 || addrs.length > 16) {
          throw new Error("Too many bind addresses specified.");
        }
        server.settings.bind = addrs;
      },
    },
    {
      name: "unixsocket",
      kind: "string",
      default: "",
      immutable: true,
      apply: (v, server) => {
        server.settings.unixsocket = v;
      },
    },
    {
      name: "unixsocketperm",
      kind: "special",
      default: "0",
      immutable: true,
      apply: (v, server) => {
        if (!/^[0-7]+$/.test(v) || parseInt(v, 8) > 0o777) {
          throw new Error("Invalid socket file permissions");
        }
        server.settings.unixsocketperm = parseInt(v, 8);
      },
    },
    {
      name: "protected-mode",
      kind: "bool",
      default: "yes",
      apply: (v, server) => {
        server.settings.protectedMode = v === "yes";
      },
    },
    {
      name: "databases",
      kind: "int",
      default: "16",
      min: 1,
      max: 2147483647,
      immutable: true,
      apply: (v, server) => {
        if (server.dbs.length !== Number(v)) server.resizeDatabases(Number(v));
      },
    },
    {
      name: "loglevel",
      kind: "enum",
      default: "notice",
      values: ["debug", "verbose", "notice", "warning", "nothing"],
      apply: (v, server) => {
        server.logger.level = v as LogLevel;
      },
    },
    {
      name: "logfile",
      kind: "string",
      default: "",
      immutable: true,
      apply: (v, server: Server) => {
        server.settings.logfile = v;
        const host = server.host;
        if (v !== "" && host) {
          server.logger.sink = (line) => host.writeTextFileSync(v, line + "\n", true);
        }
      },
    },
    {
      name: "enable-debug-command",
      kind: "enum",
      default: "no",
      values: ["yes", "no", "local"],
      immutable: true,
      apply: (v, server) => {
        server.settings.enableDebugCommand = v;
      },
    },
    {
      name: "client-output-buffer-limit",
      kind: "special",
      default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
      apply: (v, server) => {
        server.settings.outputLimits = parseOutputLimits(v, server.settings.outputLimits);
      },
      format: (_v, server) => formatOutputLimits(server.settings.outputLimits),
    },
    {
      name: "enable-module-command",
      kind: "enum",
      default: "no",
      values: ["yes", "no", "local"],
      immutable: true,
      apply: (v, server) => {
        server.settings.enableModuleCommand = v;
      },
    },
  ];
}

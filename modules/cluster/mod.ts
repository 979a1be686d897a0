/**
 * The cluster module: what a standalone Redis 7.4 server says about Redis Cluster.
 *
 * Modis runs standalone only. A standalone Redis still has the CLUSTER command with every
 * subcommand (COMMAND INFO / DOCS list them, ACLs name them) plus ASKING, READONLY and
 * READWRITE, and answers each with "ERR This instance has cluster support disabled"; tools
 * rely on that exact text (redis-cli compares it to tell a standalone server from a
 * cluster node, clients probe CLUSTER INFO). So this module registers the whole family with
 * Redis's metadata and that answer. Arity and argument-count errors come from core as for
 * any command.
 *
 * `cluster-enabled yes` in a configuration file stops the server at startup with a clear
 * message instead of silently running standalone.
 */

import { ReplyError } from "../../core/errors.ts";
import type { ArgSpec, CommandFlag, CommandSpec, ModuleSpec } from "../../core/spec.ts";

/** Redis's answer to every cluster command on a standalone server. */
export const CLUSTER_DISABLED = "ERR This instance has cluster support disabled";

const disabled = (): never => {
  throw new ReplyError(CLUSTER_DISABLED);
};

/** Flags of the subcommands that change the cluster's layout. */
const ADMIN: CommandFlag[] = ["no_async_loading", "admin", "stale"];
const INSPECT: CommandFlag[] = ["stale"];

const NODE_ID: ArgSpec = { name: "node-id", type: "string" };
const SLOT: ArgSpec = { name: "slot", type: "integer" };
const SLOTS: ArgSpec = { name: "slot", type: "integer", multiple: true };
const RANGES: ArgSpec = {
  name: "range",
  type: "block",
  multiple: true,
  arguments: [{ name: "start-slot", type: "integer" }, { name: "end-slot", type: "integer" }],
};

/** An optional choice of one of `tokens` (FAILOVER's FORCE | TAKEOVER...). */
function optionalToken(name: string, ...tokens: string[]): ArgSpec {
  return {
    name,
    type: "oneof",
    optional: true,
    arguments: tokens.map((t) => ({ name: t.toLowerCase(), type: "pure-token", token: t })),
  };
}

function sub(
  name: string,
  arity: number,
  since: string,
  flags: CommandFlag[],
  summary: string,
  extra: Partial<CommandSpec> = {},
): CommandSpec {
  return {
    name,
    group: "cluster",
    summary,
    since,
    complexity: "O(1)",
    arity,
    flags,
    handler: disabled,
    ...extra,
  };
}

const clusterCommand: CommandSpec = {
  name: "cluster",
  group: "cluster",
  summary: "A container for Redis Cluster commands.",
  since: "3.0.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    sub("addslots", -3, "3.0.0", ADMIN, "Assigns hash slots to the node.", {
      complexity: "O(N) in the number of slots given",
      arguments: [SLOTS],
    }),
    sub("addslotsrange", -4, "7.0.0", ADMIN, "Assigns ranges of hash slots to the node.", {
      complexity: "O(N) in the number of slots in the ranges",
      arguments: [RANGES],
    }),
    sub("bumpepoch", 2, "3.0.0", ADMIN, "Moves the node's config epoch ahead.", {
      tips: ["nondeterministic_output"],
    }),
    sub(
      "count-failure-reports",
      3,
      "3.0.0",
      ["admin", "stale"],
      "Counts failure reports about a node.",
      {
        complexity: "O(N) in the number of failure reports",
        arguments: [NODE_ID],
        tips: ["nondeterministic_output"],
      },
    ),
    sub("countkeysinslot", 3, "3.0.0", INSPECT, "Counts the keys in a hash slot.", {
      arguments: [SLOT],
    }),
    sub("delslots", -3, "3.0.0", ADMIN, "Unassigns hash slots from the node.", {
      complexity: "O(N) in the number of slots given",
      arguments: [SLOTS],
    }),
    sub("delslotsrange", -4, "7.0.0", ADMIN, "Unassigns ranges of hash slots from the node.", {
      complexity: "O(N) in the number of slots in the ranges",
      arguments: [RANGES],
    }),
    sub("failover", -2, "3.0.0", ADMIN, "Makes a replica take over from its master.", {
      arguments: [optionalToken("options", "FORCE", "TAKEOVER")],
    }),
    sub("flushslots", 2, "3.0.0", ADMIN, "Unassigns every hash slot of the node."),
    sub("forget", 3, "3.0.0", ADMIN, "Drops a node from the node table.", {
      arguments: [NODE_ID],
    }),
    sub("getkeysinslot", 4, "3.0.0", INSPECT, "Lists keys of a hash slot.", {
      complexity: "O(N) in the number of keys returned",
      arguments: [SLOT, { name: "count", type: "integer" }],
      tips: ["nondeterministic_output"],
    }),
    sub("help", 2, "5.0.0", ["loading", "stale"], "Describes the CLUSTER subcommands.", {
      complexity: "O(1)",
    }),
    sub("info", 2, "3.0.0", INSPECT, "Reports the cluster's state.", {
      tips: ["nondeterministic_output"],
    }),
    sub("keyslot", 3, "3.0.0", INSPECT, "Computes the hash slot of a key.", {
      complexity: "O(N) in the key's length",
      arguments: [{ name: "key", type: "string" }],
    }),
    sub("links", 2, "7.0.0", INSPECT, "Lists the node's cluster bus links.", {
      complexity: "O(N) in the number of nodes",
      tips: ["nondeterministic_output"],
    }),
    sub("meet", -4, "3.0.0", ADMIN, "Joins a node into the cluster.", {
      arguments: [
        { name: "ip", type: "string" },
        { name: "port", type: "integer" },
        { name: "cluster-bus-port", type: "integer", optional: true, since: "4.0.0" },
      ],
    }),
    sub("myid", 2, "3.0.0", INSPECT, "Returns the node's ID."),
    sub("myshardid", 2, "7.2.0", INSPECT, "Returns the ID of the node's shard.", {
      tips: ["nondeterministic_output"],
    }),
    sub("nodes", 2, "3.0.0", INSPECT, "Describes the cluster as the node sees it.", {
      complexity: "O(N) in the number of nodes",
      tips: ["nondeterministic_output"],
    }),
    sub("replicas", 3, "5.0.0", ["admin", "stale"], "Lists the replicas of a master.", {
      complexity: "O(N) in the number of replicas",
      arguments: [NODE_ID],
      tips: ["nondeterministic_output"],
    }),
    sub("replicate", 3, "3.0.0", ADMIN, "Makes the node a replica of a master.", {
      arguments: [NODE_ID],
    }),
    sub("reset", -2, "3.0.0", ["admin", "stale", "noscript"], "Resets the node's cluster state.", {
      complexity: "O(N) in the number of known nodes; may flush the dataset",
      arguments: [optionalToken("reset-type", "HARD", "SOFT")],
    }),
    sub("saveconfig", 2, "3.0.0", ADMIN, "Writes the cluster configuration to disk."),
    sub("set-config-epoch", 3, "3.0.0", ADMIN, "Sets the config epoch of a new node.", {
      arguments: [{ name: "config-epoch", type: "integer" }],
    }),
    sub("setslot", -4, "3.0.0", ADMIN, "Binds a hash slot to a node or marks it migrating.", {
      arguments: [SLOT, {
        name: "subcommand",
        type: "oneof",
        arguments: [
          { name: "node-id", type: "string", token: "IMPORTING" },
          { name: "node-id", type: "string", token: "MIGRATING" },
          { name: "node-id", type: "string", token: "NODE" },
          { name: "stable", type: "pure-token", token: "STABLE" },
        ],
      }],
    }),
    sub("shards", 2, "7.0.0", ["loading", "stale"], "Maps the cluster's shards to their slots.", {
      complexity: "O(N) in the number of nodes",
      tips: ["nondeterministic_output"],
    }),
    sub("slaves", 3, "3.0.0", ["admin", "stale"], "Lists the replicas of a master.", {
      complexity: "O(N) in the number of replicas",
      arguments: [NODE_ID],
      tips: ["nondeterministic_output"],
      docFlags: ["deprecated"],
      deprecatedSince: "5.0.0",
    }),
    sub("slots", 2, "3.0.0", ["loading", "stale"], "Maps hash slot ranges to nodes.", {
      complexity: "O(N) in the number of nodes",
      tips: ["nondeterministic_output"],
      docFlags: ["deprecated"],
      deprecatedSince: "7.0.0",
    }),
  ],
};

/** A connection-level cluster command (no arguments, same answer). */
function connectionCommand(name: string, flags: CommandFlag[], summary: string): CommandSpec {
  return {
    name,
    group: "cluster",
    summary,
    since: "3.0.0",
    complexity: "O(1)",
    arity: 1,
    flags,
    aclCategories: ["connection"],
    handler: disabled,
  };
}

/**
 * The cluster module (standalone answers).
 *
 * @example
 * ```ts
 * const modis = createServer({ builtins: [connectionModule, clusterModule] });
 * await modis.call("CLUSTER", "INFO"); // rejects: ERR This instance has cluster support disabled
 * ```
 */
export const clusterModule: ModuleSpec = {
  name: "cluster",
  commands: [
    clusterCommand,
    connectionCommand("asking", ["fast"], "Lets the next command reach a slot being imported."),
    connectionCommand(
      "readonly",
      ["fast", "loading", "stale"],
      "Allows reads from a replica node.",
    ),
    connectionCommand(
      "readwrite",
      ["fast", "loading", "stale"],
      "Ends READONLY on the connection.",
    ),
  ],
  hooks: {
    loading(server) {
      if (server.config.get("cluster-enabled") === "yes") {
        throw new Error(
          "cluster-enabled yes: Modis runs standalone only (Redis Cluster is not supported)",
        );
      }
    },
  },
};

/**
 * WAIT and WAITAOF: block until the caller's writes are durable.
 *
 * A client's writes end at `client.writeOffset`, a position in core's stream of propagated
 * writes (Redis's woff). WAITAOF's local acknowledgement is 1 once the AOF is fsynced
 * through that position (`Aof.fsyncedThrough`): at once under appendfsync always, within
 * about a second under everysec, never under no — Redis's rules. Modis has no replicas, so
 * replica acknowledgements are always 0: WAIT 0 and WAITAOF ... 0 return at once, and
 * asking for a replica blocks until the timeout (forever with 0), as on a Redis master
 * without replicas.
 *
 * Blocking goes through core's blocking service with no keys: its timeout, CLIENT UNBLOCK,
 * disconnection and INFO blocked_clients work as for any blocking command. The service
 * never wakes a keyless client itself; an fsync does, by unblocking the waiters it
 * satisfies with their current answer (`unblock(..., "timeout")` writes that answer).
 * Inside MULTI or a script (a client that cannot block) both answer at once, as in Redis.
 */

import type { ClientState } from "../../core/client.ts";
import { parseTimeoutMillis } from "../../core/blocking.ts";
import { ReplyError } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import type { ServerApi } from "../../core/server.ts";
import type { CommandContext, CommandSpec, ReplyWriter } from "../../core/spec.ts";
import { persistenceOf } from "./state.ts";

const NOT_INTEGER = "ERR value is not an integer or out of range";

/** WAITAOF clients blocked on a local fsync, per server. */
const waiters = new WeakMap<ServerApi, Map<ClientState, number>>();

function integerArg(arg: string): number {
  const n = parseInteger(arg);
  if (n === null) throw new ReplyError(NOT_INTEGER);
  return n;
}

/** WAITAOF's local acknowledgement for `client`: 1 when its writes are fsynced. */
function localAck(server: ServerApi, client: ClientState): number {
  const aof = persistenceOf(server).aof;
  return aof.on && aof.fsyncedThrough >= client.writeOffset ? 1 : 0;
}

/** After an fsync: answer the WAITAOF clients it satisfied. */
function fsynced(server: ServerApi): void {
  const waiting = waiters.get(server);
  if (waiting === undefined) return;
  for (const [client, numlocal] of waiting) {
    // Gone meanwhile (timeout, CLIENT UNBLOCK, disconnection): forget it.
    if (!server.blocking.isBlocked(client)) waiting.delete(client);
    else if (localAck(server, client) >= numlocal) {
      waiting.delete(client);
      server.blocking.unblock(client, "timeout");
    }
  }
}

function waitaof(ctx: CommandContext, argv: string[]): void {
  const server = ctx.server;
  const numlocal = integerArg(argv[1]);
  const numreplicas = integerArg(argv[2]);
  const deadline = parseTimeoutMillis(argv[3], server.now());
  const aof = persistenceOf(server).aof;
  if (numlocal > 0 && !aof.on) {
    throw new ReplyError(
      "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
    );
  }
  aof.catchUp();
  const client = ctx.client;
  const answer = (r: ReplyWriter) => {
    r.array(2);
    r.int(localAck(server, client));
    r.int(0);
  };
  if ((localAck(server, client) >= numlocal && numreplicas <= 0) || !ctx.canBlock) {
    return answer(ctx.reply);
  }
  if (numreplicas <= 0) {
    let waiting = waiters.get(server);
    if (waiting === undefined) waiters.set(server, waiting = new Map());
    waiting.set(client, numlocal);
    aof.onFsynced ??= () => fsynced(server);
  }
  ctx.block([], { deadline, timeoutReply: answer });
}

function wait(ctx: CommandContext, argv: string[]): void {
  const numreplicas = integerArg(argv[1]);
  const deadline = parseTimeoutMillis(argv[2], ctx.server.now());
  // No replica ever acknowledges: 0, at once or when the wait times out.
  if (numreplicas <= 0 || !ctx.canBlock) return ctx.reply.int(0);
  ctx.block([], { deadline, timeoutReply: (r) => r.int(0) });
}

/**
 * WAIT and WAITAOF.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "persistence", commands: [...waitCommands] };
 * ```
 */
export const waitCommands: CommandSpec[] = [
  {
    name: "wait",
    group: "generic",
    summary: "Blocks until the connection's writes reach a number of replicas, or a timeout.",
    since: "3.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["blocking"],
    aclCategories: ["connection"],
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    arguments: [{ name: "numreplicas", type: "integer" }, { name: "timeout", type: "integer" }],
    handler: wait,
  },
  {
    name: "waitaof",
    group: "generic",
    summary:
      "Blocks until the connection's writes are fsynced to the local AOF and/or replicas' AOFs, or a timeout.",
    since: "7.2.0",
    complexity: "O(1)",
    arity: 4,
    flags: ["blocking"],
    aclCategories: ["connection"],
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    arguments: [
      { name: "numlocal", type: "integer" },
      { name: "numreplicas", type: "integer" },
      { name: "timeout", type: "integer" },
    ],
    handler: waitaof,
  },
];

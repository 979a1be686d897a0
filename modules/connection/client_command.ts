/**
 * CLIENT: connection introspection and control (ID, SETNAME, GETNAME, ...).
 */

import type { CommandSpec } from "../../core/spec.ts";
import { validateClientName } from "./mod.ts";

/**
 * The CLIENT container command and its subcommands.
 *
 * @example
 * ```ts
 * commands.push(clientCommand);
 * ```
 */
export const clientCommand: CommandSpec = {
  name: "client",
  group: "connection",
  summary: "A container for client connection commands.",
  since: "2.4.0",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "id",
      group: "connection",
      summary: "Returns the unique client ID of the connection.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      flags: ["noscript", "loading", "stale"],
      handler(ctx) {
        ctx.reply.int(ctx.client.id);
      },
    },
    {
      name: "setname",
      group: "connection",
      summary: "Sets the connection name.",
      since: "2.6.9",
      complexity: "O(1)",
      arity: 3,
      flags: ["noscript", "loading", "stale"],
      arguments: [{ name: "connection-name", type: "string" }],
      handler(ctx, argv) {
        validateClientName(argv[2]);
        ctx.client.name = argv[2];
        ctx.reply.ok();
      },
    },
    {
      name: "getname",
      group: "connection",
      summary: "Returns the name of the connection.",
      since: "2.6.9",
      complexity: "O(1)",
      arity: 2,
      flags: ["noscript", "loading", "stale"],
      handler(ctx) {
        ctx.reply.bulk(ctx.client.name === "" ? null : ctx.client.name);
      },
    },
  ],
};


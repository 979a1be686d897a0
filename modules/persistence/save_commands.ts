/**
 * SAVE, BGSAVE [SCHEDULE] and BGREWRITEAOF, with Redis's replies. LASTSAVE is the server
 * module's (it reads rdb_last_save_time from this module's INFO section).
 */

import type { CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { persistenceOf } from "./state.ts";

const saveCommand: CommandSpec = {
  name: "save",
  group: "server",
  summary: "Writes the dataset to the RDB file now, blocking the server.",
  since: "1.0.0",
  complexity: "O(N) where N is the total number of keys in all databases",
  arity: 1,
  flags: ["no_async_loading", "admin", "noscript", "no_multi"],
  handler(ctx) {
    const p = persistenceOf(ctx.server);
    if (p.bgsave) throw new ReplyError("ERR Background save already in progress");
    if (!p.save()) throw new ReplyError("ERR");
    ctx.reply.ok();
  },
};

const bgsaveCommand: CommandSpec = {
  name: "bgsave",
  group: "server",
  summary: "Writes the dataset to the RDB file in the background.",
  since: "1.0.0",
  complexity: "O(1)",
  arity: -1,
  flags: ["no_async_loading", "admin", "noscript"],
  history: [["3.2.2", "Added the `SCHEDULE` option."]],
  arguments: [{
    name: "schedule",
    type: "pure-token",
    token: "SCHEDULE",
    optional: true,
    since: "3.2.2",
  }],
  handler(ctx, argv) {
    let schedule = false;
    if (argv.length > 1) {
      if (argv.length > 2 || argv[1].toLowerCase() !== "schedule") throw new ReplyError(SYNTAX_ERR);
      schedule = true;
    }
    const p = persistenceOf(ctx.server);
    if (p.bgsave) {
      if (schedule) throw new ReplyError("ERR Background save already in progress");
      throw new ReplyError("ERR Background save already in progress");
    }
    if (p.aof.rewriting) {
      if (!schedule) {
        throw new ReplyError(
          "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        );
      }
      p.bgsaveScheduled = true;
      return ctx.reply.simple("Background saving scheduled");
    }
    const err = p.startBgsave();
    if (err) throw new ReplyError(`ERR ${err}`);
    ctx.reply.simple("Background saving started");
  },
};

const bgrewriteaofCommand: CommandSpec = {
  name: "bgrewriteaof",
  group: "server",
  summary: "Rewrites the append-only file in the background.",
  since: "1.0.0",
  complexity: "O(1)",
  arity: 1,
  flags: ["no_async_loading", "admin", "noscript"],
  handler(ctx) {
    const p = persistenceOf(ctx.server);
    if (p.aof.rewriting) {
      throw new ReplyError("ERR Background append only file rewriting already in progress");
    }
    if (p.bgsave) {
      p.aof.rewriteScheduled = true;
      return ctx.reply.simple("Background append only file rewriting scheduled");
    }
    p.aof.startRewrite();
    if (!p.aof.rewriting) {
      throw new ReplyError(
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
      );
    }
    ctx.reply.simple("Background append only file rewriting started");
  },
};

/**
 * The save commands.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "persistence", commands: saveCommands };
 * ```
 */
export const saveCommands: CommandSpec[] = [saveCommand, bgsaveCommand, bgrewriteaofCommand];

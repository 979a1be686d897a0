import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import type { CommandSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { serverModule } from "./mod.ts";
import { builtinModules } from "../mod.ts";

const mset: CommandSpec = {
  name: "mset",
  group: "string",
  summary: "test double",
  since: "1.0.1",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: [{ flags: ["OW", "update"], begin: 1, find: { lastKey: -1, step: 2 } }],
  handler: (ctx) => ctx.reply.ok(),
};
const zunionstore: CommandSpec = {
  name: "zunionstore",
  group: "sorted_set",
  summary: "test double",
  since: "2.0.0",
  arity: -4,
  flags: ["write", "denyoom"],
  keys: [
    { flags: ["OW", "update"], begin: 1 },
    { flags: ["RO", "access"], begin: 2, find: { keyNumIndex: 0, firstKey: 1, step: 1 } },
  ],
  handler: (ctx) => ctx.reply.int(0),
};

/** A RESP2 flat [key, value, ...] array as a Map. */
function asMap(v: unknown): Map<unknown, unknown> {
  const a = v as unknown[];
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i], a[i + 1]);
  return m;
}

function server() {
  return createServer({
    builtins: [connectionModule, serverModule],
    modules: [{ name: "doubles", commands: [mset, zunionstore] }],
    log: false,
  });
}

describe("COMMAND", () => {
  test("INFO shape: name, arity, flags, key range, categories, tips, key specs, subcommands", async () => {
    const m = server();
    const [info] = (await m.call("COMMAND", "INFO", "mset")) as unknown[][];
    expect(info.slice(0, 8)).toEqual(["mset", -3, ["write", "denyoom"], 1, -1, 2, [
      "@write",
      "@string",
      "@slow",
    ], []]);
    const ks = info[8] as unknown[];
    // Embedded call() speaks RESP2: maps arrive as flat [key, value, ...] arrays.
    expect(ks[0]).toEqual([
      "flags",
      ["OW", "update"],
      "begin_search",
      ["type", "index", "spec", ["index", 1]],
      "find_keys",
      ["type", "range", "spec", ["lastkey", -1, "keystep", 2, "limit", 0]],
    ]);
    expect(info[9]).toEqual([]);
    const [z] = (await m.call("COMMAND", "INFO", "zunionstore")) as unknown[][];
    expect(z[2]).toEqual(["write", "denyoom", "movablekeys"]);
    const [cfg] = (await m.call("COMMAND", "INFO", "config")) as unknown[][];
    expect((cfg[9] as unknown[][]).map((s) => s[0])).toContain("config|get");
    expect(await m.call("COMMAND", "INFO", "get|key", "config|get|x", "nope")).toEqual([
      null,
      null,
      null,
    ]);
    await m.close();
  });

  test("COUNT, LIST with filters, DOCS", async () => {
    const m = server();
    const count = (await m.call("COMMAND", "COUNT")) as number;
    expect(((await m.call("COMMAND")) as unknown[]).length).toBe(count);
    const all = (await m.call("COMMAND", "LIST")) as string[];
    expect(all).toContain("client|list");
    expect(await m.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*re*")).toEqual([
      "config|resetstat",
      "config|rewrite",
    ]);
    expect(await m.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nonexisting")).toEqual([]);
    expect(await m.call("COMMAND", "LIST", "FILTERBY", "MODULE", "doubles")).toEqual([
      "mset",
      "zunionstore",
    ]);
    await expect(m.call("COMMAND", "LIST", "FILTERBY", "bad", "x")).rejects.toThrow(
      "ERR syntax error",
    );
    await expect(m.call("COMMAND", "LIST", "bad")).rejects.toThrow("ERR syntax error");
    const docs = (await m.call("COMMAND", "DOCS", "config", "nope")) as unknown[];
    expect(docs[0]).toBe("config");
    expect(docs.length).toBe(2);
    const cfg = asMap(docs[1]);
    expect([...cfg.keys()]).toEqual(["summary", "since", "group", "complexity", "subcommands"]);
    const get = asMap(asMap(cfg.get("subcommands")).get("config|get"));
    expect(get.get("history")).toEqual([[
      "7.0.0",
      "Added the ability to pass multiple pattern parameters in one call",
    ]]);
    expect(get.get("arguments")).toEqual([[
      "name",
      "parameter",
      "type",
      "string",
      "display_text",
      "parameter",
      "flags",
      [
        "multiple",
      ],
    ]]);
    await m.close();
  });

  test("GETKEYS and GETKEYSANDFLAGS", async () => {
    const m = server();
    expect(await m.call("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2")).toEqual(["a", "b"]);
    expect(await m.call("COMMAND", "GETKEYSANDFLAGS", "zunionstore", "dst", "2", "a", "b")).toEqual(
      [
        ["dst", ["OW", "update"]],
        ["a", ["RO", "access"]],
        ["b", ["RO", "access"]],
      ],
    );
    await expect(m.call("COMMAND", "GETKEYS", "nope", "x")).rejects.toThrow(
      "ERR Invalid command specified",
    );
    await expect(m.call("COMMAND", "GETKEYS", "ping", "x")).rejects.toThrow(
      "ERR The command has no key arguments",
    );
    await expect(m.call("COMMAND", "GETKEYS", "mset", "a")).rejects.toThrow(
      "ERR Invalid number of arguments specified for command",
    );
    await expect(m.call("COMMAND", "GETKEYS", "zunionstore", "d", "9", "a")).rejects.toThrow(
      "ERR Invalid arguments specified for command",
    );
    await m.close();
  });

  test("GETKEYSANDFLAGS of variable_flags keys (SET, BITFIELD) follows the arguments", async () => {
    const m = createServer({
      builtins: builtinModules,
      log: false,
    });
    // variable_flags: what SET and BITFIELD really do to the key with these arguments.
    const flagsOf = async (...argv: string[]) =>
      ((await m.call("COMMAND", "GETKEYSANDFLAGS", ...argv)) as [string, string[]][])[0][1];
    expect(await flagsOf("set", "k", "v")).toEqual(["OW", "update"]);
    expect(await flagsOf("set", "k", "v", "EX", "10", "get")).toEqual(["RW", "access", "update"]);
    expect(await flagsOf("bitfield", "k", "GET", "u8", "0")).toEqual(["RO", "access"]);
    expect(await flagsOf("bitfield", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1")).toEqual([
      "RW",
      "access",
      "update",
    ]);
    expect(await flagsOf("bitfield", "k", "GET", "u8")).toEqual(["RW", "access", "update"]);
    expect(await m.call("COMMAND", "GETKEYSANDFLAGS", "sort", "k1", "store", "k2")).toEqual([
      ["k1", ["RO", "access"]],
      ["k2", ["OW", "update"]],
    ]);
    await m.close();
  });

  test("HELP layout", async () => {
    const m = server();
    const help = (await m.call("COMMAND", "HELP")) as string[];
    expect(help[0]).toBe("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    expect(help.slice(-2)).toEqual(["HELP", "    Print this help."]);
    await m.close();
  });
});

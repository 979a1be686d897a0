import { describe, expect, test } from "bun:test";
import { arityOk, commandKeys, CommandTable, unknownCommandError } from "./commands.ts";
import type { CommandSpec } from "./spec.ts";

const noop = () => {};
const get: CommandSpec = {
  name: "get",
  group: "string",
  summary: "",
  since: "1.0.0",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: [{ flags: ["RO", "access"], begin: 1 }],
  handler: noop,
};
const mset: CommandSpec = {
  name: "mset",
  group: "string",
  summary: "",
  since: "1.0.1",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: [{ flags: ["OW", "update"], begin: 1, find: { lastKey: -1, step: 2 } }],
  handler: noop,
};
const zunion: CommandSpec = {
  name: "zunionstore",
  group: "sorted_set",
  summary: "",
  since: "2.0.0",
  arity: -4,
  flags: ["write"],
  keys: [
    { flags: ["OW", "update"], begin: 1 },
    { flags: ["RO", "access"], begin: 2, find: { keyNumIndex: 0, firstKey: 1, step: 1 } },
  ],
  handler: noop,
};
const xread: CommandSpec = {
  name: "xread",
  group: "stream",
  summary: "",
  since: "5.0.0",
  arity: -4,
  flags: ["readonly"],
  keys: [{
    flags: ["RO", "access"],
    begin: { keyword: "STREAMS", startFrom: 1 },
    find: { lastKey: -1, step: 1, limit: 2 },
  }],
  handler: noop,
};
const config: CommandSpec = {
  name: "config",
  group: "server",
  summary: "",
  since: "2.0.0",
  arity: -2,
  flags: [],
  subcommands: [{
    name: "get",
    group: "server",
    summary: "",
    since: "2.0.0",
    arity: -3,
    flags: ["admin"],
    handler: noop,
  }],
};

describe("CommandTable", () => {
  const t = new CommandTable();
  for (const c of [get, mset, zunion, xread, config]) t.register(c, "test");

  test("lookup is case-insensitive and resolves subcommands", () => {
    expect(t.lookup(["GeT", "k"])!.fullName).toBe("get");
    expect(t.lookup(["CONFIG", "GET", "*"])!.fullName).toBe("config|get");
    expect(t.lookup(["config", "nope"])).toBeUndefined();
  });

  test("duplicate registration is refused", () => {
    expect(() => t.register(get, "other")).toThrow(
      "command 'get' is already registered by module 'test'",
    );
  });

  test("a module adds a subcommand to another module's container, and removes it", () => {
    const own: CommandSpec = {
      name: "config|own",
      group: "server",
      summary: "",
      since: "1.0.0",
      arity: 2,
      flags: [],
      handler: noop,
    };
    const e = t.register(own, "plugin");
    expect(e.fullName).toBe("config|own");
    expect(e.parent).toBe(t.get("config")!);
    expect(t.lookup(["CONFIG", "OWN"])).toBe(e);
    expect(() => t.register(own, "other")).toThrow(
      "subcommand 'config|own' is already registered by module 'plugin'",
    );
    expect(() => t.register({ ...own, name: "get|x" }, "plugin")).toThrow(
      "'get' is not a registered container command",
    );
    t.unregister("config|own");
    expect(t.lookup(["CONFIG", "OWN"])).toBeUndefined();
    expect(t.lookup(["CONFIG", "GET"])?.fullName).toBe("config|get");
  });

  test("error texts", () => {
    expect(unknownCommandError(t, ["foo", "a", "b"])).toBe(
      "ERR unknown command 'foo', with args beginning with: 'a' 'b' ",
    );
    expect(unknownCommandError(t, ["config", "nope"])).toBe(
      "ERR unknown subcommand 'nope'. Try CONFIG HELP.",
    );
  });

  test("arity", () => {
    expect(arityOk(t.get("get")!, 2)).toBe(true);
    expect(arityOk(t.get("get")!, 3)).toBe(false);
    expect(arityOk(t.get("mset")!, 5)).toBe(true);
    expect(arityOk(t.get("mset")!, 2)).toBe(false);
  });

  test("derived metadata", () => {
    const e = t.get("get")!;
    expect(e.aclCategories).toEqual(["string", "read", "fast"]);
    expect(e.keyRange).toEqual([1, 1, 1]);
    expect(t.get("mset")!.keyRange).toEqual([1, -1, 2]);
  });

  test("key extraction from key specs", () => {
    expect(commandKeys(mset, ["MSET", "a", "1", "b", "2"])).toEqual([1, 3]);
    expect(commandKeys(zunion, ["ZUNIONSTORE", "d", "2", "x", "y", "WEIGHTS", "1", "2"])).toEqual([
      1,
      3,
      4,
    ]);
    expect(commandKeys(xread, ["XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"])).toEqual([
      4,
      5,
    ]);
  });
});

import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import type { ConfigEntry } from "../../core/config.ts";
import { connectionModule } from "../connection/mod.ts";
import { serverModule } from "./mod.ts";
import { formatMemory, quoteConfigWord, rewriteConfigText } from "./config_rewrite.ts";

function server() {
  return createServer({
    builtins: [connectionModule, serverModule],
    modules: [{
      name: "picky",
      configs: [{
        name: "picky.value",
        kind: "int",
        default: "1",
        apply: (v) => {
          if (v === "13") throw new Error("unlucky number");
        },
      }, {
        name: "picky.word",
        kind: "special",
        default: "a",
        validate: (v) => {
          if (!/^[a-z]+$/.test(v)) throw new Error("letters only");
        },
      }],
    }],
    log: false,
  });
}

describe("CONFIG GET / SET", () => {
  test("several patterns, no duplicates, aliases under their own name", async () => {
    const m = server();
    const got = (await m.call("CONFIG", "GET", "maxmemory", "maxmemory*", "*of")) as string[];
    const names = got.filter((_, i) => i % 2 === 0);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("maxmemory-samples");
    expect(names).toContain("replicaof");
    expect(names).toContain("slaveof");
    expect(await m.call("CONFIG", "GET", "key-load-delay")).toEqual(["key-load-delay", "0"]);
    const star = (await m.call("CONFIG", "GET", "*")) as string[];
    expect(star.filter((_, i) => i % 2 === 0)).not.toContain("key-load-delay");
    await m.close();
  });

  test("SET is all or nothing, with Redis's error texts", async () => {
    const m = server();
    expect(await m.call("CONFIG", "SET", "maxmemory", "10mb", "slowlog-max-len", "7")).toBe("OK");
    expect(await m.call("CONFIG", "GET", "maxmemory", "slowlog-max-len")).toEqual([
      "maxmemory",
      "10485760",
      "slowlog-max-len",
      "7",
    ]);
    await expect(m.call("CONFIG", "SET", "maxmemory", "1", "picky.value", "13")).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'picky.value') - unlucky number",
    );
    expect(await m.call("CONFIG", "GET", "maxmemory")).toEqual(["maxmemory", "10485760"]);
    await expect(m.call("CONFIG", "SET", "maxmemory", "1", "hz", "x")).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
    );
    expect(await m.call("CONFIG", "GET", "maxmemory")).toEqual(["maxmemory", "10485760"]);
    await expect(m.call("CONFIG", "SET", "maxmemory", "1", "maxmemory", "2")).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
    );
    await expect(m.call("CONFIG", "SET", "daemonize", "yes")).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
    );
    await expect(m.call("CONFIG", "SET", "dir", "/tmp")).rejects.toThrow(
      "can't set protected config",
    );
    await expect(m.call("CONFIG", "SET", "nope", "1", "hz", "5")).rejects.toThrow(
      "ERR Unknown option or number of arguments for CONFIG SET - 'nope'",
    );
    await expect(m.call("CONFIG", "SET", "hz", "5", "maxmemory")).rejects.toThrow(
      "ERR syntax error",
    );
    expect(await m.call("CONFIG", "GET", "hz")).toEqual(["hz", "10"]);
    // A value refused by its validate hook fails the whole SET in the set phase, in
    // argument order, before anything is applied.
    await expect(m.call("CONFIG", "SET", "hz", "5", "picky.word", "B1", "maxmemory", "x")).rejects
      .toThrow("ERR CONFIG SET failed (possibly related to argument 'picky.word') - letters only");
    expect(await m.call("CONFIG", "GET", "hz")).toEqual(["hz", "10"]);
    await m.close();
  });

  test("REWRITE without a config file", async () => {
    const m = server();
    await expect(m.call("CONFIG", "REWRITE")).rejects.toThrow(
      "ERR The server is running without a config file",
    );
    await m.close();
  });
});

function entry(kind: ConfigEntry["spec"]["kind"], value: string, def: string): ConfigEntry {
  return { spec: { name: "x", kind, default: def }, module: "core", value, changed: value !== def };
}

describe("config file rewriting", () => {
  const entries: [string, ConfigEntry][] = [
    ["port", entry("int", "7000", "6379")],
    ["save", entry("special", "", "3600 1 300 100 60 10000")],
    ["dbfilename", entry("string", "my dump.rdb", "dump.rdb")],
    ["maxmemory", entry("memory", String(64 * 1024 * 1024), "0")],
    ["hz", entry("int", "10", "10")],
    ["replica-read-only", entry("bool", "yes", "yes")],
  ];
  const input = (force = false) => ({
    entries,
    primaryName: (
      n: string,
    ) => (n === "slave-read-only"
      ? "replica-read-only"
      : entries.some(([e]) => e === n)
      ? n
      : undefined),
    extraDirectives: new Map([["loadmodule", ["loadmodule /p/hello.ts Hi"]]]),
    force,
  });

  test("keeps comments and positions, blanks duplicates, appends the rest once", () => {
    const old = [
      "# my redis",
      "port 6379",
      "",
      "",
      "save 900 1",
      "save 300 10",
      "slave-read-only no",
      "frobnicate yes",
      "hz 10",
    ].join("\n") + "\n";
    expect(rewriteConfigText(old, input())).toBe(
      [
        "# my redis",
        "port 7000",
        "",
        'save ""',
        "",
        "replica-read-only yes",
        "# ??? frobnicate yes",
        "hz 10",
        "# Generated by CONFIG REWRITE",
        'dbfilename "my dump.rdb"',
        "maxmemory 64mb",
        "loadmodule /p/hello.ts Hi",
      ].join("\n") + "\n",
    );
  });

  test("force writes defaults too; a second rewrite changes nothing", () => {
    const first = rewriteConfigText("", input(true));
    expect(first).toContain("hz 10\n");
    expect(first).toContain("replica-read-only yes\n");
    expect(rewriteConfigText(first, input(true))).toBe(first);
  });

  test("value formatting", () => {
    expect(formatMemory(1024 ** 3)).toBe("1gb");
    expect(formatMemory(1536)).toBe("1536");
    expect(formatMemory(0)).toBe("0");
    expect(quoteConfigWord("plain")).toBe("plain");
    expect(quoteConfigWord("")).toBe('""');
    expect(quoteConfigWord('a "b"\n')).toBe('"a \\"b\\"\\n"');
  });
});

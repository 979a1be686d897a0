import { describe, expect, test } from "bun:test";
import { ConfigError, parseCommandLine, parseConfigText, parseMemory } from "./config.ts";
import { Server } from "./server.ts";

const server = () => new Server({ logSink: () => {} });

describe("ConfigRegistry", () => {
  test("core directives apply to settings", () => {
    const s = server();
    s.config.set("hz", "20", "config-set");
    expect(s.settings.hz).toBe(20);
    expect(s.config.get("hz")).toBe("20");
  });

  test("validation with Redis's reasons", () => {
    const s = server();
    expect(() => s.config.set("protected-mode", "maybe", "config-set")).toThrow(
      new ConfigError("argument must be 'yes' or 'no'"),
    );
    expect(() => s.config.set("hz", "abc", "config-set")).toThrow(
      "argument couldn't be parsed into an integer",
    );
    expect(() => s.config.set("hz", "1000", "config-set")).toThrow(
      "argument must be between 1 and 500 inclusive",
    );
    expect(() => s.config.set("loglevel", "loud", "config-set")).toThrow(
      "argument(s) must be one of the following",
    );
    expect(() => s.config.set("databases", "4", "config-set")).toThrow(
      "can't set immutable config",
    );
  });

  test("every Redis directive is known; unimplemented ones are stored", () => {
    const s = server();
    expect(s.config.set("lua-time-limit", "100", "startup")).toBe(false);
    expect(s.config.get("busy-reply-threshold")).toBe("100");
    expect(s.config.set("hz", "11", "startup")).toBe(true);
    expect(() => s.config.set("no-such-thing", "1", "startup")).toThrow("Bad directive");
  });

  test("glob matching for CONFIG GET includes aliases", () => {
    const names = server().config.match("*slave-priority*").map(([n]) => n);
    expect(names).toContain("slave-priority");
  });

  test("memory units", () => {
    expect(parseMemory("1kb")).toBe(1024);
    expect(parseMemory("1K")).toBe(1000);
    expect(parseMemory("2gb")).toBe(2 * 1024 ** 3);
    expect(parseMemory("1xb")).toBeNull();
  });
});

describe("config files and command line", () => {
  test("redis.conf syntax", () => {
    const d = parseConfigText(
      '# comment\n\nport 6380\nsave 900 1 300 10\nrequirepass "a b"\n',
      "redis.conf",
    );
    expect(d.map((x) => [x.name, x.args, x.origin])).toEqual([
      ["port", ["6380"], "redis.conf:3"],
      ["save", ["900", "1", "300", "10"], "redis.conf:4"],
      ["requirepass", ["a b"], "redis.conf:5"],
    ]);
  });

  test("command line like redis-server", () => {
    const { file, directives } = parseCommandLine([
      "/etc/redis.conf",
      "--port",
      "7000",
      "--save",
      "60",
      "1",
    ]);
    expect(file).toBe("/etc/redis.conf");
    expect(directives.map((d) => [d.name, d.args])).toEqual([["port", ["7000"]], ["save", [
      "60",
      "1",
    ]]]);
  });
});

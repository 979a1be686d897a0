import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { connectionModule } from "./mod.ts";

describe("CLIENT (in-process caller)", () => {
  test("flags, options and errors", async () => {
    const m = createServer({ builtins: [connectionModule], log: false });
    expect(await m.call("CLIENT", "NO-TOUCH", "on")).toBe("OK");
    expect(await m.call("CLIENT", "NO-EVICT", "on")).toBe("OK");
    expect(await m.call("CLIENT", "INFO")).toMatch(
      / flags=eT .* cmd=client\|info .* lib-name= lib-ver=\n$/,
    );
    await expect(m.call("CLIENT", "NO-TOUCH", "maybe")).rejects.toThrow("ERR syntax error");
    await expect(m.call("CLIENT", "REPLY", "sometimes")).rejects.toThrow("ERR syntax error");
    await expect(m.call("CLIENT", "KILL")).rejects.toThrow(
      "ERR wrong number of arguments for 'client|kill' command",
    );
    await expect(m.call("CLIENT", "KILL", "ID", "1", "extra")).rejects.toThrow("ERR syntax error");
    await expect(m.call("CLIENT", "KILL", "MAXAGE", "-1")).rejects.toThrow(
      "ERR maxage should be greater than 0",
    );
    await expect(m.call("CLIENT", "KILL", "MAXAGE", "x")).rejects.toThrow(
      "ERR maxage is not an integer or out of range",
    );
    await expect(m.call("CLIENT", "KILL", "USER", "nobody")).rejects.toThrow(
      "ERR No such user 'nobody'",
    );
    await expect(m.call("CLIENT", "KILL", "SKIPME", "maybe")).rejects.toThrow("ERR syntax error");
    await expect(m.call("CLIENT", "LIST", "ID", "x")).rejects.toThrow("ERR Invalid client ID");
    await expect(m.call("CLIENT", "UNBLOCK", "1", "later")).rejects.toThrow(
      "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
    );
    expect(await m.call("CLIENT", "UNBLOCK", "12345")).toBe(0);
    expect(await m.call("CLIENT", "SETINFO", "LIB-VER", "1.2")).toBe("OK");
    expect(await m.call("CLIENT", "INFO")).toMatch(/ lib-ver=1\.2\n$/);
    const help = (await m.call("CLIENT", "HELP")) as string[];
    expect(help[0]).toBe("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    await m.close();
  });
});

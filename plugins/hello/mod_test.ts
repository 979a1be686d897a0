import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { REPO_ROOT, useModis } from "../../test/helpers/servers.ts";
import { moduleSpec } from "./mod.ts";

describe("hello plugin, embedded", () => {
  test("commands, config and MODULE LIST", async () => {
    const m = createServer({ modules: [moduleSpec], log: false });
    expect(await m.call("HELLO.WORLD")).toBe("Hello, world!");
    expect(await m.call("CONFIG", "SET", "hello.greeting", "Hi")).toBe("OK");
    expect(await m.call("HELLO.WORLD", "Ada")).toBe("Hi, Ada!");
    expect(await m.call("CONFIG", "GET", "hello.greeting")).toEqual(["hello.greeting", "Hi"]);
    expect(await m.call("HELLO.COUNT")).toBe(2);
    const list = (await m.call("MODULE", "LIST")) as unknown[];
    expect(list.length).toBe(1);
    expect(list[0]).toEqual(["name", "hello", "ver", 1, "path", "", "args", []]);
    expect(await m.call("COMMAND", "LIST", "FILTERBY", "MODULE", "hello")).toEqual([
      "hello.world",
      "hello.count",
    ]);
    await expect(m.call("HELLO.WORLD", "a", "b")).rejects.toThrow("wrong number of arguments");
    await m.close();
  });

  test("state is per server", async () => {
    const a = createServer({ modules: [moduleSpec], log: false });
    const b = createServer({ modules: [moduleSpec], log: false });
    await a.call("HELLO.WORLD");
    expect(await a.call("HELLO.COUNT")).toBe(1);
    expect(await b.call("HELLO.COUNT")).toBe(0);
    await a.close();
    await b.close();
  });
});

describe("hello plugin, --loadmodule", () => {
  // Started in the repository root so the relative path is the one a user types.
  const server = useModis({
    runtime: "bun",
    dir: REPO_ROOT,
    args: ["--loadmodule", "./plugins/hello/mod.ts", "Bonjour", "--enable-module-command", "yes"],
  });

  test("loaded with its argument", async () => {
    const c = await server().client();
    expect(await c.send("HELLO.WORLD", "Lea")).toBe("Bonjour, Lea!");
    const list = (await c.send("MODULE", "LIST")) as unknown[];
    expect(list).toEqual([["name", "hello", "ver", 1, "path", "./plugins/hello/mod.ts", "args", [
      "Bonjour",
    ]]]);
  });

  test("MODULE UNLOAD removes its commands, MODULE LOAD brings them back", async () => {
    const c = await server().client();
    expect(await c.send("MODULE", "UNLOAD", "hello")).toEqual({ simple: "OK" });
    expect(await c.send("HELLO.WORLD")).toEqual({
      error: "ERR unknown command 'HELLO.WORLD', with args beginning with: ",
    });
    expect(await c.send("MODULE", "LIST")).toEqual([]);
    expect(await c.send("MODULE", "UNLOAD", "hello")).toEqual({
      error: "ERR Error unloading module: no such module with that name",
    });
    expect(await c.send("MODULE", "UNLOAD", "server")).toEqual({
      error: "ERR Error unloading module: no such module with that name",
    });
    expect(await c.send("MODULE", "LOAD", `${REPO_ROOT}/plugins/hello/mod.ts`, "Hej")).toEqual({
      simple: "OK",
    });
    expect(await c.send("HELLO.WORLD")).toBe("Hej, world!");
    expect(await c.send("MODULE", "LOAD", `${REPO_ROOT}/plugins/hello/mod.ts`)).toEqual({
      error: "ERR Error loading the extension. Please check the server logs.",
    });
    expect(await c.send("MODULE", "LOAD", "/nonexistent/plugin.ts")).toEqual({
      error: "ERR Error loading the extension. Please check the server logs.",
    });
    // Pipelined commands wait for the asynchronous load and keep their order.
    await c.send("MODULE", "UNLOAD", "hello");
    const replies = await Promise.all([
      c.send(
        "MODULE",
        "LOADEX",
        `${REPO_ROOT}/plugins/hello/mod.ts`,
        "CONFIG",
        "hello.greeting",
        "Ciao",
      ),
      c.send("HELLO.WORLD"),
    ]);
    expect(replies).toEqual([{ simple: "OK" }, "Ciao, world!"]);
  });
});

describe("MODULE command protection", () => {
  const server = useModis({ runtime: "bun" });

  test("LOAD and UNLOAD need enable-module-command", async () => {
    const c = await server().client();
    const refused = {
      error:
        'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    };
    expect(await c.send("MODULE", "LOAD", `${REPO_ROOT}/plugins/hello/mod.ts`)).toEqual(refused);
    expect(await c.send("MODULE", "UNLOAD", "hello")).toEqual(refused);
    expect(await c.send("MODULE", "LIST")).toEqual([]);
  });
});

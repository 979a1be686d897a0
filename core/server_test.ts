import { describe, expect, test } from "bun:test";
import { Server } from "./server.ts";
import type { ModuleSpec } from "./spec.ts";

/** A module with a write command, a command running others (like EXEC) and a recorder. */
function fixture() {
  const propagated: string[] = [];
  const spec: ModuleSpec = {
    name: "t",
    commands: [
      {
        name: "put",
        group: "string",
        summary: "",
        since: "0",
        arity: 3,
        flags: ["write"],
        handler(ctx, argv) {
          ctx.db.setKey(argv[1], argv[2]);
          ctx.reply.ok();
        },
      },
      {
        name: "rewritten",
        group: "string",
        summary: "",
        since: "0",
        arity: 1,
        flags: ["write"],
        handler(ctx) {
          ctx.db.setKey("r", "1");
          ctx.propagate(["PUT", "r", "1"]);
          ctx.reply.ok();
        },
      },
      {
        name: "outer",
        group: "string",
        summary: "",
        since: "0",
        arity: 1,
        flags: [],
        handler(ctx) {
          const t = ctx.server.now();
          ctx.reply.array(2);
          ctx.server.call(ctx.client, ctx.server.commands.get("rewritten")!, ["rewritten"]);
          ctx.reply.bool(ctx.server.now() === t);
        },
      },
      {
        name: "both",
        group: "string",
        summary: "",
        since: "0",
        arity: 1,
        flags: [],
        handler(ctx) {
          const e = ctx.server.commands.get("put")!;
          ctx.reply.array(2);
          ctx.server.call(ctx.client, e, ["put", "a", "1"]);
          ctx.server.call(ctx.client, e, ["put", "b", "2"]);
        },
      },
    ],
    hooks: {
      propagated: (db, argv, server) =>
        propagated.push(`${db}:${argv.join(" ")}:${server instanceof Server}`),
      swapped: (a, b) => propagated.push(`swapped ${a} ${b}`),
    },
  };
  return { spec, propagated };
}

describe("Server propagation units", () => {
  test("one write goes out alone; writes of one unit are wrapped in MULTI/EXEC", async () => {
    const server = new Server({ host: null });
    const { spec, propagated } = fixture();
    await server.loadModule(spec);
    server.callArgv(["PUT", "k", "v"]);
    expect(propagated).toEqual(["0:PUT k v:true"]);
    propagated.length = 0;
    server.callArgv(["BOTH"]);
    expect(propagated).toEqual(["0:MULTI:true", "0:put a 1:true", "0:put b 2:true", "0:EXEC:true"]);
  });

  test("a nested command's propagation override stays its own; one time snapshot per unit", async () => {
    const server = new Server({ host: null });
    const { spec, propagated } = fixture();
    await server.loadModule(spec);
    expect(server.callArgv(["OUTER"])).toEqual(["OK", 1]);
    expect(propagated).toEqual(["0:PUT r 1:true"]);
  });

  test("SWAPDB's Db.swapWith reaches the swapped hook", async () => {
    const server = new Server({ host: null });
    const { spec, propagated } = fixture();
    await server.loadModule(spec);
    server.db(0).swapWith(server.db(3));
    expect(propagated).toEqual(["swapped 0 3"]);
  });
});

describe("Server held execution units", () => {
  test("a held unit keeps its writes and time snapshot across turns, then propagates them together", async () => {
    const server = new Server({ host: null });
    const { spec, propagated } = fixture();
    let unit: ReturnType<Server["holdUnit"]> | null = null;
    let snapshot = 0;
    spec.commands!.push({
      name: "long",
      group: "string",
      summary: "",
      since: "0",
      arity: 1,
      flags: [],
      handler(ctx) {
        snapshot = ctx.server.now();
        ctx.server.call(ctx.client, ctx.server.commands.get("put")!, ["put", "a", "1"]);
        unit = ctx.server.holdUnit();
        ctx.reply.ok();
      },
    });
    await server.loadModule(spec);
    server.callArgv(["LONG"]);
    expect(propagated).toEqual([]);
    // Another client's write between turns goes out on its own.
    server.callArgv(["PUT", "x", "y"]);
    expect(propagated).toEqual(["0:PUT x y:true"]);
    await new Promise((r) => setTimeout(r, 5));
    let later = 0;
    unit!.run(() => {
      later = server.now();
      server.call(server.currentClient!, server.commands.get("put")!, ["put", "b", "2"]);
    });
    expect(later).toBe(snapshot);
    expect(propagated.length).toBe(1);
    unit!.close();
    expect(propagated.slice(1)).toEqual([
      "0:MULTI:true",
      "0:put a 1:true",
      "0:put b 2:true",
      "0:EXEC:true",
    ]);
  });
});

describe("Server info sections", () => {
  test("modules adding to the same section are concatenated, and removed on unload", async () => {
    const server = new Server({ host: null });
    await server.loadModule({ name: "a", hooks: { info: { stats: () => ["a:1"] } } });
    await server.loadModule({
      name: "b",
      hooks: { info: { stats: () => ["b:2"], own: () => ["x:3"] } },
    });
    expect(server.infoSections.get("stats")!(server)).toEqual(["a:1", "b:2"]);
    server.unloadModule("a");
    expect(server.infoSections.get("stats")!(server)).toEqual(["b:2"]);
    expect(server.infoSections.get("own")!(server)).toEqual(["x:3"]);
  });
});

describe("Server rejections", () => {
  test("listeners learn which command a gate refused and may answer instead", async () => {
    const server = new Server({ host: null });
    const seen: string[] = [];
    await server.loadModule({
      name: "gate",
      commands: [{
        name: "g",
        group: "server",
        summary: "",
        since: "0",
        arity: 1,
        flags: [],
        handler: (ctx) => ctx.reply.ok(),
      }],
      hooks: {
        beforeCommand(ctx) {
          ctx.server.reject(ctx.client, null, "ERR gated");
          return true;
        },
      },
    });
    server.rejectListeners.push((_c, msg, cmd) => {
      seen.push(`${cmd?.fullName ?? "?"}: ${msg}`);
      return cmd?.fullName === "g" ? "ERR replaced" : undefined;
    });
    expect(() => server.callArgv(["G"])).toThrow("ERR replaced");
    expect(() => server.callArgv(["NOPE"])).toThrow("unknown command");
    expect(seen).toEqual([
      "g: ERR gated",
      "?: ERR unknown command 'NOPE', with args beginning with: ",
    ]);
  });
});

describe("Server hooks", () => {
  test("a hook attached with an owner runs in its module's load-order place", async () => {
    const server = new Server({ host: null });
    const order: string[] = [];
    const gate = (name: string) => () => {
      order.push(name);
      return false;
    };
    await server.loadModule({
      name: "first",
      commands: [{
        name: "p",
        group: "server",
        summary: "",
        since: "0",
        arity: 1,
        flags: [],
        handler: (ctx) => ctx.reply.ok(),
      }],
    });
    await server.loadModule({ name: "second", hooks: { beforeCommand: gate("second") } });
    server.addHook("beforeCommand", gate("unowned"));
    server.addHook("beforeCommand", gate("first"), "first");
    await server.loadModule({ name: "third", hooks: { beforeCommand: gate("third") } });
    server.callArgv(["P"]);
    expect(order).toEqual(["first", "second", "third", "unowned"]);
  });
});

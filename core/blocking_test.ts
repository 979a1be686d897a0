import { describe, expect, test } from "bun:test";
import { Server } from "./server.ts";
import { ClientState } from "./client.ts";
import { ValueBuilder } from "./resp/value_builder.ts";
import { parseTimeoutSeconds } from "./blocking.ts";
import type { ModuleSpec, TypeSpec } from "./spec.ts";

// A tiny list type and a blocking pop, written the way a plugin would.
interface Bag {
  type: TypeSpec<Bag>;
  items: string[];
}
const bagType: TypeSpec<Bag> = {
  name: "bag",
  encoding: () => "bag",
  copy: (v) => ({ ...v, items: [...v.items] }),
};

const testModule: ModuleSpec = {
  name: "bag",
  types: [bagType],
  commands: [
    {
      name: "bagpush",
      group: "module",
      summary: "",
      since: "0",
      arity: -3,
      flags: ["write"],
      handler(ctx, argv) {
        let bag = ctx.db.lookupWrite(argv[1], bagType);
        if (!bag) ctx.db.add(argv[1], bag = { type: bagType, items: [] });
        bag.items.push(...argv.slice(2));
        ctx.db.modified(argv[1]);
        ctx.reply.int(bag.items.length);
      },
    },
    {
      name: "bagbpop",
      group: "module",
      summary: "",
      since: "0",
      arity: -3,
      flags: ["write", "blocking"],
      handler(ctx, argv) {
        const deadline = parseTimeoutSeconds(argv[argv.length - 1], ctx.server.now());
        const keys = argv.slice(1, -1);
        for (const key of keys) {
          const bag = ctx.db.lookupWrite(key, bagType);
          if (bag && bag.items.length > 0) {
            const v = bag.items.shift()!;
            if (bag.items.length === 0) ctx.db.remove(key);
            ctx.db.modified(key);
            ctx.reply.bulks([key, v]);
            return;
          }
        }
        if (!ctx.canBlock) return ctx.reply.nullArray();
        ctx.block(keys, { deadline, type: bagType, timeoutReply: (r) => r.nullArray() });
      },
    },
  ],
};

async function setup() {
  const server = new Server({ logSink: () => {} });
  await server.loadModule(testModule);
  const client = () => {
    const out = new ValueBuilder(2);
    const c = new ClientState(server, server.allocateClientId(), server.dbs[0], out);
    server.addClient(c);
    return { c, out, run: (...argv: string[]) => server.execute(c, argv) };
  };
  return { server, client };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("BlockingService", () => {
  test("waiters are served in the order they blocked, one element each", async () => {
    const { server, client } = await setup();
    const a = client();
    const b = client();
    const p = client();
    a.run("bagbpop", "k", "0");
    b.run("bagbpop", "k", "0");
    expect(server.blocking.blockedCount).toBe(2);
    expect(a.out.takeAll()).toEqual([]);
    p.run("bagpush", "k", "x", "y");
    await tick();
    expect(a.out.takeAll()).toEqual([["k", "x"]]);
    expect(b.out.takeAll()).toEqual([["k", "y"]]);
    expect(p.out.takeAll()).toEqual([2]);
    expect(server.blocking.blockedCount).toBe(0);
  });

  test("a blocked command is counted once in command stats, when served or timed out", async () => {
    const { server, client } = await setup();
    const a = client();
    const p = client();
    a.run("bagbpop", "k", "0");
    expect(server.commands.get("bagbpop")!.calls).toBe(0);
    p.run("bagpush", "k", "x");
    await tick();
    expect(server.commands.get("bagbpop")!.calls).toBe(1);
    a.run("bagbpop", "k", "0.01");
    await new Promise((r) => setTimeout(r, 40));
    expect(server.commands.get("bagbpop")!.calls).toBe(2);
  });

  test("a waiter that finds nothing blocks again and keeps waiting", async () => {
    const { server, client } = await setup();
    const a = client();
    const p = client();
    a.run("bagbpop", "k", "0");
    p.run("bagpush", "other", "x");
    await tick();
    expect(server.blocking.blockedCount).toBe(1);
    p.run("bagpush", "k", "z");
    await tick();
    expect(a.out.takeAll()).toEqual([["k", "z"]]);
  });

  test("timeouts reply with the command's timeout reply", async () => {
    const { server, client } = await setup();
    const a = client();
    a.run("bagbpop", "k", "0.02");
    await new Promise((r) => setTimeout(r, 60));
    expect(a.out.takeAll()).toEqual([null]);
    expect(server.blocking.blockedCount).toBe(0);
  });

  test("CLIENT UNBLOCK-style unblocking and disconnection leave nothing behind", async () => {
    const { server, client } = await setup();
    const a = client();
    const b = client();
    a.run("bagbpop", "k", "0");
    b.run("bagbpop", "k", "0");
    expect(server.blocking.unblock(a.c, "error")).toBe(true);
    expect(String(a.out.takeAll()[0])).toContain("UNBLOCKED");
    server.removeClient(b.c);
    expect(server.blocking.blockedCount).toBe(0);
    expect(server.blocking.blockedKeyCount).toBe(0);
  });

  test("clients that cannot block answer at once", async () => {
    const { client } = await setup();
    const a = client();
    a.c.denyBlocking = true;
    a.run("bagbpop", "k", "0");
    expect(a.out.takeAll()).toEqual([null]);
  });

  test("timeout argument errors", async () => {
    const { client } = await setup();
    const a = client();
    a.run("bagbpop", "k", "-1");
    a.run("bagbpop", "k", "abc");
    expect(a.out.takeAll().map(String)).toEqual([
      "Error: ERR timeout is negative",
      "Error: ERR timeout is not a float or out of range",
    ]);
  });
});

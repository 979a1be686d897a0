import { describe, expect, test } from "bun:test";
import { Server } from "../../core/server.ts";
import { ClientState } from "../../core/client.ts";
import { ValueBuilder } from "../../core/resp/value_builder.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { sortedSetsModule } from "./mod.ts";

/** A server with real (blockable) clients, each with its own reply sink. */
async function setup() {
  const server = new Server({ logSink: () => {} });
  await server.loadModule(connectionModule);
  await server.loadModule(keysModule);
  await server.loadModule(sortedSetsModule);
  const propagated: string[] = [];
  await server.loadModule({
    name: "spy",
    hooks: { propagated: (_db, argv) => propagated.push(argv.join(" ")) },
  });
  const client = () => {
    const out = new ValueBuilder(2);
    const c = new ClientState(server, server.allocateClientId(), server.dbs[0], out);
    server.addClient(c);
    return { c, out, run: (...argv: string[]) => server.execute(c, argv) };
  };
  return { server, client, propagated };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("blocking pops", () => {
  test("BZPOPMIN waits for ZADD, served oldest first; served pops propagate as ZPOPMIN", async () => {
    const { server, client, propagated } = await setup();
    const a = client();
    const b = client();
    const p = client();
    a.run("BZPOPMIN", "z", "other", "0");
    b.run("BZPOPMAX", "z", "0");
    expect(server.blocking.blockedCount).toBe(2);
    p.run("ZADD", "z", "1", "x", "2", "y", "3", "w");
    await tick();
    expect(a.out.takeAll()).toEqual([["z", "x", 1]]);
    expect(b.out.takeAll()).toEqual([["z", "w", 3]]);
    expect(propagated).toEqual(["ZADD z 1 x 2 y 3 w", "ZPOPMIN z", "ZPOPMAX z"]);
    expect(server.blocking.blockedCount).toBe(0);
  });

  test("BZMPOP pops up to COUNT and propagates the count popped", async () => {
    const { client, propagated } = await setup();
    const a = client();
    const p = client();
    a.run("BZMPOP", "0", "2", "k1", "k2", "MAX", "COUNT", "5");
    p.run("ZADD", "k2", "1", "a", "2", "b");
    await tick();
    expect(a.out.takeAll()).toEqual([["k2", [["b", 2], ["a", 1]]]]);
    expect(propagated.at(-1)).toBe("ZPOPMAX k2 2");
    p.run("EXISTS", "k2");
    expect(p.out.takeAll().at(-1)).toBe(0);
  });

  test("deleting the key does not serve the waiter; the timeout answers a null array", async () => {
    const { server, client } = await setup();
    const a = client();
    const p = client();
    a.run("BZPOPMIN", "z", "0.05");
    p.run("DEL", "z");
    await tick();
    expect(server.blocking.blockedCount).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(a.out.takeAll()).toEqual([null]);
    expect(server.blocking.blockedCount).toBe(0);
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { createServer, type ModisServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { keysModule } from "../keys/mod.ts";
import { stringsModule } from "../strings/mod.ts";
import { serverModule } from "../server/mod.ts";
import { transactionsModule } from "../transactions/mod.ts";
import { streamsModule } from "./mod.ts";

// An embedded server plus a spy recording keyspace events and propagated commands.
let m: ModisServer | null = null;
async function harness() {
  const events: string[] = [];
  const propagated: string[] = [];
  const spy: ModuleSpec = {
    name: "streams_spy",
    hooks: {
      keyspaceEvent: (cls, event, key) => events.push(`${cls}:${event}:${key}`),
      propagated: (_db, argv) => propagated.push(argv.join(" ")),
    },
  };
  m = createServer({
    builtins: [
      connectionModule,
      keysModule,
      stringsModule,
      serverModule,
      transactionsModule,
      streamsModule,
    ],
    modules: [spy],
    log: false,
  });
  await m.ready;
  const s = m;
  return {
    events,
    propagated,
    run: (...a: (string | number)[]) => s.call(...a).catch((e: Error) => `ERR:${e.message}`),
    clear() {
      events.length = 0;
      propagated.length = 0;
    },
  };
}
afterEach(async () => {
  await m?.close();
  m = null;
});

describe("XADD / XTRIM / XDEL / XSETID", () => {
  test("IDs: explicit, partial, auto, ordering errors", async () => {
    const h = await harness();
    expect(await h.run("XADD", "s", "0-0", "f", "v")).toBe(
      "ERR:ERR The ID specified in XADD must be greater than 0-0",
    );
    expect(await h.run("XADD", "s", "5-*", "f", "v")).toBe("5-0");
    expect(await h.run("XADD", "s", "5-*", "f", "v")).toBe("5-1");
    expect(await h.run("XADD", "s", "5-1", "f", "v")).toBe(
      "ERR:ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
    expect(await h.run("XADD", "s", "5-18446744073709551615", "f", "v")).toBe(
      "5-18446744073709551615",
    );
    expect(await h.run("XADD", "s", "5-*", "f", "v")).toBe(
      "ERR:ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
    expect(await h.run("XADD", "s", "*", "f")).toBe(
      "ERR:ERR wrong number of arguments for 'xadd' command",
    );
    expect(await h.run("XADD", "s", "1-x", "f", "v")).toBe(
      "ERR:ERR Invalid stream ID specified as stream command argument",
    );
    expect(await h.run("XADD", "nokey", "NOMKSTREAM", "*", "f", "v")).toBeNull();
    expect(await h.run("EXISTS", "nokey")).toBe(0);
    expect(await h.run("XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v")).toBe(
      "ERR:ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
    );
    expect(await h.run("XADD", "s", "MAXLEN", "=", "1", "LIMIT", "10", "*", "f", "v")).toBe(
      "ERR:ERR syntax error, LIMIT cannot be used without the special ~ option",
    );
    expect(await h.run("XTRIM", "s", "LIMIT", "5")).toBe(
      "ERR:ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
    );
    expect(await h.run("SET", "str", "x")).toBe("OK");
    expect(String(await h.run("XADD", "str", "*", "f", "v"))).toContain("WRONGTYPE");
  });

  test("auto IDs and approximate trims propagate their outcome; events", async () => {
    const h = await harness();
    await h.run("CONFIG", "SET", "stream-node-max-entries", "10");
    for (let i = 1; i <= 25; i++) await h.run("XADD", "s", `${i}-1`, "f", String(i));
    h.clear();
    const id = String(await h.run("XADD", "s", "MAXLEN", "~", "12", "*", "f", "v"));
    expect(await h.run("XLEN", "s")).toBe(16);
    expect(h.propagated).toEqual([`XADD s MAXLEN = 16 ${id} f v`]);
    expect(h.events).toEqual(["t:xadd:s", "t:xtrim:s"]);
    h.clear();
    expect(await h.run("XTRIM", "s", "MINID", "~", "24")).toBe(10);
    expect(h.propagated).toEqual(["XTRIM s MINID = 21-1"]);
    expect(await h.run("XTRIM", "s", "MAXLEN", "2")).toBe(4);
    expect(await h.run("XDEL", "s", "25-1", "99-0")).toBe(1);
    expect(h.events).toEqual(["t:xtrim:s", "t:xtrim:s", "t:xdel:s"]);
    const info = (await h.run("XINFO", "STREAM", "s")) as unknown[];
    expect(info.slice(6, 14)).toEqual([
      "last-generated-id",
      id,
      "max-deleted-entry-id",
      "25-1",
      "entries-added",
      26,
      "recorded-first-entry-id",
      id,
    ]);
  });

  test("XSETID checks and XLEN/XRANGE shapes", async () => {
    const h = await harness();
    expect(await h.run("XSETID", "s", "5-0")).toBe("ERR:ERR no such key");
    await h.run("XADD", "s", "5-0", "a", "1");
    await h.run("XADD", "s", "6-0", "b", "2");
    expect(await h.run("XSETID", "s", "5-9")).toBe(
      "ERR:ERR The ID specified in XSETID is smaller than the target stream top item",
    );
    expect(await h.run("XSETID", "s", "10-0", "ENTRIESADDED", "1")).toBe(
      "ERR:ERR The entries_added specified in XSETID is smaller than the target stream length",
    );
    expect(await h.run("XSETID", "s", "10-0", "ENTRIESADDED", "9", "MAXDELETEDID", "3-0")).toBe(
      "OK",
    );
    expect(await h.run("XRANGE", "s", "(5-0", "+")).toEqual([["6-0", ["b", "2"]]]);
    expect(await h.run("XREVRANGE", "s", "+", "-", "COUNT", "1")).toEqual([["6-0", ["b", "2"]]]);
    expect(await h.run("XRANGE", "s", "-", "+", "COUNT", "0")).toBeNull();
    expect(await h.run("XRANGE", "nokey", "-", "+")).toEqual([]);
  });
});

describe("consumer groups", () => {
  test("XREADGROUP delivers, records PELs, propagates XCLAIMs and SETID", async () => {
    const h = await harness();
    await h.run("XADD", "s", "1-0", "f", "a");
    await h.run("XADD", "s", "2-0", "f", "b");
    expect(await h.run("XGROUP", "CREATE", "s", "g", "0")).toBe("OK");
    expect(await h.run("XGROUP", "CREATE", "s", "g", "0")).toBe(
      "ERR:BUSYGROUP Consumer Group name already exists",
    );
    h.clear();
    expect(await h.run("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"))
      .toEqual([
        ["s", [["1-0", ["f", "a"]]]],
      ]);
    expect(h.events).toEqual(["t:xgroup-createconsumer:s"]);
    const claim = h.propagated.find((p) => p.startsWith("XCLAIM"))!;
    expect(claim).toMatch(/^XCLAIM s g c1 0 1-0 TIME \d+ RETRYCOUNT 1 FORCE JUSTID LASTID 1-0$/);
    expect(h.propagated).toContain("XGROUP SETID s g 1-0 ENTRIESREAD 1");
    h.clear();
    // history: own PEL only, no propagation; a deleted entry shows as nil
    await h.run("XDEL", "s", "1-0");
    h.clear();
    expect(await h.run("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0")).toEqual([["s", [[
      "1-0",
      null,
    ]]]]);
    expect(h.propagated).toEqual([]);
    expect(await h.run("XPENDING", "s", "g")).toEqual([1, "1-0", "1-0", [["c1", "1"]]]);
    const [cursor, claimed, deleted] =
      (await h.run("XAUTOCLAIM", "s", "g", "c2", "0", "0")) as unknown[];
    expect([cursor, claimed, deleted]).toEqual(["0-0", [], ["1-0"]]);
    expect(await h.run("XACK", "s", "g", "1-0")).toBe(0);
    expect(await h.run("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">")).toEqual([["s", [[
      "2-0",
      ["f", "b"],
    ]]]]);
    expect(await h.run("XCLAIM", "s", "g", "c3", "0", "2-0", "JUSTID")).toEqual(["2-0"]);
    const pending = (await h.run("XPENDING", "s", "g", "-", "+", "10", "c3")) as unknown[][];
    expect(pending.map((p) => [p[0], p[1], p[3]])).toEqual([["2-0", "c3", 1]]);
    expect(await h.run("XACK", "s", "g", "2-0", "2-0")).toBe(1);
    expect(await h.run("XGROUP", "DELCONSUMER", "s", "g", "c3")).toBe(0);
    const groups = (await h.run("XINFO", "GROUPS", "s")) as unknown[][];
    expect(groups[0]).toEqual([
      "name",
      "g",
      "consumers",
      2,
      "pending",
      0,
      "last-delivered-id",
      "2-0",
      "entries-read",
      2,
      "lag",
      0,
    ]);
    expect(await h.run("XGROUP", "DESTROY", "s", "g")).toBe(1);
    expect(await h.run("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">")).toBe(
      "ERR:NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option",
    );
  });

  test("XGROUP argument errors and MKSTREAM", async () => {
    const h = await harness();
    expect(await h.run("XGROUP", "CREATE", "s", "g", "$")).toBe(
      "ERR:ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
    );
    expect(await h.run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM", "ENTRIESREAD", "-5")).toBe(
      "ERR:ERR value for ENTRIESREAD must be positive or -1",
    );
    expect(await h.run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")).toBe("OK");
    expect(await h.run("XGROUP", "SETID", "s", "nog", "0")).toBe(
      "ERR:NOGROUP No such consumer group 'nog' for key name 's'",
    );
    expect(await h.run("XGROUP", "CREATECONSUMER", "s", "g", "c")).toBe(1);
    expect(await h.run("XGROUP", "CREATECONSUMER", "s", "g", "c")).toBe(0);
    expect(await h.run("XINFO", "STREAM", "s", "FULL", "x")).toBe(
      "ERR:ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
    );
  });

  test("XREAD with BLOCK inside MULTI answers at once", async () => {
    const h = await harness();
    expect(await h.run("XREAD", "BLOCK", "0", "STREAMS", "s", "$")).toBeNull();
    await h.run("XADD", "s", "1-0", "f", "v");
    expect(await h.run("XREAD", "STREAMS", "s", "+")).toEqual([["s", [["1-0", ["f", "v"]]]]]);
    expect(await h.run("XREAD", "STREAMS", "s", "1")).toEqual(null);
  });
});

import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";

describe("transactions (in-process)", () => {
  test("queue, EXEC, WATCH dirtied by a write, EXECABORT after a refused command", async () => {
    const m = createServer({ log: false });
    await m.ready;
    expect(await m.call("MULTI")).toBe("OK");
    expect(await m.call("SET", "a", "1")).toBe("QUEUED");
    expect(await m.call("INCR", "a")).toBe("QUEUED");
    expect(await m.call("EXEC")).toEqual(["OK", 2]);
    await m.call("WATCH", "a");
    await m.call("SET", "a", "5");
    await m.call("MULTI");
    await m.call("GET", "a");
    expect(await m.call("EXEC")).toBeNull();
    // INFO counts distinct watched keys while they are watched.
    await m.call("WATCH", "a", "b", "a");
    expect(String(await m.call("INFO", "clients"))).toContain("total_watched_keys:2\r\n");
    await m.call("UNWATCH");
    expect(String(await m.call("INFO", "clients"))).toContain("total_watched_keys:0\r\n");
    await m.call("MULTI");
    await expect(m.call("NOSUCH")).rejects.toThrow("unknown command");
    await expect(m.call("EXEC")).rejects.toThrow(
      "EXECABORT Transaction discarded because of previous errors.",
    );
    await m.close();
  });

  test("EXEC's writes propagate as one MULTI/EXEC unit", async () => {
    const propagated: string[] = [];
    const { builtinModules } = await import("../mod.ts");
    const spy = {
      name: "spy",
      hooks: { propagated: (_db: number, argv: string[]) => void propagated.push(argv.join(" ")) },
    };
    const m = createServer({ log: false, builtins: [...builtinModules, spy] });
    await m.ready;
    await m.call("MULTI");
    await m.call("SET", "a", "1");
    await m.call("GET", "a");
    await m.call("SET", "b", "2");
    await m.call("EXEC");
    expect(propagated).toEqual(["MULTI", "SET a 1", "SET b 2", "EXEC"]);
    await m.close();
  });
});

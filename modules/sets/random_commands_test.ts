import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type SetsHarness, setsHarness } from "./test_util.ts";

let h: SetsHarness;
beforeAll(async () => {
  h = await setsHarness();
});
afterAll(() => h.m.close());
beforeEach(async () => {
  await h.run("FLUSHALL");
  h.clear();
});

const range = (n: number, f: (i: number) => string = String) =>
  Array.from({ length: n }, (_, i) => f(i));
const ENCODED: Record<string, string[]> = {
  intset: range(20, (i) => String(i + 1)),
  listpack: ["a", ...range(19, (i) => String(i + 2))],
  hashtable: range(200, (i) => `m${i}`),
};

function chiSquare(items: string[]): number {
  const hist = new Map<string, number>();
  for (const m of items) hist.set(m, (hist.get(m) ?? 0) + 1);
  const expected = items.length / hist.size;
  let chi = 0;
  for (const n of hist.values()) chi += (n - expected) ** 2 / expected;
  return chi;
}

describe("SPOP", () => {
  test("single pops propagate as SREM and delete the emptied key", async () => {
    await h.run("SADD", "s", "a", "b");
    h.clear();
    const x = await h.run("SPOP", "s") as string;
    const y = await h.run("SPOP", "s") as string;
    expect([x, y].sort()).toEqual(["a", "b"]);
    expect(h.propagated).toEqual([`SREM s ${x}`, `SREM s ${y}`]);
    expect(h.events).toEqual(["s:spop:s", "s:spop:s", "g:del:s"]);
    expect(await h.run("SPOP", "s")).toBe(null);
    expect(await h.run("SPOP", "s", "1", "2")).toBe("ERR syntax error");
  });

  for (const [enc, members] of Object.entries(ENCODED)) {
    test(`count: every path keeps the union intact (${enc})`, async () => {
      for (const count of [2, members.length - 2, members.length + 10]) {
        await h.run("DEL", "s");
        await h.run("SADD", "s", ...members);
        expect(await h.run("OBJECT", "ENCODING", "s")).toBe(enc);
        const popped = await h.run("SPOP", "s", count) as string[];
        expect(popped.length).toBe(Math.min(count, members.length));
        const rest = await h.run("SMEMBERS", "s") as string[];
        expect([...popped, ...rest].sort()).toEqual([...members].sort());
      }
      expect(await h.run("EXISTS", "s")).toBe(0);
    });
  }

  test("count: propagation as SREM batches, or DEL/UNLINK for the whole set", async () => {
    await h.run("SADD", "s", ...range(3000, (i) => `m${i}`));
    h.clear();
    const popped = await h.run("SPOP", "s", 2500) as string[];
    // Several propagated commands of one command are wrapped in MULTI/EXEC, as in Redis.
    expect(h.propagated.map((p) => p.split(" ").length - 2)).toEqual([-1, 1024, 1024, 452, -1]);
    expect(h.propagated.slice(1, 4).flatMap((p) => p.split(" ").slice(2)).sort()).toEqual(
      popped.sort(),
    );
    expect(h.events).toEqual(["s:spop:s"]);
    h.clear();
    await h.run("SPOP", "s", 500);
    expect(h.propagated).toEqual(["DEL s"]);
    expect(h.events).toEqual(["s:spop:s", "g:del:s"]);
    h.m.server.config.set("lazyfree-lazy-server-del", "yes", "config-set");
    try {
      await h.run("SADD", "s", "a");
      h.clear();
      await h.run("SPOP", "s", 5);
      expect(h.propagated).toEqual(["UNLINK s"]);
    } finally {
      h.m.server.config.set("lazyfree-lazy-server-del", "no", "config-set");
    }
  });

  test("count: rebuilding keeps the TTL and changes the encoding like Redis", async () => {
    await h.run("SADD", "s", ...range(200, (i) => `m${i}`));
    await h.run("EXPIRE", "s", 100);
    await h.run("SPOP", "s", 190);
    expect(await h.run("OBJECT", "ENCODING", "s")).toBe("listpack");
    expect(await h.run("SCARD", "s")).toBe(10);
    expect(await h.run("TTL", "s")).toBeGreaterThan(0);
  });

  test("count: argument checks come before the key", async () => {
    await h.run("SET", "str", "x");
    for (const bad of ["-1", "abc", "1.5"]) {
      expect(await h.run("SPOP", "str", bad)).toBe("ERR value is out of range, must be positive");
    }
    expect(await h.run("SPOP", "missing", 5)).toEqual([]);
    await h.run("SADD", "s", "a");
    h.clear();
    expect(await h.run("SPOP", "s", 0)).toEqual([]);
    expect(h.propagated).toEqual([]);
  });
});

describe("SRANDMEMBER", () => {
  for (const [enc, members] of Object.entries(ENCODED)) {
    test(`every path returns members, distinct when asked (${enc})`, async () => {
      await h.run("SADD", "s", ...members);
      const all = new Set(members);
      const neg = await h.run("SRANDMEMBER", "s", -100) as string[];
      expect(neg.length).toBe(100);
      expect(neg.every((m) => all.has(m))).toBe(true);
      for (const count of [1, 3, members.length - 2, members.length, members.length + 5]) {
        const got = await h.run("SRANDMEMBER", "s", count) as string[];
        expect(got.length).toBe(Math.min(count, members.length));
        expect(new Set(got).size).toBe(got.length);
        expect(got.every((m) => all.has(m))).toBe(true);
      }
      expect(all.has(await h.run("SRANDMEMBER", "s") as string)).toBe(true);
      expect(await h.run("SCARD", "s")).toBe(members.length);
    });

    test(`draws are uniform (${enc})`, async () => {
      await h.run("SADD", "s", ...members.slice(0, 10));
      expect(chiSquare(await h.run("SRANDMEMBER", "s", -2000) as string[])).toBeLessThan(40);
      for (const size of [8, 2]) {
        const all: string[] = [];
        for (let i = 0; i < 2000 / size; i++) {
          all.push(...await h.run("SRANDMEMBER", "s", size) as string[]);
        }
        expect(chiSquare(all)).toBeLessThan(40);
      }
    });
  }

  test("count errors and empty answers", async () => {
    await h.run("SADD", "s", "a");
    expect(await h.run("SRANDMEMBER", "s", "-9223372036854775808")).toBe(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    expect(await h.run("SRANDMEMBER", "s", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("SRANDMEMBER", "s", 0)).toEqual([]);
    expect(await h.run("SRANDMEMBER", "missing", 5)).toEqual([]);
    expect(await h.run("SRANDMEMBER", "missing")).toBe(null);
    expect(await h.run("SRANDMEMBER", "s", 1, 2)).toBe("ERR syntax error");
  });
});

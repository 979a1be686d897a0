import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type SetsHarness, setsHarness } from "./test_util.ts";

let h: SetsHarness;
beforeAll(async () => {
  h = await setsHarness();
});
afterAll(() => h.m.close());
beforeEach(async () => {
  await h.run("FLUSHALL");
});

async function scanAll(key: string, ...opts: (string | number)[]): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, page] = await h.run("SSCAN", key, cursor, ...opts) as [string, string[]];
    out.push(...page);
    cursor = next;
  } while (cursor !== "0");
  return out;
}

describe("SSCAN", () => {
  test("small encodings come back whole with cursor 0", async () => {
    await h.run("SADD", "i", "3", "1", "2");
    expect(await h.run("SSCAN", "i", 0)).toEqual(["0", ["1", "2", "3"]]);
    await h.run("SADD", "l", "foo", "bar", "baz");
    expect(await h.run("SSCAN", "l", 0, "MATCH", "ba*")).toEqual(["0", ["bar", "baz"]]);
  });

  test("a hashtable is covered in pages, MATCH filters", async () => {
    const members = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    await h.run("SADD", "h", ...members);
    const [cursor, page] = await h.run("SSCAN", "h", 0) as [string, string[]];
    expect(cursor).not.toBe("0");
    expect(page.length).toBeGreaterThan(0);
    expect([...new Set(await scanAll("h", "COUNT", 100))].sort()).toEqual(members.sort());
    const matched = [...new Set(await scanAll("h", "MATCH", "m1*"))].sort();
    expect(matched).toEqual(members.filter((m) => m.startsWith("m1")).sort());
  });

  test("members present throughout are returned even while the set changes", async () => {
    const keep = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await h.run("SADD", "h", ...keep);
    const seen = new Set<string>();
    let cursor = "0";
    let step = 0;
    do {
      const [next, page] = await h.run("SSCAN", "h", cursor) as [string, string[]];
      for (const m of page) seen.add(m);
      cursor = next;
      if (++step === 5) {
        await h.run(
          "SADD",
          "h",
          ...Array.from({ length: 3000 }, (_, i) => `x${i}`),
        );
      }
      if (step === 40) await h.run("SREM", "h", ...Array.from({ length: 3000 }, (_, i) => `x${i}`));
    } while (cursor !== "0");
    for (const m of keep) expect(seen.has(m)).toBe(true);
  });

  test("errors and a missing key", async () => {
    await h.run("SADD", "s", "a");
    expect(await h.run("SSCAN", "s", "-1")).toBe("ERR invalid cursor");
    expect(await h.run("SSCAN", "s", "x")).toBe("ERR invalid cursor");
    expect(await h.run("SSCAN", "s", 0, "COUNT", 0)).toBe("ERR syntax error");
    expect(await h.run("SSCAN", "s", 0, "COUNT", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("SSCAN", "s", 0, "NOVALUES")).toBe(
      "ERR NOVALUES option can only be used in HSCAN",
    );
    expect(await h.run("SSCAN", "s", 0, "TYPE", "set")).toBe("ERR syntax error");
    expect(await h.run("SSCAN", "s", 0, "MATCH")).toBe("ERR syntax error");
    expect(await h.run("SSCAN", "none", 0, "BOGUS")).toEqual(["0", []]);
    await h.run("SET", "str", "x");
    expect(await h.run("SSCAN", "str", 0)).toBe(
      "WRONGTYPE Operation against a key holding the wrong kind of value",
    );
  });
});

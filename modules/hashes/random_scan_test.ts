import { describe, expect, test } from "bun:test";
import { hashHarness } from "./test_util.ts";

async function filled(entries: number, n: number) {
  const h = await hashHarness({ "hash-max-listpack-entries": entries });
  const args: string[] = [];
  for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
  await h.run("HSET", "k", ...args);
  return h;
}

describe("HRANDFIELD", () => {
  for (const entries of [512, 0]) {
    test(`counts and shapes (max entries ${entries})`, async () => {
      const h = await filled(entries, 10);
      const all = Array.from({ length: 10 }, (_, i) => `f${i}`).sort();
      expect(all).toContain(await h.run("HRANDFIELD", "k"));
      expect(((await h.run("HRANDFIELD", "k", "20")) as string[]).sort()).toEqual(all);
      for (const n of [8, 2]) {
        const r = (await h.run("HRANDFIELD", "k", String(n))) as string[];
        expect(new Set(r).size).toBe(n);
        for (const f of r) expect(all).toContain(f);
      }
      const neg = (await h.run("HRANDFIELD", "k", "-30", "WITHVALUES")) as string[];
      expect(neg.length).toBe(60);
      for (let i = 0; i < 60; i += 2) expect(neg[i + 1]).toBe(neg[i].replace("f", "v"));
      expect(await h.run("HRANDFIELD", "k", "0")).toEqual([]);
      await h.run("HELLO", "3");
      const pairs = (await h.run("HRANDFIELD", "k", "3", "WITHVALUES")) as string[][];
      expect(pairs.length).toBe(3);
      for (const [f, v] of pairs) expect(v).toBe(f.replace("f", "v"));
      expect(((await h.run("HRANDFIELD", "k", "3")) as string[]).length).toBe(3);
    });
  }

  test("errors and missing keys", async () => {
    const h = await filled(512, 2);
    expect(await h.run("HRANDFIELD", "nokey")).toBe(null);
    expect(await h.run("HRANDFIELD", "nokey", "5")).toEqual([]);
    expect(await h.run("HRANDFIELD", "k", "x")).toBe("ERR value is not an integer or out of range");
    expect(await h.run("HRANDFIELD", "k", "1", "BOGUS")).toBe("ERR syntax error");
    expect(await h.run("HRANDFIELD", "k", "-9223372036854770000", "WITHVALUES")).toBe(
      "ERR value is out of range",
    );
    expect(await h.run("HRANDFIELD", "k", "-9223372036854775808")).toBe(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  });

  test("repeating picks are uniform (chi-square, 10 fields)", async () => {
    for (const entries of [512, 0]) {
      const h = await filled(entries, 10);
      const r = (await h.run("HRANDFIELD", "k", "-10000")) as string[];
      const counts = new Map<string, number>();
      for (const f of r) counts.set(f, (counts.get(f) ?? 0) + 1);
      let chi = 0;
      for (const c of counts.values()) chi += (c - 1000) ** 2 / 1000;
      expect(chi).toBeLessThan(40);
    }
  });
});

describe("HSCAN", () => {
  test("listpack: everything in one call, MATCH and NOVALUES", async () => {
    const h = await filled(512, 5);
    expect(await h.run("HSCAN", "k", "0")).toEqual(["0", [
      "f0",
      "v0",
      "f1",
      "v1",
      "f2",
      "v2",
      "f3",
      "v3",
      "f4",
      "v4",
    ]]);
    expect(await h.run("HSCAN", "k", "0", "MATCH", "f[13]", "NOVALUES")).toEqual(["0", [
      "f1",
      "f3",
    ]]);
    expect(await h.run("HSCAN", "nokey", "0")).toEqual(["0", []]);
  });

  test("hashtable: a full iteration returns every field, values paired", async () => {
    const h = await filled(0, 300);
    const seen = new Map<string, string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, items] = (await h.run("HSCAN", "k", cursor, "COUNT", "20")) as [
        string,
        string[],
      ];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      cursor = next;
      calls++;
    } while (cursor !== "0");
    expect(seen.size).toBe(300);
    expect(calls).toBeGreaterThan(5);
    for (const [f, v] of seen) expect(v).toBe(f.replace("f", "v"));
    const [, keysOnly] =
      (await h.run("HSCAN", "k", "0", "COUNT", "1000", "NOVALUES", "MATCH", "f1*")) as [
        string,
        string[],
      ];
    expect(keysOnly.length).toBe(111);
  });

  test("argument errors", async () => {
    const h = await filled(512, 2);
    expect(await h.run("HSCAN", "k", "x")).toBe("ERR invalid cursor");
    expect(await h.run("HSCAN", "k", "0", "COUNT", "0")).toBe("ERR syntax error");
    expect(await h.run("HSCAN", "k", "0", "COUNT", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("HSCAN", "k", "0", "TYPE", "hash")).toBe("ERR syntax error");
    expect(await h.run("HSCAN", "k", "0", "MATCH")).toBe("ERR syntax error");
  });
});

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

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const sorted = async (p: Promise<unknown>) => ((await p) as string[]).slice().sort();
const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => String(from + i));

/** Redis's TCL fixture: sets 1, 2, 4 big, 3 and 5 small, plus one member picking the encoding. */
async function fixture(large: string): Promise<void> {
  await h.run("SADD", "set1", ...range(0, 200), large);
  await h.run("SADD", "set2", ...range(195, 395), large);
  await h.run("SADD", "set3", "199", "195", "1000", "2000", large);
  await h.run("SADD", "set4", ...range(5, 200), large);
  await h.run("SADD", "set5", "0", large);
}

for (
  const [type, large, small, big] of [["regular", "foo", "listpack", "hashtable"], [
    "intset",
    "200",
    "intset",
    "intset",
  ]]
) {
  describe(`set algebra on ${type} sets`, () => {
    beforeEach(() => fixture(large));

    test("SINTER / SINTERCARD / SINTERSTORE", async () => {
      expect(await sorted(h.run("SINTER", "set1", "set2"))).toEqual(
        ["195", "196", "197", "198", "199", large].sort(),
      );
      expect(await h.run("SINTERCARD", 2, "set1", "set2")).toBe(6);
      expect(await h.run("SINTERCARD", 2, "set1", "set2", "LIMIT", 3)).toBe(3);
      expect(await h.run("SINTERCARD", 3, "set1", "set2", "set3", "limit", 0)).toBe(3);
      expect(await h.run("SINTERSTORE", "res", "set1", "set2")).toBe(6);
      expect(await h.run("OBJECT", "ENCODING", "res")).toBe(small);
      expect(h.events.at(-1)).toBe("s:sinterstore:res");
      expect(await sorted(h.run("SINTER", "set1", "set2", "set3"))).toEqual(
        ["195", "199", large].sort(),
      );
    });

    test("SUNION / SUNIONSTORE", async () => {
      const expected = [...new Set([...range(0, 395), large])].sort();
      expect(await sorted(h.run("SUNION", "nokey", "set1", "set2", "nokey2"))).toEqual(expected);
      expect(await h.run("SUNIONSTORE", "res", "set1", "set2")).toBe(expected.length);
      expect(await h.run("OBJECT", "ENCODING", "res")).toBe(big);
    });

    test("SDIFF / SDIFFSTORE", async () => {
      expect(await sorted(h.run("SDIFF", "set1", "set4"))).toEqual(["0", "1", "2", "3", "4"]);
      expect(await sorted(h.run("SDIFF", "set1", "set4", "set5"))).toEqual(["1", "2", "3", "4"]);
      expect(await h.run("SDIFFSTORE", "res", "set1", "set4", "set5")).toBe(4);
      if (type === "intset") expect(await h.run("OBJECT", "ENCODING", "res")).toBe("intset");
      expect(h.events.at(-1)).toBe("s:sdiffstore:res");
    });

    test("the same set three times", async () => {
      const all = await sorted(h.run("SMEMBERS", "set1"));
      expect(await sorted(h.run("SINTER", "set1", "set1", "set1"))).toEqual(all);
      expect(await sorted(h.run("SUNION", "set1", "set1", "set1"))).toEqual(all);
      expect(await h.run("SDIFF", "set1", "set1", "set1")).toEqual([]);
    });
  });
}

describe("result encodings", () => {
  test("SINTERSTORE of listpacks or hashtables with an all-integer result is an intset", async () => {
    await h.run("SADD", "a", "a", "b", "c", "1", "3", "6");
    await h.run("SADD", "b", "e", "f", "1", "2", "3");
    await h.run("SINTERSTORE", "res", "a", "b");
    expect(await h.run("OBJECT", "ENCODING", "res")).toBe("intset");
    await h.run("SADD", "c", "x", ...range(1, 130));
    await h.run("SADD", "d", "y", ...range(1, 130));
    expect(await h.run("SINTERSTORE", "res2", "c", "d")).toBe(129);
    expect(await h.run("OBJECT", "ENCODING", "res2")).toBe("intset");
  });

  test("an intset and a listpack holding the same integers intersect", async () => {
    await h.run("SADD", "a", "1", "2", "3");
    await h.run("SADD", "b", "1", "2", "3", "x");
    await h.run("SREM", "b", "x");
    expect(await sorted(h.run("SINTER", "a", "b"))).toEqual(["1", "2", "3"]);
  });
});

describe("missing keys, WRONGTYPE, empty results", () => {
  test("stores delete the destination on an empty result", async () => {
    await h.run("SET", "dst", "x");
    await h.run("EXPIRE", "dst", 100);
    h.clear();
    for (const cmd of ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]) {
      await h.run("SADD", "dst", "a");
      await h.run("DEL", "dst");
      await h.run("SADD", "dst", "a");
      h.clear();
      expect(await h.run(cmd, "dst", "no1", "no2")).toBe(0);
      expect(h.events).toEqual(["g:del:dst"]);
      expect(await h.run("EXISTS", "dst")).toBe(0);
    }
  });

  test("a stored result replaces the destination and its TTL", async () => {
    await h.run("SET", "dst", "x");
    await h.run("EXPIRE", "dst", 100);
    await h.run("SADD", "a", "1", "2");
    expect(await h.run("SUNIONSTORE", "dst", "a")).toBe(2);
    expect(await h.run("TTL", "dst")).toBe(-1);
    expect(await h.run("TYPE", "dst")).toBe("set");
  });

  test("WRONGTYPE anywhere, even after a missing key; the destination is untouched", async () => {
    await h.run("SET", "str", "x");
    await h.run("SADD", "s", "a", "b");
    await h.run("SADD", "dst", "e");
    for (const cmd of ["SINTER", "SUNION", "SDIFF"]) {
      expect(await h.run(cmd, "str", "s")).toBe(WRONGTYPE);
      expect(await h.run(cmd, "nokey", "str")).toBe(WRONGTYPE);
      expect(await h.run(cmd, "s", "str")).toBe(WRONGTYPE);
      expect(await h.run(`${cmd}STORE`, "dst", "s", "str")).toBe(WRONGTYPE);
    }
    expect(await h.run("SINTERCARD", 2, "nokey", "str")).toBe(WRONGTYPE);
    expect(await h.members("dst")).toEqual(["e"]);
  });

  test("SDIFF with the first set missing or repeated", async () => {
    await h.run("SADD", "a", "1", "2");
    await h.run("SADD", "b", "a", "b");
    expect(await h.run("SDIFF", "none", "a", "b")).toEqual([]);
    expect(await h.run("SDIFF", "a", "none", "a")).toEqual([]);
    expect(await sorted(h.run("SDIFF", "b", "none", "a"))).toEqual(["a", "b"]);
    expect(await h.run("SINTER", "a", "none")).toEqual([]);
  });

  test("SDIFF agrees with a reference on random data (both algorithms)", async () => {
    let seed = 11;
    const rnd = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let round = 0; round < 30; round++) {
      const keys: string[] = [];
      let expected = new Set<string>();
      const nsets = 1 + rnd(6);
      for (let i = 0; i < nsets; i++) {
        const k = `d${i}`;
        keys.push(k);
        await h.run("DEL", k);
        const members = Array.from(
          { length: rnd(i === 0 ? 60 : 300) },
          () => rnd(3) ? String(rnd(400)) : `s${rnd(400)}`,
        );
        if (members.length) await h.run("SADD", k, ...members);
        if (i === 0) expected = new Set(members);
        else for (const m of members) expected.delete(m);
      }
      expect(await sorted(h.run("SDIFF", ...keys))).toEqual([...expected].sort());
    }
  });
});

describe("SINTERCARD arguments", () => {
  test("errors in Redis's order", async () => {
    await h.run("SADD", "s", "a");
    expect(await h.run("SINTERCARD", 1)).toBe(
      "ERR wrong number of arguments for 'sintercard' command",
    );
    expect(await h.run("SINTERCARD", 0, "s")).toBe("ERR numkeys should be greater than 0");
    expect(await h.run("SINTERCARD", "a", "s")).toBe("ERR numkeys should be greater than 0");
    expect(await h.run("SINTERCARD", 2, "s")).toBe(
      "ERR Number of keys can't be greater than number of args",
    );
    expect(await h.run("SINTERCARD", 1, "s", "t")).toBe("ERR syntax error");
    expect(await h.run("SINTERCARD", 1, "s", "LIMIT")).toBe("ERR syntax error");
    expect(await h.run("SINTERCARD", 1, "s", "LIMIT", -1)).toBe("ERR LIMIT can't be negative");
    expect(await h.run("SINTERCARD", 1, "s", "LIMIT", "a")).toBe("ERR LIMIT can't be negative");
    expect(await h.run("SINTERCARD", 1, "none", "limit", 10)).toBe(0);
  });
});

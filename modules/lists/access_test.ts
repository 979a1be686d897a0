import { describe, expect, test } from "bun:test";
import { listsHarness } from "./test_util.ts";

async function withList(items: string[]) {
  const h = await listsHarness();
  if (items.length > 0) await h.run("RPUSH", "k", ...items);
  h.clear();
  return h;
}

describe("reads", () => {
  test("LLEN, LINDEX with negative and out-of-range indexes", async () => {
    const h = await withList(["a", "b", "c"]);
    expect(await h.run("LLEN", "k")).toBe(3);
    expect(await h.run("LLEN", "none")).toBe(0);
    expect(await h.run("LINDEX", "k", 0)).toBe("a");
    expect(await h.run("LINDEX", "k", -1)).toBe("c");
    expect(await h.run("LINDEX", "k", -4)).toBeNull();
    expect(await h.run("LINDEX", "k", 3)).toBeNull();
    expect(await h.run("LINDEX", "none", "notanumber")).toBeNull();
    expect(await h.run("LINDEX", "k", "x")).toBe("ERR value is not an integer or out of range");
  });

  test("LRANGE clamps like Redis", async () => {
    const h = await withList(["a", "b", "c", "d"]);
    expect(await h.run("LRANGE", "k", 1, 2)).toEqual(["b", "c"]);
    expect(await h.run("LRANGE", "k", -100, 100)).toEqual(["a", "b", "c", "d"]);
    expect(await h.run("LRANGE", "k", -2, -1)).toEqual(["c", "d"]);
    expect(await h.run("LRANGE", "k", 3, 1)).toEqual([]);
    expect(await h.run("LRANGE", "k", 5, 10)).toEqual([]);
    expect(await h.run("LRANGE", "none", 0, -1)).toEqual([]);
    expect(await h.run("LRANGE", "none", "a", -1)).toBe(
      "ERR value is not an integer or out of range",
    );
  });

  test("LPOS with RANK, COUNT and MAXLEN", async () => {
    const h = await withList(["a", "b", "c", "1", "2", "3", "c", "c"]);
    expect(await h.run("LPOS", "k", "c")).toBe(2);
    expect(await h.run("LPOS", "k", "c", "RANK", 2)).toBe(6);
    expect(await h.run("LPOS", "k", "c", "RANK", -1)).toBe(7);
    expect(await h.run("LPOS", "k", "c", "RANK", 4)).toBeNull();
    expect(await h.run("LPOS", "k", "c", "COUNT", 0)).toEqual([2, 6, 7]);
    expect(await h.run("LPOS", "k", "c", "COUNT", 2, "RANK", -1)).toEqual([7, 6]);
    expect(await h.run("LPOS", "k", "c", "COUNT", 0, "MAXLEN", 7, "RANK", 2)).toEqual([6]);
    expect(await h.run("LPOS", "none", "c", "COUNT", 0)).toEqual([]);
    expect(await h.run("LPOS", "none", "c")).toBeNull();
    expect(await h.run("LPOS", "k", "c", "RANK", 0)).toStartWith("ERR RANK can't be zero");
    expect(await h.run("LPOS", "k", "c", "COUNT", -1)).toBe("ERR COUNT can't be negative");
    expect(await h.run("LPOS", "k", "c", "MAXLEN", -1)).toBe("ERR MAXLEN can't be negative");
    expect(await h.run("LPOS", "k", "c", "RANK")).toBe("ERR syntax error");
    expect(await h.run("LPOS", "k", "c", "RANK", "-9223372036854775808")).toStartWith(
      "ERR value is out of range",
    );
  });
});

describe("edits", () => {
  test("LSET replaces; errors for missing keys and bad indexes", async () => {
    const h = await withList(["a", "b", "c"]);
    expect(await h.run("LSET", "k", -1, "z")).toBe("OK");
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["a", "b", "z"]);
    expect(await h.run("LSET", "k", 3, "z")).toBe("ERR index out of range");
    expect(await h.run("LSET", "none", 0, "z")).toBe("ERR no such key");
    expect(await h.run("LSET", "none", "x", "z")).toBe("ERR no such key");
    expect(h.events).toEqual(["l:lset:k"]);
  });

  test("LTRIM keeps a range and deletes the key when nothing is left", async () => {
    const h = await withList(["a", "b", "c", "d", "e"]);
    expect(await h.run("LTRIM", "k", 1, -2)).toBe("OK");
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["b", "c", "d"]);
    expect(await h.run("LTRIM", "k", 5, 10)).toBe("OK");
    expect(await h.run("EXISTS", "k")).toBe(0);
    expect(await h.run("LTRIM", "none", 0, 1)).toBe("OK");
    expect(h.events).toEqual(["l:ltrim:k", "l:ltrim:k", "g:del:k"]);
  });

  test("LTRIM that removes nothing is not propagated", async () => {
    const h = await withList(["a", "b"]);
    await h.run("LTRIM", "k", 0, -1);
    expect(h.propagated).toEqual([]);
    await h.run("LTRIM", "k", 0, 0);
    expect(h.propagated).toEqual(["LTRIM k 0 0"]);
  });

  test("LINSERT before/after the first pivot; -1 without pivot; 0 without key", async () => {
    const h = await withList(["a", "b", "a"]);
    expect(await h.run("LINSERT", "k", "BEFORE", "a", "x")).toBe(4);
    expect(await h.run("LINSERT", "k", "after", "a", "y")).toBe(5);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["x", "a", "y", "b", "a"]);
    expect(await h.run("LINSERT", "k", "AFTER", "zz", "y")).toBe(-1);
    expect(await h.run("LINSERT", "none", "AFTER", "a", "y")).toBe(0);
    expect(await h.run("LINSERT", "k", "MIDDLE", "a", "y")).toBe("ERR syntax error");
    expect(h.events).toEqual(["l:linsert:k", "l:linsert:k"]);
  });

  test("LREM from the head, the tail, or all", async () => {
    const h = await withList(["a", "b", "a", "c", "a"]);
    expect(await h.run("LREM", "k", -1, "a")).toBe(1);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["a", "b", "a", "c"]);
    expect(await h.run("LREM", "k", 1, "a")).toBe(1);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["b", "a", "c"]);
    expect(await h.run("LREM", "k", 0, "zz")).toBe(0);
    expect(await h.run("LREM", "k", 0, "b")).toBe(1);
    expect(await h.run("LREM", "k", 0, "a")).toBe(1);
    expect(await h.run("LREM", "k", 0, "c")).toBe(1);
    expect(await h.run("EXISTS", "k")).toBe(0);
    expect(h.events.slice(-2)).toEqual(["l:lrem:k", "g:del:k"]);
  });

  test("WRONGTYPE everywhere", async () => {
    const h = await withList([]);
    await h.run("SET", "s", "x");
    for (
      const argv of [
        ["LLEN", "s"],
        ["LINDEX", "s", 0],
        ["LRANGE", "s", 0, 1],
        ["LSET", "s", 0, "x"],
        ["LTRIM", "s", 0, 1],
        ["LINSERT", "s", "BEFORE", "a", "b"],
        ["LREM", "s", 0, "a"],
        ["LPOS", "s", "a"],
      ]
    ) {
      expect(await h.run(...argv)).toContain("WRONGTYPE");
    }
  });
});

describe("big lists", () => {
  test("commands agree with a model on a 5000-element quicklist", async () => {
    const h = await withList([]);
    const model: string[] = [];
    for (let i = 0; i < 5000; i++) model.push(`e${i % 700}`);
    for (let i = 0; i < model.length; i += 500) {
      await h.run("RPUSH", "k", ...model.slice(i, i + 500));
    }
    expect(await h.run("OBJECT", "ENCODING", "k")).toBe("quicklist");
    expect(await h.run("LINDEX", "k", 2345)).toBe(model[2345]);
    expect(await h.run("LRANGE", "k", -1200, -1000)).toEqual(model.slice(-1200, -999));
    await h.run("LSET", "k", 3000, "X");
    model[3000] = "X";
    await h.run("LINSERT", "k", "AFTER", "X", "Y");
    model.splice(3001, 0, "Y");
    expect(await h.run("LREM", "k", -3, "e5")).toBe(3);
    for (let i = model.length - 1, n = 0; i >= 0 && n < 3; i--) {
      if (model[i] === "e5") (model.splice(i, 1), n++);
    }
    await h.run("LTRIM", "k", 100, -100);
    model.splice(0, 100);
    model.splice(-99);
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(model);
    expect(await h.run("LPOS", "k", "e6", "COUNT", 0)).toEqual(
      model.flatMap((s, i) => (s === "e6" ? [i] : [])),
    );
  });
});

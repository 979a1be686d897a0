import { describe, expect, test } from "bun:test";
import { lcs } from "./lcs.ts";
import { stringsHarness } from "./test_util.ts";

/** Length of the LCS by the textbook recursion, for cross-checking. */
function lcsLength(a: string, b: string): number {
  let prev = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = [0];
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    prev = row;
  }
  return prev[b.length];
}

function isSubsequence(sub: string, s: string): boolean {
  let i = 0;
  for (const c of s) if (c === sub[i]) i++;
  return i === sub.length;
}

describe("lcs()", () => {
  test("finds a longest common subsequence", () => {
    let seed = 3;
    const rnd = (n: number) => (seed = (seed * 69069 + 1) % 4294967296) % n;
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rnd(20) }, () => "abc"[rnd(3)]).join("");
      const b = Array.from({ length: rnd(20) }, () => "abc"[rnd(3)]).join("");
      const r = lcs(a, b, 0);
      expect(r.length).toBe(lcsLength(a, b));
      expect(r.text.length).toBe(r.length);
      expect(isSubsequence(r.text, a) && isSubsequence(r.text, b)).toBe(true);
      // The ranges cover exactly the subsequence, from the end backwards.
      let covered = "";
      for (const m of r.matches) covered = a.slice(m.a[0], m.a[1] + 1) + covered;
      expect(covered).toBe(r.text);
    }
  });
});

describe("LCS", () => {
  test("text, LEN and IDX replies", async () => {
    const h = await stringsHarness();
    await h.run("MSET", "a", "ohmytext", "b", "mynewtext");
    expect(await h.run("LCS", "a", "b")).toBe("mytext");
    expect(await h.run("LCS", "a", "b", "LEN")).toBe(6);
    // Replies recorded from redis-server (RESP2: the map is a flat array).
    expect(await h.run("LCS", "a", "b", "IDX")).toEqual([
      "matches",
      [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
      "len",
      6,
    ]);
    expect(await h.run("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).toEqual([
      "matches",
      [[[4, 7], [5, 8], 4]],
      "len",
      6,
    ]);
    await h.run("HELLO", "3");
    expect(await h.run("LCS", "a", "b", "IDX", "MINMATCHLEN", "4")).toEqual(
      new Map<unknown, unknown>([["matches", [[[4, 7], [5, 8]]]], ["len", 6]]),
    );
    expect(await h.run("LCS", "a", "nokey")).toBe("");
    expect(await h.run("LCS", "nokey", "nokey2", "LEN")).toBe(0);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    await h.run("MSET", "a", "x", "b", "y");
    expect(await h.run("LCS", "a", "b", "LEN", "IDX")).toBe(
      "ERR If you want both the length and indexes, please just use IDX.",
    );
    expect(await h.run("LCS", "a", "b", "FOO")).toBe("ERR syntax error");
    expect(await h.run("LCS", "a", "b", "MINMATCHLEN")).toBe("ERR syntax error");
    expect(await h.run("LCS", "a", "b", "MINMATCHLEN", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    h.addOther("l");
    expect(await h.run("LCS", "a", "l")).toBe("ERR The specified keys must contain string values");
    h.m.server.settings.protoMaxBulkLen = 100;
    await h.run("MSET", "a", "x".repeat(10), "b", "y".repeat(10));
    expect(await h.run("LCS", "a", "b")).toBe(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  });
});

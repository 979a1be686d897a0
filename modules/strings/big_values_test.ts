import { describe, expect, test } from "bun:test";
import { BIG, byteReader, dropIdleEdits, editBytes } from "./big_values.ts";
import { patchBytes } from "./common.ts";
import { stringsHarness } from "./test_util.ts";

describe("chunked edits of big values", () => {
  test("editBytes gives the same bytes as a plain copy, through growth and re-cuts", async () => {
    const h = await stringsHarness();
    let mine = "";
    let plain = "";
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      // Grow by up to 64KB at a time, up to a few MB, with a few scattered writes each.
      const length = Math.max(mine.length, rnd(2) ? mine.length + rnd(65536) : mine.length);
      const changes = new Map<number, number>();
      for (let k = 0; k < 3; k++) changes.set(rnd(Math.max(1, length)), rnd(256));
      mine = editBytes(h.db, { key: "k", old: mine, length: Math.max(length, 1), changes });
      plain = patchBytes(plain, Math.max(length, 1), changes);
      h.db.setKey("k", mine);
      const at = byteReader(h.db, "k", mine);
      for (const i of changes.keys()) expect(at(i)).toBe(plain.charCodeAt(i));
      expect(at(mine.length + 5)).toBe(0);
    }
    expect(mine.length).toBe(plain.length);
    expect(mine.length).toBeGreaterThan(BIG);
    expect(mine === plain).toBe(true);
  });

  test("a value replaced by another write is not edited from stale chunks", async () => {
    const h = await stringsHarness();
    const big = "a".repeat(BIG * 2);
    const first = editBytes(h.db, {
      key: "k",
      old: big,
      length: big.length,
      changes: new Map([[0, 98]]),
    });
    expect(first[0]).toBe("b");
    // Someone else stores a different value of the same length under the key.
    const other = "c".repeat(BIG * 2);
    const next = editBytes(h.db, {
      key: "k",
      old: other,
      length: other.length,
      changes: new Map([[1, 100]]),
    });
    expect(next.slice(0, 3)).toBe("cdc");
    expect(byteReader(h.db, "k", next)(0)).toBe(99);
    dropIdleEdits(Infinity);
    expect(byteReader(h.db, "k", next)(1)).toBe(100);
  });

  test("SETBIT, GETBIT and BITFIELD on a multi-megabyte bitmap", async () => {
    const h = await stringsHarness();
    const top = 3 * 8 * 1024 * 1024;
    expect(await h.run("SETBIT", "bm", String(top), "1")).toBe(0);
    for (let i = 0; i < 50; i++) {
      expect(await h.run("SETBIT", "bm", String(i * 99991), "1")).toBe(0);
    }
    for (let i = 0; i < 50; i++) expect(await h.run("GETBIT", "bm", String(i * 99991))).toBe(1);
    expect(await h.run("GETBIT", "bm", "1")).toBe(0);
    expect(await h.run("BITFIELD", "bm", "INCRBY", "u8", "#100", "7", "GET", "u8", "#100")).toEqual(
      [7, 7],
    );
    expect(await h.run("BITCOUNT", "bm")).toBe(51 + 3);
    expect(await h.run("STRLEN", "bm")).toBe(3 * 1024 * 1024 + 1);
    // A plain write in between is seen by the next SETBIT.
    await h.run("SETRANGE", "bm", "0", "\x00");
    expect(await h.run("GETBIT", "bm", "0")).toBe(0);
    expect(await h.run("SETBIT", "bm", "7", "1")).toBe(0);
    expect(await h.run("GETRANGE", "bm", "0", "0")).toBe("\x01");
  });
});

import { describe, expect, test } from "bun:test";
import { stringsHarness } from "./test_util.ts";
import { bitop, countBits, findBit } from "./bits.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** A small deterministic PRNG (xorshift32) so failures replay. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function bitAt(s: string, i: number): number {
  return (s.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
}

describe("bit scanning helpers", () => {
  test("countBits and findBit agree with a bit-by-bit scan", () => {
    const r = rng(12345);
    for (let round = 0; round < 300; round++) {
      const len = 1 + Math.floor(r() * 12);
      let s = "";
      for (let i = 0; i < len; i++) {
        s += String.fromCharCode([0, 255, Math.floor(r() * 256)][Math.floor(r() * 3)]);
      }
      const first = Math.floor(r() * len * 8);
      const last = first + Math.floor(r() * (len * 8 - first));
      let ones = 0;
      let firstOne = -1;
      let firstZero = -1;
      for (let i = first; i <= last; i++) {
        const b = bitAt(s, i);
        ones += b;
        if (b && firstOne < 0) firstOne = i;
        if (!b && firstZero < 0) firstZero = i;
      }
      expect(countBits(s, first, last)).toBe(ones);
      expect(findBit(s, 1, { first, last })).toBe(firstOne);
      expect(findBit(s, 0, { first, last })).toBe(firstZero);
    }
  });

  test("bitop pads shorter inputs with zeros", () => {
    expect(bitop("AND", ["\xff\xff", "\x0f"])).toBe("\x0f\x00");
    expect(bitop("OR", ["\x01", "\x02\x04"])).toBe("\x03\x04");
    expect(bitop("XOR", ["\xff", "\x0f", "\x01"])).toBe("\xf1");
    expect(bitop("NOT", ["\x0f\xf0"])).toBe("\xf0\x0f");
  });
});

describe("SETBIT and GETBIT", () => {
  test("set, clear, grow; events only on change", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETBIT", "k", "1", "1")).toBe(0);
    expect(await h.raw("GET", "k")).toBe("\x40");
    expect(await h.run("SETBIT", "k", "1", "1")).toBe(1);
    expect(h.events).toEqual(["$:setbit:k"]);
    expect(await h.run("SETBIT", "k", "1", "0")).toBe(1);
    expect(await h.run("SETBIT", "k", "23", "0")).toBe(0);
    expect(await h.raw("GET", "k")).toBe("\0\0\0");
    expect(h.events.length).toBe(3);
    expect(await h.run("GETBIT", "k", "1")).toBe(0);
    await h.run("SET", "k", "`");
    expect(await h.run("GETBIT", "k", "1")).toBe(1);
    expect(await h.run("GETBIT", "k", "2")).toBe(1);
    expect(await h.run("GETBIT", "k", "3")).toBe(0);
    expect(await h.run("GETBIT", "k", "100")).toBe(0);
    expect(await h.run("GETBIT", "nokey", "0")).toBe(0);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    const offErr = "ERR bit offset is not an integer or out of range";
    const bitErr = "ERR bit is not an integer or out of range";
    expect(await h.run("SETBIT", "k", String(4 * 1024 * 1024 * 1024), "1")).toBe(offErr);
    expect(await h.run("SETBIT", "k", "-1", "1")).toBe(offErr);
    expect(await h.run("GETBIT", "k", "x")).toBe(offErr);
    for (const v of ["-1", "2", "x"]) expect(await h.run("SETBIT", "k", "0", v)).toBe(bitErr);
    h.addOther("l");
    expect(await h.run("SETBIT", "l", "0", "1")).toBe(WRONGTYPE);
    expect(await h.run("GETBIT", "l", "0")).toBe(WRONGTYPE);
  });

  test("setting bits on a big bitmap stays fast", async () => {
    const h = await stringsHarness();
    await h.run("SETBIT", "big", String(8 * 1024 * 1024 - 1), "1");
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await h.run("SETBIT", "big", String(i * 40000), "1");
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await h.run("BITCOUNT", "big")).toBe(201);
  });
});

describe("BITCOUNT and BITPOS", () => {
  test("BITCOUNT ranges in bytes and bits", async () => {
    const h = await stringsHarness();
    await h.raw("SET", "bm", Uint8Array.of(0xff, 0xf0));
    expect(await h.run("BITCOUNT", "bm")).toBe(12);
    expect(await h.run("BITCOUNT", "bm", "0", "0")).toBe(8);
    expect(await h.run("BITCOUNT", "bm", "4", "11", "BIT")).toBe(8);
    expect(await h.run("BITCOUNT", "bm", "-5", "-1", "bit")).toBe(1);
    expect(await h.run("BITCOUNT", "bm", "-1", "-3")).toBe(0);
    expect(await h.run("BITCOUNT", "bm", "1", "-1", "byte")).toBe(4);
    expect(await h.run("BITCOUNT", "nokey", "0", "-1")).toBe(0);
    expect(await h.run("BITCOUNT", "bm", "0")).toBe("ERR syntax error");
    expect(await h.run("BITCOUNT", "bm", "0", "1", "WORD")).toBe("ERR syntax error");
    expect(await h.run("BITCOUNT", "bm", "a", "1")).toBe(
      "ERR value is not an integer or out of range",
    );
  });

  test("BITPOS", async () => {
    const h = await stringsHarness();
    await h.raw("SET", "bm", Uint8Array.of(0xff, 0xf0));
    await h.raw("SET", "ones", Uint8Array.of(0xff, 0xff));
    const cases: [string[], number][] = [
      [["bm", "0"], 12],
      [["bm", "1"], 0],
      [["bm", "0", "0", "0"], -1],
      [["bm", "0", "0", "-1"], 12],
      [["bm", "1", "2"], -1],
      [["bm", "0", "1", "1", "bit"], -1],
      [["bm", "0", "12", "15", "BIT"], 12],
      [["bm", "0", "-3", "-1", "bit"], 13],
      [["bm", "1", "5", "3", "bit"], -1],
      [["nokey", "0"], 0],
      [["nokey", "1"], -1],
      // Without an explicit end, the bits after the value count as zeros.
      [["ones", "0"], 16],
      [["ones", "0", "0"], 16],
      [["ones", "0", "0", "-1"], -1],
      [["ones", "0", "0", "15", "bit"], -1],
    ];
    for (const [args, want] of cases) {
      expect([args, await h.run("BITPOS", ...args)]).toEqual([args, want]);
    }
    expect(await h.run("BITPOS", "bm", "2")).toBe("ERR The bit argument must be 1 or 0.");
    expect(await h.run("BITPOS", "bm", "1", "0", "1", "bit", "x")).toBe("ERR syntax error");
    expect(await h.run("BITPOS", "bm", "1", "0", "1", "x")).toBe("ERR syntax error");
  });

  test("BITCOUNT over a 4MB value is quick", async () => {
    const h = await stringsHarness();
    await h.run("SETBIT", "big", String(4 * 8 * 1024 * 1024 - 1), "1");
    const t0 = performance.now();
    expect(await h.run("BITCOUNT", "big")).toBe(1);
    expect(await h.run("BITPOS", "big", "1")).toBe(4 * 8 * 1024 * 1024 - 1);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("BITOP", () => {
  test("stores the result, deletes the destination when all inputs are empty", async () => {
    const h = await stringsHarness();
    await h.raw("SET", "a", Uint8Array.of(0xff, 0x0f));
    await h.raw("SET", "b", Uint8Array.of(0x0f));
    h.clear();
    expect(await h.run("BITOP", "and", "d", "a", "b")).toBe(2);
    expect(await h.raw("GET", "d")).toBe("\x0f\x00");
    expect(await h.run("BITOP", "NOT", "d", "b")).toBe(1);
    expect(await h.raw("GET", "d")).toBe("\xf0");
    expect(await h.run("BITOP", "OR", "d", "nokey", "nokey2")).toBe(0);
    expect(h.db.exists("d")).toBe(false);
    expect(h.events).toEqual([
      "$:set:d",
      "$:set:d",
      "m:keymiss:nokey",
      "m:keymiss:nokey2",
      "g:del:d",
    ]);
    expect(await h.run("BITOP", "OR", "d", "nokey")).toBe(0);
    expect(h.events.length).toBe(6);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    h.addOther("l");
    expect(await h.run("BITOP", "NAND", "d", "a")).toBe("ERR syntax error");
    expect(await h.run("BITOP", "NOT", "d", "a", "b")).toBe(
      "ERR BITOP NOT must be called with a single source key.",
    );
    expect(await h.run("BITOP", "AND", "d", "a", "l")).toBe(WRONGTYPE);
  });
});

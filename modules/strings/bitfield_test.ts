import { describe, expect, test } from "bun:test";
import { fitField, readField } from "./bitfield.ts";
import { stringsHarness } from "./test_util.ts";

const TYPE_ERR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

describe("field arithmetic", () => {
  test("readField reads across byte boundaries", () => {
    const bytes = [0xab, 0xcd, 0xef];
    const at = (i: number) => bytes[i] ?? 0;
    expect(readField(at, 4, 8)).toBe(0xbcn);
    expect(readField(at, 0, 24)).toBe(0xabcdefn);
    expect(readField(at, 20, 8)).toBe(0xf0n);
  });

  test("fitField overflow modes", () => {
    expect(fitField(250n, 10n, { signed: false, bits: 8, overflow: "WRAP" })).toBe(4n);
    expect(fitField(250n, 10n, { signed: false, bits: 8, overflow: "SAT" })).toBe(255n);
    expect(fitField(250n, 10n, { signed: false, bits: 8, overflow: "FAIL" })).toBe(null);
    expect(fitField(3n, -10n, { signed: false, bits: 8, overflow: "SAT" })).toBe(0n);
    expect(fitField(100n, 100n, { signed: true, bits: 8, overflow: "WRAP" })).toBe(-56n);
    expect(fitField(-100n, -100n, { signed: true, bits: 8, overflow: "SAT" })).toBe(-128n);
    expect(fitField(9223372036854775807n, 1n, { signed: true, bits: 64, overflow: "WRAP" })).toBe(
      -9223372036854775808n,
    );
    // Redis's int64 arithmetic makes this SET saturate upwards.
    expect(fitField(-9223372036854775808n, 0n, { signed: true, bits: 1, overflow: "SAT" })).toBe(
      0n,
    );
  });
});

describe("BITFIELD", () => {
  test("a sequence of operations replies like redis-server", async () => {
    const h = await stringsHarness();
    // Replies recorded from redis-server for this exact sequence on one key.
    const steps: [string[], unknown][] = [
      [["SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u8", "0"], [0, -100, 156]],
      [["INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"], [1, 1]],
      [["OVERFLOW", "FAIL", "INCRBY", "u2", "102", "10", "GET", "u2", "102"], [null, 1]],
      [["OVERFLOW", "WRAP", "INCRBY", "i8", "0", "-100"], [56]],
      [
        ["SET", "u63", "#1", "-1", "OVERFLOW", "SAT", "SET", "u63", "#1", "-1", "GET", "u63", "#1"],
        [
          20971520,
          9223372036854775807n,
          9223372036854775807n,
        ],
      ],
      [[
        "SET",
        "i64",
        "0",
        "-9223372036854775808",
        "INCRBY",
        "i64",
        "0",
        "-1",
        "OVERFLOW",
        "SAT",
        "INCRBY",
        "i64",
        "0",
        "-1",
      ], [
        4035225266123964417n,
        9223372036854775807n,
        9223372036854775806n,
      ]],
      [["OVERFLOW", "SAT", "SET", "i1", "74", "-9223372036854775808", "GET", "i1", "74"], [-1, 0]],
    ];
    for (const [args, want] of steps) {
      expect([args, await h.run("BITFIELD", "bf", ...args)]).toEqual([args, want]);
    }
    expect(await h.run("BITFIELD_RO", "bf", "GET", "i4", "#3")).toEqual([-1]);
    expect(await h.run("BITFIELD", "nokey", "GET", "i8", "0")).toEqual([0]);
    expect(h.db.exists("nokey")).toBe(false);
  });

  test("events, growth and failed writes", async () => {
    const h = await stringsHarness();
    expect(await h.run("BITFIELD", "k", "SET", "u8", "#2", "255")).toEqual([0]);
    expect(await h.raw("GET", "k")).toBe("\0\0\xff");
    expect(h.events).toEqual(["$:setbit:k"]);
    h.clear();
    // No change: no event, no propagation.
    expect(await h.run("BITFIELD", "k", "SET", "u8", "#2", "255")).toEqual([255]);
    expect(h.events).toEqual([]);
    expect(h.propagated).toEqual([]);
    // Like Redis, a failed write still creates the (zeroed) value, silently.
    expect(await h.run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "8", "9")).toEqual([
      null,
    ]);
    expect(await h.raw("GET", "f")).toBe("\0\0");
    expect(h.events).toEqual([]);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    expect(await h.run("BITFIELD_RO", "k", "SET", "i4", "0", "1")).toBe(
      "ERR BITFIELD_RO only supports the GET subcommand",
    );
    expect(await h.run("BITFIELD", "k", "GET", "u64", "0")).toBe(TYPE_ERR);
    expect(await h.run("BITFIELD", "k", "GET", "i65", "0")).toBe(TYPE_ERR);
    expect(await h.run("BITFIELD", "k", "GET", "x8", "0")).toBe(TYPE_ERR);
    expect(await h.run("BITFIELD", "k", "GET", "i8", "-1")).toBe(
      "ERR bit offset is not an integer or out of range",
    );
    expect(await h.run("BITFIELD", "k", "OVERFLOW", "xx")).toBe(
      "ERR Invalid OVERFLOW type specified",
    );
    expect(await h.run("BITFIELD", "k", "GET", "i8")).toBe("ERR syntax error");
    expect(await h.run("BITFIELD", "k", "SET", "i8", "0", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    // A bad operation anywhere means nothing runs.
    expect(await h.run("BITFIELD", "k", "SET", "i8", "0", "1", "GET", "i8")).toBe(
      "ERR syntax error",
    );
    expect(h.db.exists("k")).toBe(false);
    h.addOther("l");
    expect(await h.run("BITFIELD", "l", "GET", "i8", "0")).toContain("WRONGTYPE");
  });
});

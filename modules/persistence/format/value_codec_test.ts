import { describe, expect, test } from "bun:test";
import { ByteReader, ByteWriter } from "./bytes.ts";
import { listpackDecode, listpackEncode } from "./listpack.ts";
import {
  RDB_TYPE_MIN_VERSION,
  RdbType,
  readBlob,
  writeBlob,
  writeLength,
  writeMillis,
  writeString,
  writeStringDouble,
} from "./rdb_primitives.ts";
import {
  formatScore,
  parseScore,
  readValue,
  type ValueWriteOptions,
  writeValue,
} from "./value_codec.ts";
import type { HashValue, RdbValue } from "./values.ts";

function roundTrip(
  value: RdbValue,
  options: ValueWriteOptions = {},
): { type: number; back: RdbValue; size: number } {
  const w = new ByteWriter();
  const type = writeValue(w, value, options);
  const bytes = w.finish();
  const r = new ByteReader(bytes);
  const back = readValue(r, type);
  expect(r.atEnd()).toBe(true);
  if ((RDB_TYPE_MIN_VERSION[type] ?? 1) > (options.rdbVersion ?? 12)) {
    throw new Error(`type ${type} too new`);
  }
  return { type, back, size: bytes.length };
}

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe("value encoding choices", () => {
  test("strings and lists", () => {
    expect(roundTrip({ kind: "string", value: "x\0y" })).toMatchObject({
      type: RdbType.STRING,
      back: { value: "x\0y" },
    });
    const items = range(5000, (i) => (i % 2 ? String(i) : `el-${i}`));
    const { type, back } = roundTrip({ kind: "list", items }, { rdbVersion: 10 });
    expect(type).toBe(RdbType.LIST_QUICKLIST_2);
    expect(back).toEqual({ kind: "list", items });
  });

  test("list nodes follow list-max-listpack-size", () => {
    const items = range(10, String);
    const w = new ByteWriter();
    writeValue(w, { kind: "list", items }, { listMaxListpackSize: 3, compress: false });
    expect(w.finish()[0]).toBe(4); // 4 nodes of at most 3 entries
    const w2 = new ByteWriter();
    writeValue(w2, { kind: "list", items: range(3000, () => "x".repeat(10)) }, { compress: false });
    expect(w2.finish()[0]).toBe(5); // 8 KB nodes: ~12 bytes per entry → 5 nodes
  });

  test("sets: intset, listpack (RDB 11+), plain", () => {
    expect(roundTrip({ kind: "set", members: ["1", "-2"] }).type).toBe(RdbType.SET_INTSET);
    expect(roundTrip({ kind: "set", members: ["a", "1"] }).type).toBe(RdbType.SET_LISTPACK);
    expect(roundTrip({ kind: "set", members: ["a", "1"] }, { rdbVersion: 10 }).type).toBe(
      RdbType.SET,
    );
    expect(roundTrip({ kind: "set", members: range(600, String) }).type).toBe(RdbType.SET);
    expect(roundTrip({ kind: "set", members: range(200, (i) => `m${i}`) }).type).toBe(RdbType.SET);
    expect(roundTrip({ kind: "set", members: ["x".repeat(65)] }).type).toBe(RdbType.SET);
    const members = range(300, (i) => `member:${i}`);
    expect(roundTrip({ kind: "set", members }).back).toEqual({ kind: "set", members });
  });

  test("zsets: sorted listpack when small, binary doubles when big", () => {
    const entries: [string, number][] = [["b", 2], ["a", 2], ["z", -Infinity], ["n", -0], [
      "f",
      0.1,
    ], ["i", Infinity]];
    const small = roundTrip({ kind: "zset", entries });
    expect(small.type).toBe(RdbType.ZSET_LISTPACK);
    expect(small.back).toEqual({
      kind: "zset",
      entries: [["z", -Infinity], ["n", -0], ["f", 0.1], ["a", 2], ["b", 2], ["i", Infinity]],
    });
    const big = range(200, (i) => `m${i}`).map((m, i): [string, number] => [m, i * 1.25]);
    expect(roundTrip({ kind: "zset", entries: big })).toMatchObject({
      type: RdbType.ZSET_2,
      back: { entries: big },
    });
    expect(roundTrip({ kind: "zset", entries: [["x".repeat(65), 1]] }).type).toBe(RdbType.ZSET_2);
  });

  test("score text as Redis writes and strtod reads it", () => {
    expect([2, -0, 1.5, Infinity, -Infinity, 1e300].map(formatScore)).toEqual([
      "2",
      "-0",
      "1.5",
      "inf",
      "-inf",
      "1e+300",
    ]);
    expect(["inf", "-inf", "+inf", "Infinity", "-INFINITY", "3.25", "1e3"].map(parseScore)).toEqual(
      [
        Infinity,
        -Infinity,
        Infinity,
        Infinity,
        -Infinity,
        3.25,
        1000,
      ],
    );
    expect(parseScore("abc")).toBeNaN();
  });

  test("hashes: listpack or plain; refuses TTLs before RDB 12", () => {
    const small: HashValue = { kind: "hash", entries: [["f", "v"], ["n", "1"]] };
    expect(roundTrip(small)).toMatchObject({ type: RdbType.HASH_LISTPACK, back: small });
    const big: HashValue = {
      kind: "hash",
      entries: range(129, (i) => `f${i}`).map((f): [string, string] => [f, "v"]),
    };
    expect(roundTrip(big)).toMatchObject({ type: RdbType.HASH, back: big });
    const ttl: HashValue = { kind: "hash", entries: [["f", "v", 1700000000000]] };
    expect(() => roundTrip(ttl, { rdbVersion: 11 })).toThrow(/need RDB version 12/);
  });

  test("hash field TTLs: listpack-ex sorted by expiry, metadata relative to the minimum", () => {
    const entries: HashValue["entries"] = [["a", "1"], ["b", "2", 1800000000500], [
      "c",
      "3",
      1800000000000,
    ], ["d", "4"]];
    const small = roundTrip({ kind: "hash", entries });
    expect(small.type).toBe(RdbType.HASH_LISTPACK_EX);
    expect(small.back).toEqual({
      kind: "hash",
      entries: [entries[2], entries[1], entries[0], entries[3]],
    });
    const w = new ByteWriter();
    writeValue(w, { kind: "hash", entries });
    const r = new ByteReader(w.finish());
    expect(Number(r.i64le("min"))).toBe(1800000000000);
    expect(listpackDecode(readBlob(r)).filter((_, i) => i % 3 === 2)).toEqual([
      "1800000000000",
      "1800000000500",
      "0",
      "0",
    ]);

    const many: HashValue["entries"] = range(200, (i) => `f${i}`).map((
      f,
      i,
    ) => (i % 2 ? [f, "v", 1800000000000 + i] : [f, "v"]));
    const big = roundTrip({ kind: "hash", entries: many });
    expect(big.type).toBe(RdbType.HASH_METADATA);
    expect(big.back).toEqual({ kind: "hash", entries: many });
  });

  test("old and pre-GA forms decode", () => {
    const w = new ByteWriter();
    writeLength(w, 2); // ZSET type 3: string scores
    writeString(w, "a"),
      writeStringDouble(w, 1.5),
      writeString(w, "b"),
      writeStringDouble(w, -Infinity);
    expect(readValue(new ByteReader(w.drain()), RdbType.ZSET)).toEqual({
      kind: "zset",
      entries: [["a", 1.5], ["b", -Infinity]],
    });
    writeLength(w, 2); // HASH_METADATA_PRE_GA: absolute TTLs, no min
    writeLength(w, 0), writeString(w, "f"), writeString(w, "v");
    writeLength(w, 1800000000000), writeString(w, "g"), writeString(w, "w");
    expect(readValue(new ByteReader(w.drain()), RdbType.HASH_METADATA_PRE_GA)).toEqual({
      kind: "hash",
      entries: [["f", "v"], ["g", "w", 1800000000000]],
    });
    writeBlob(w, listpackEncode(["f", "v", "0"])); // LISTPACK_EX_PRE_GA: no min expire prefix
    expect(readValue(new ByteReader(w.drain()), RdbType.HASH_LISTPACK_EX_PRE_GA)).toEqual({
      kind: "hash",
      entries: [["f", "v"]],
    });
    writeMillis(w, 5); // LISTPACK_EX with a bad TTL entry
    writeBlob(w, listpackEncode(["f", "v", "soon"]));
    expect(() => readValue(new ByteReader(w.drain()), RdbType.HASH_LISTPACK_EX)).toThrow(
      /bad hash field TTL/,
    );
  });

  test("quicklist: plain nodes and skipped empty nodes", () => {
    const w = new ByteWriter();
    writeLength(w, 3);
    writeLength(w, 1), writeString(w, "plain-element");
    writeLength(w, 2), writeBlob(w, listpackEncode([]));
    writeLength(w, 2), writeBlob(w, listpackEncode(["a", "7"]));
    expect(readValue(new ByteReader(w.drain()), RdbType.LIST_QUICKLIST_2)).toEqual({
      kind: "list",
      items: ["plain-element", "a", "7"],
    });
    writeLength(w, 1), writeLength(w, 3), writeString(w, "x");
    expect(() => readValue(new ByteReader(w.drain()), RdbType.LIST_QUICKLIST_2)).toThrow(
      /bad quicklist container 3/,
    );
  });

  test("unknown type codes and bad versions", () => {
    expect(() => readValue(new ByteReader(new Uint8Array([0])), 8)).toThrow(/unknown value type 8/);
    expect(() => writeValue(new ByteWriter(), { kind: "string", value: "" }, { rdbVersion: 9 }))
      .toThrow(/10\.\.12/);
  });
});

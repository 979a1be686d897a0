import { describe, expect, test } from "bun:test";
import { Stream } from "./stream.ts";
import { IdIndex } from "./id_index.ts";
import {
  compareIds,
  formatId,
  MAX_ID,
  MIN_ID,
  nextId,
  parseId,
  parseRangeBound,
  prevId,
  U64_MAX,
} from "./stream_id.ts";
import { lpStringSize } from "./listpack_size.ts";

const LIMITS = { nodeMaxBytes: 4096, nodeMaxEntries: 100 };
const id = (s: string) => parseId(s);

function filled(n: number, limits = LIMITS): Stream {
  const s = new Stream();
  for (let i = 1; i <= n; i++) s.append({ ms: i, seq: 0 }, ["f", String(i)], 0, limits);
  return s;
}

function ids(s: Stream, rev = false, start = MIN_ID, end = MAX_ID): string[] {
  const out: string[] = [];
  s.range(start, end, rev, (i) => {
    out.push(formatId(i));
  });
  return out;
}

describe("stream IDs", () => {
  test("parse, compare, neighbours, huge values", () => {
    expect(id("5")).toEqual({ ms: 5, seq: 0 });
    expect(parseId("5", { missingSeq: U64_MAX })).toEqual({ ms: 5, seq: U64_MAX });
    expect(id("18446744073709551615-18446744073709551615")).toEqual(MAX_ID);
    expect(() => id("18446744073709551616-0")).toThrow("Invalid stream ID");
    expect(() => id("-1")).toThrow("Invalid stream ID");
    expect(() => id("+")).toThrow("Invalid stream ID");
    expect(() => id("1-x")).toThrow("Invalid stream ID");
    expect(compareIds(id("9007199254740993-0"), id("9007199254740992-5"))).toBe(1);
    expect(nextId({ ms: 1, seq: U64_MAX })).toEqual({ ms: 2, seq: 0 });
    expect(nextId(MAX_ID)).toBeNull();
    expect(prevId({ ms: 2, seq: 0 })).toEqual({ ms: 1, seq: U64_MAX });
    expect(prevId(MIN_ID)).toBeNull();
    expect(parseRangeBound("(1-1", "start")).toEqual({ ms: 1, seq: 2 });
    expect(parseRangeBound("(5", "end")).toEqual({ ms: 5, seq: U64_MAX - 1n });
    expect(() => parseRangeBound("(0-0", "end")).toThrow("invalid end ID for the interval");
    expect(() => parseRangeBound("(+", "end")).toThrow("Invalid stream ID");
  });

  test("listpack sizes follow the integer and string encodings", () => {
    expect(lpStringSize("1")).toBe(2);
    expect(lpStringSize("-100")).toBe(3);
    expect(lpStringSize("01")).toBe(4);
    expect(lpStringSize("x".repeat(100))).toBe(103);
    expect(lpStringSize("x".repeat(200))).toBe(204);
  });
});

describe("Stream", () => {
  test("read counters missing from old files (RDB < 10) are estimated on load, as Redis does", () => {
    const group = (name: string, lastId: string) => ({
      name,
      lastId,
      entriesRead: null,
      pending: [],
      consumers: [],
    });
    const s = Stream.fromRdb({
      kind: "stream",
      entries: [{ id: "5-0", fields: [["data", "e"]] }, { id: "6-0", fields: [["data", "f"]] }],
      lastId: "6-0",
      firstId: "5-0",
      maxDeletedId: "0-0",
      entriesAdded: 2,
      groups: [group("g1", "5-0"), group("g2", "0-0")],
    }, { nodeMaxBytes: 4096, nodeMaxEntries: 100 });
    expect(s.toRdb(false).groups.map((g) => g.entriesRead)).toEqual([1, 0]);
  });

  test("appends split into blocks by entry count and by bytes", () => {
    expect(filled(250).blockCount).toBe(3);
    const big = new Stream();
    for (let i = 1; i <= 10; i++) big.append({ ms: i, seq: 0 }, ["f", "x".repeat(1000)], 0, LIMITS);
    expect(big.blockCount).toBe(3); // as redis-server 7.0 splits them
    expect(filled(250, { nodeMaxBytes: 0, nodeMaxEntries: 0 }).blockCount).toBe(1);
  });

  test("ranges forward and backward across blocks, with bounds", () => {
    const s = filled(250);
    expect(ids(s).length).toBe(250);
    expect(ids(s, true).slice(0, 2)).toEqual(["250-0", "249-0"]);
    expect(ids(s, false, id("99"), id("102"))).toEqual(["99-0", "100-0", "101-0", "102-0"]);
    expect(ids(s, true, id("99"), id("102"))).toEqual(["102-0", "101-0", "100-0", "99-0"]);
    expect(ids(s, false, id("300"), MAX_ID)).toEqual([]);
    expect(s.get(id("150"))).toEqual(["f", "150"]);
    expect(s.get(id("150-1"))).toBeUndefined();
  });

  test("entries with other fields than the block's first one, and huge IDs", () => {
    const s = new Stream();
    s.append(id("1-0"), ["a", "1", "b", "2"], 0, LIMITS);
    s.append(id("1-5"), ["c", "3"], 0, LIMITS);
    s.append(id("18446744073709551615-0"), ["a", "4", "b", "\x00\xff"], 0, LIMITS);
    s.append(MAX_ID, ["", ""], 0, LIMITS);
    const all: unknown[] = [];
    s.range(MIN_ID, MAX_ID, false, (i, f) => {
      all.push([formatId(i), f]);
    });
    expect(all).toEqual([
      ["1-0", ["a", "1", "b", "2"]],
      ["1-5", ["c", "3"]],
      ["18446744073709551615-0", ["a", "4", "b", "\x00\xff"]],
      ["18446744073709551615-18446744073709551615", ["", ""]],
    ]);
  });

  test("deletes leave tombstones and drop emptied blocks", () => {
    const s = filled(150);
    expect(s.delete(id("5"))).toBe(true);
    expect(s.delete(id("5"))).toBe(false);
    expect(s.length).toBe(149);
    for (let i = 101; i <= 150; i++) s.delete({ ms: i, seq: 0 });
    expect(s.blockCount).toBe(1);
    expect(s.lastLiveId()).toEqual(id("100"));
    s.append(id("151"), ["f", "v"], 0, LIMITS);
    expect(s.blockCount).toBe(2); // the first block is full (tombstones count)
    expect(ids(s, true).slice(0, 2)).toEqual(["151-0", "100-0"]);
  });

  test("trimming: exact MAXLEN, approximate MAXLEN by whole blocks, MINID, LIMIT", () => {
    const spec = { strategy: "maxlen" as const, maxlen: 0, minid: MIN_ID, approx: false, limit: 0 };
    let s = filled(250);
    expect(s.trim({ ...spec, maxlen: 120 })).toBe(130);
    expect(s.length).toBe(120);
    expect(formatId(s.firstId)).toBe("131-0");
    s = filled(250);
    expect(s.trim({ ...spec, maxlen: 120, approx: true })).toBe(100);
    expect(s.length).toBe(150);
    s = filled(250);
    expect(s.trim({ ...spec, maxlen: 0, approx: true, limit: 150 })).toBe(100);
    s = filled(250);
    expect(s.trim({ ...spec, strategy: "minid", minid: id("150") })).toBe(149);
    expect(ids(s)[0]).toBe("150-0");
  });

  test("group lag and read-counter estimates", () => {
    const s = filled(10);
    expect(s.estimateDistance(id("10"))).toBe(10);
    expect(s.estimateDistance(id("0-1"))).toBe(0);
    expect(s.estimateDistance(id("1"))).toBe(1);
    expect(s.estimateDistance(id("5"))).toBe(-1);
    s.delete(id("5"));
    s.maxDeletedId = id("5");
    expect(s.rangeHasTombstones(id("3"))).toBe(true);
    expect(s.rangeHasTombstones(id("6"))).toBe(false);
  });

  test("persistence form round trip and copies", () => {
    const s = filled(130);
    s.delete(id("3"));
    s.maxDeletedId = id("3");
    const back = Stream.fromRdb(s.toRdb(), LIMITS);
    expect(back.toRdb()).toEqual(s.toRdb());
    const c = s.copy();
    c.append(id("500"), ["x", "y"], 0, LIMITS);
    expect(s.length).toBe(129);
    expect(c.length).toBe(130);
  });
});

describe("IdIndex", () => {
  test("ordered inserts, deletes, seeks and deletion while iterating", () => {
    const m = new IdIndex<number>();
    const order = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    for (const i of order) m.set({ ms: i, seq: 0 }, i);
    expect(m.size).toBe(1000);
    expect(m.first()).toEqual({ ms: 0, seq: 0 });
    expect(m.last()).toEqual({ ms: 999, seq: 0 });
    const seen: number[] = [];
    m.forEachFrom({ ms: 500, seq: 1 }, (k, v) => {
      seen.push(v);
      if (v % 2 === 0) m.delete(k);
      return seen.length < 100;
    });
    expect(seen[0]).toBe(501);
    expect(seen.length).toBe(100);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 501 + i));
    expect(m.size).toBe(950);
    expect(m.get({ ms: 502, seq: 0 })).toBeUndefined();
    expect(m.get({ ms: 503, seq: 0 })).toBe(503);
  });
});

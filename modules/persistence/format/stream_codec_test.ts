import { describe, expect, test } from "bun:test";
import { ByteReader, ByteWriter, FormatError } from "./bytes.ts";
import { listpackDecode, listpackEncode } from "./listpack.ts";
import { RdbType, readBlob, writeBlob, writeLength } from "./rdb_primitives.ts";
import { parseStreamId, readStream, writeStream } from "./stream_codec.ts";
import type { StreamValue } from "./values.ts";

const U64_MAX = "18446744073709551615";

function sample(): StreamValue {
  const entries = Array.from({ length: 25 }, (_, i) => ({
    id: `${1700000000000 + Math.floor(i / 3)}-${i % 3}`,
    fields: i % 5 === 4
      ? [["other", String(i)]] as [string, string][]
      : [["temp", String(i)], ["unit", "C"]] as [string, string][],
  }));
  entries.push({ id: `1700000000009-${U64_MAX}`, fields: [["big", "seq"]] });
  entries.push({ id: `${U64_MAX}-0`, fields: [["temp", "x"], ["unit", "y"]] });
  return {
    kind: "stream",
    entries,
    lastId: `${U64_MAX}-0`,
    firstId: entries[0].id,
    maxDeletedId: "1699999999999-5",
    entriesAdded: 40,
    groups: [
      {
        name: "g1",
        lastId: entries[4].id,
        entriesRead: 5,
        pending: [
          { id: entries[1].id, deliveryTime: 1700000000100, deliveryCount: 2 },
          { id: entries[3].id, deliveryTime: 1700000000200, deliveryCount: 1 },
        ],
        consumers: [
          {
            name: "alice",
            seenTime: 1700000000300,
            activeTime: 1700000000250,
            pending: [entries[1].id],
          },
          {
            name: "bob",
            seenTime: 1700000000400,
            activeTime: 1700000000400,
            pending: [entries[3].id],
          },
        ],
      },
      { name: "g2", lastId: "0-0", entriesRead: -1, pending: [], consumers: [] },
    ],
  };
}

function encode(s: StreamValue, type: number, opts = {}): Uint8Array {
  const w = new ByteWriter();
  writeStream(w, s, type, opts);
  return w.finish();
}

describe("streams", () => {
  test("v3 round trip, with 64-bit IDs and negative seq deltas", () => {
    const s = sample();
    const r = new ByteReader(encode(s, RdbType.STREAM_LISTPACKS_3));
    expect(readStream(r, RdbType.STREAM_LISTPACKS_3)).toEqual(s);
    expect(r.atEnd()).toBe(true);
  });

  test("v2 drops consumer active times (Redis 7.0 form)", () => {
    const s = sample();
    const back = readStream(
      new ByteReader(encode(s, RdbType.STREAM_LISTPACKS_2)),
      RdbType.STREAM_LISTPACKS_2,
    );
    for (const c of s.groups[0].consumers) c.activeTime = c.seenTime;
    expect(back).toEqual(s);
  });

  test("nodes split by entry count and bytes; same-field entries are compressed", () => {
    const s = sample();
    const bytes = encode(s, RdbType.STREAM_LISTPACKS_3, { nodeMaxEntries: 10, compress: false });
    const r = new ByteReader(bytes);
    expect(r.u8("nodes")).toBe(3);
    readBlob(r);
    const node = listpackDecode(readBlob(r));
    // master: count 10, deleted 0, 2 fields temp/unit, 0; entry 2: flags SAMEFIELDS, deltas, values, lp-count 5
    expect(node.slice(0, 6)).toEqual(["10", "0", "2", "temp", "unit", "0"]);
    expect(node.slice(6, 12)).toEqual(["2", "0", "0", "0", "C", "5"]);
    const bySize = encode(s, RdbType.STREAM_LISTPACKS_3, { nodeMaxBytes: 100, compress: false });
    expect(bySize[0]).toBeGreaterThan(3);
    expect(readStream(new ByteReader(bySize), RdbType.STREAM_LISTPACKS_3)).toEqual(s);
  });

  test("v1 (Redis 5/6): first ID derived, deleted entries skipped", () => {
    const w = new ByteWriter();
    writeLength(w, 1);
    const key = new ByteWriter();
    key.u64be(10n), key.u64be(0n);
    writeBlob(w, key.finish());
    // master (1 live, 1 deleted, field "f"), a deleted entry 10-0 and a live one 12-3
    writeBlob(
      w,
      listpackEncode(["1", "1", "1", "f", "0", "3", "0", "0", "a", "4", "2", "2", "3", "b", "4"]),
    );
    writeLength(w, 1), writeLength(w, 12), writeLength(w, 3);
    writeLength(w, 0);
    const s = readStream(new ByteReader(w.finish()), RdbType.STREAM_LISTPACKS);
    expect(s).toEqual({
      kind: "stream",
      entries: [{ id: "12-3", fields: [["f", "b"]] }],
      lastId: "12-3",
      firstId: "12-3",
      maxDeletedId: "0-0",
      entriesAdded: 1,
      groups: [],
    });
  });

  test("inconsistencies are refused", () => {
    const bytes = encode(sample(), RdbType.STREAM_LISTPACKS_3, { compress: false });
    const s = sample();
    s.groups[0].consumers[1].pending = [s.groups[0].consumers[0].pending[0]];
    const owned = encode(s, RdbType.STREAM_LISTPACKS_3);
    expect(() => readStream(new ByteReader(owned), RdbType.STREAM_LISTPACKS_3)).toThrow(
      /owned twice/,
    );
    const badKey = bytes.slice();
    badKey[1] = 15; // node key length 15
    expect(() => readStream(new ByteReader(badKey), RdbType.STREAM_LISTPACKS_3)).toThrow(
      FormatError,
    );
    expect(() => parseStreamId("1-x")).toThrow(/bad stream ID/);
    expect(() => parseStreamId(`${U64_MAX}1-0`)).toThrow(/bad stream ID/);
    const unordered = sample();
    unordered.entries.reverse();
    expect(() => encode(unordered, RdbType.STREAM_LISTPACKS_3)).toThrow(/out of order/);
  });
});

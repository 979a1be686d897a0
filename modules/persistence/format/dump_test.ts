import { describe, expect, test } from "bun:test";
import { ByteWriter } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import {
  decodeDump,
  DUMP_BAD_DATA,
  DUMP_BAD_PAYLOAD,
  DumpPayloadError,
  encodeDump,
  verifyDump,
} from "./dump.ts";
import { RdbType } from "./rdb_primitives.ts";
import type { RdbValue } from "./values.ts";

function seal(body: number[], version: number): Uint8Array {
  const w = new ByteWriter();
  w.bytes(new Uint8Array(body));
  w.u16le(version);
  w.bytes(new Crc64().update(w.peek()).bytes());
  return w.finish();
}

describe("DUMP payloads", () => {
  test("round trip with version and checksum trailer", () => {
    const values: RdbValue[] = [
      { kind: "string", value: "hello" },
      { kind: "list", items: ["a", "b"] },
      { kind: "hash", entries: [["f", "v", 1800000000000]] },
    ];
    for (const v of values) {
      const payload = encodeDump(v);
      expect(payload[payload.length - 10]).toBe(12);
      expect(decodeDump(payload).value).toEqual(v);
    }
    const p10 = encodeDump({ kind: "set", members: ["a"] }, { rdbVersion: 10 });
    expect(decodeDump(p10)).toEqual({
      value: { kind: "set", members: ["a"] },
      type: RdbType.SET,
      version: 10,
    });
  });

  test('a known payload: DUMP of the string "hello" (type 0, raw string, RDB 10)', () => {
    const payload = seal([0, 5, 104, 101, 108, 108, 111], 10);
    expect(encodeDump({ kind: "string", value: "hello" }, { rdbVersion: 10 })).toEqual(payload);
  });

  test("version and checksum rules (Redis 7.4)", () => {
    const reject = (p: Uint8Array) => {
      let err: unknown;
      try {
        decodeDump(p);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DumpPayloadError);
      expect((err as Error).message).toBe(DUMP_BAD_PAYLOAD);
    };
    reject(new Uint8Array(9));
    reject(seal([0, 1, 120], 13));
    const flipped = seal([0, 1, 120], 12);
    flipped[2] ^= 1;
    reject(flipped);
    const badCrc = seal([0, 1, 120], 11);
    badCrc[badCrc.length - 1] ^= 0x80;
    reject(badCrc);
    expect(verifyDump(badCrc, { skipChecksum: true })).toBe(11);
    expect(verifyDump(seal([0, 1, 120], 1))).toBe(1);
  });

  test('undecodable or empty values are "Bad data format"', () => {
    for (const body of [[99, 0], [0, 5, 104], [RdbType.LIST_QUICKLIST_2, 0], [RdbType.SET, 0]]) {
      let err: unknown;
      try {
        decodeDump(seal(body, 10));
      } catch (e) {
        err = e;
      }
      expect((err as Error).message).toBe(DUMP_BAD_DATA);
      expect((err as Error).cause).toBeDefined();
    }
  });

  test("fuzzed payloads only ever fail with DumpPayloadError", () => {
    const base = encodeDump({ kind: "zset", entries: [["a", 1], ["b", 2.5]] });
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const p = base.slice();
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      p[seed % (p.length - 10)] = seed >>> 24;
      try {
        decodeDump(p, { skipChecksum: true });
      } catch (e) {
        if (!(e instanceof DumpPayloadError)) throw e;
      }
    }
  });
});

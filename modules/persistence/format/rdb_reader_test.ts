import { describe, expect, test } from "bun:test";
import { ByteWriter, FormatError, latin1ToBytes } from "./bytes.ts";
import { RdbOpcode, writeLength, writeString } from "./rdb_primitives.ts";
import { RdbReader, type RdbRecord, readRdb } from "./rdb_reader.ts";
import { RdbWriter } from "./rdb_writer.ts";

function sampleFile(): Uint8Array {
  const rdb = new RdbWriter({ rdbVersion: 12 });
  rdb.aux("redis-ver", "7.4.1");
  rdb.selectDb(0);
  rdb.resizeDb(6, 1);
  rdb.key("s", { kind: "string", value: "v".repeat(200) }, { expireAt: 1800000000000 });
  rdb.key("l", { kind: "list", items: ["a", "1", "b".repeat(70)] });
  rdb.key("h", { kind: "hash", entries: [["f", "v", 1800000000000], ["g", "w"]] });
  rdb.key("z", { kind: "zset", entries: [["m", 1.5]] });
  rdb.key("set", { kind: "set", members: ["x", "2"] });
  rdb.key("st", {
    kind: "stream",
    entries: [{ id: "1-1", fields: [["a", "b"]] }],
    lastId: "1-1",
    firstId: "1-1",
    maxDeletedId: "0-0",
    entriesAdded: 1,
    groups: [{ name: "g", lastId: "1-1", entriesRead: 1, pending: [], consumers: [] }],
  });
  return rdb.end();
}

describe("RdbReader", () => {
  const file = sampleFile();
  const whole = [...readRdb(file)];

  test("reads every record of a file", () => {
    expect(whole.map((r) => r.kind)).toEqual([
      "aux",
      "selectdb",
      "resizedb",
      "key",
      "key",
      "key",
      "key",
      "key",
      "key",
      "eof",
    ]);
  });

  test("chunked input (even byte by byte) gives the same records; progress grows", () => {
    for (const size of [1, 7, 100]) {
      const reader = new RdbReader();
      const got: RdbRecord[] = [];
      let last = 0;
      for (let i = 0; i < file.length; i += size) {
        reader.push(file.subarray(i, i + size));
        for (let rec = reader.next(); rec; rec = reader.next()) {
          got.push(rec);
          expect(reader.offset).toBeGreaterThan(last);
          last = reader.offset;
        }
      }
      reader.end();
      for (let rec = reader.next(); rec; rec = reader.next()) got.push(rec);
      expect(got).toEqual(whole);
      expect(reader.offset).toBe(file.length);
    }
  });

  test("every truncation is a located, truncated FormatError", () => {
    for (let n = 0; n < file.length; n++) {
      let err: unknown = null;
      try {
        [...readRdb(file.subarray(0, n))];
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).truncated || n < 9).toBe(true);
    }
  });

  test("random corruption never crashes: FormatError, checksum error, or a valid read", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const bad = file.slice();
      for (let k = 0; k <= rand(3); k++) bad[9 + rand(bad.length - 9)] = rand(256);
      try {
        [...readRdb(bad, { verifyChecksum: false })];
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }
    const flipped = file.slice();
    flipped[30] ^= 0x20;
    expect(() => [...readRdb(flipped)]).toThrow(/checksum mismatch|FormatError|bad|truncated/);
  });

  test("header checks", () => {
    expect(() => [...readRdb(latin1ToBytes("RADIS0010\xff"))]).toThrow(/not an RDB file/);
    expect(() => [...readRdb(latin1ToBytes("REDIS0013\xff"))]).toThrow(
      /can't handle RDB format version 13/,
    );
    expect(() => [...readRdb(latin1ToBytes("REDIS0010"))]).toThrow(
      /truncated record type: needed 1 bytes, 0 left \(at offset 9\)/,
    );
  });

  test("old files: seconds expiry, no checksum before version 5; AOF tail after EOF", () => {
    const w = new ByteWriter();
    w.latin1("REDIS0003");
    w.u8(RdbOpcode.SELECTDB), writeLength(w, 1);
    w.u8(RdbOpcode.EXPIRETIME),
      w.u32le(1800000000),
      w.u8(0),
      writeString(w, "k"),
      writeString(w, "v");
    w.u8(RdbOpcode.EOF);
    w.latin1("*1\r\n$4\r\nPING\r\n");
    const reader = new RdbReader();
    reader.push(w.finish());
    reader.end();
    const recs: RdbRecord[] = [];
    for (let r = reader.next(); r; r = reader.next()) recs.push(r);
    expect(recs[1]).toEqual({
      kind: "key",
      db: 1,
      key: "k",
      type: 0,
      value: { kind: "string", value: "v" },
      expireAt: 1800000000000,
    });
    expect(recs[2]).toEqual({ kind: "eof", checksum: 0n, verified: false });
    expect(new TextDecoder().decode(reader.rest())).toBe("*1\r\n$4\r\nPING\r\n");
  });

  test("slot info, pre-GA functions and unknown opcodes", () => {
    const w = new ByteWriter();
    w.latin1("REDIS0012");
    w.u8(RdbOpcode.SLOT_INFO), writeLength(w, 5), writeLength(w, 10), writeLength(w, 2);
    w.u8(RdbOpcode.EOF);
    w.bytes(new Uint8Array(8));
    expect([...readRdb(w.finish())][0]).toEqual({
      kind: "slotinfo",
      slot: 5,
      keys: 10,
      expires: 2,
    });
    expect(() => [...readRdb(latin1ToBytes("REDIS0010\xf6"))]).toThrow(
      /pre-release function format/,
    );
    expect(() => [...readRdb(latin1ToBytes("REDIS0010\x08"))]).toThrow(
      /unknown RDB opcode\/type 8 \(at offset 9\)/,
    );
  });
});

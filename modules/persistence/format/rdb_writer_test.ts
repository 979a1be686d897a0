import { describe, expect, test } from "bun:test";
import { bytesToLatin1 } from "./bytes.ts";
import { crc64 } from "./crc64.ts";
import { RdbOpcode } from "./rdb_primitives.ts";
import { readRdb } from "./rdb_reader.ts";
import { RdbWriter } from "./rdb_writer.ts";

function build(take: boolean, options = {}): Uint8Array {
  const rdb = new RdbWriter(options);
  const parts: Uint8Array[] = [];
  rdb.aux("redis-ver", "7.4.1");
  rdb.selectDb(0);
  rdb.resizeDb(3, 1);
  for (let i = 0; i < 3; i++) {
    rdb.key(
      `k${i}`,
      { kind: "list", items: [String(i), "x".repeat(i * 100)] },
      i === 1 ? { expireAt: 1800000000000 } : {},
    );
    if (take) parts.push(rdb.take());
  }
  rdb.functionLibrary("#!lua name=l\nredis.register_function('f', function() return 1 end)");
  parts.push(rdb.end());
  return new Uint8Array(parts.flatMap((p) => Array.from(p)));
}

describe("RdbWriter", () => {
  test("incremental output is identical to one-shot output", () => {
    expect(build(true)).toEqual(build(false));
  });

  test("header, EOF and a CRC-64 over everything before it", () => {
    const file = build(false, { rdbVersion: 11 });
    expect(bytesToLatin1(file.subarray(0, 9))).toBe("REDIS0011");
    expect(file[file.length - 9]).toBe(RdbOpcode.EOF);
    const stored = new DataView(file.buffer, file.length - 8).getBigUint64(0, true);
    expect(stored).toBe(crc64(file.subarray(0, file.length - 8)));
    expect([...readRdb(file)].at(-1)).toEqual({ kind: "eof", checksum: stored, verified: true });
  });

  test("checksum: false writes a zero trailer, read as unverified", () => {
    const file = build(false, { checksum: false });
    expect(Array.from(file.subarray(file.length - 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...readRdb(file)].at(-1)).toEqual({ kind: "eof", checksum: 0n, verified: false });
  });

  test("key metadata round trips; the writer refuses use after end", () => {
    const rdb = new RdbWriter();
    rdb.selectDb(2);
    rdb.key("a", { kind: "string", value: "1" }, { expireAt: 1700000000123, idle: 42 });
    rdb.key("b", { kind: "string", value: "2" }, { freq: 200 });
    const recs = [...readRdb(rdb.end())].filter((r) => r.kind === "key");
    expect(recs).toEqual([
      {
        kind: "key",
        db: 2,
        key: "a",
        type: 0,
        value: { kind: "string", value: "1" },
        expireAt: 1700000000123,
        idle: 42,
      },
      { kind: "key", db: 2, key: "b", type: 0, value: { kind: "string", value: "2" }, freq: 200 },
    ]);
    expect(() => rdb.aux("x", "y")).toThrow(/already ended/);
    expect(rdb.bytesWritten).toBeGreaterThan(20);
  });

  test("a plain string value writes the same bytes as its string form", () => {
    const plain = new RdbWriter();
    const form = new RdbWriter();
    for (const [k, v] of [["k", "v"], ["n", "-300"], ["long", "abc".repeat(30)]]) {
      plain.key(k, v, { expireAt: 1700000000123 });
      form.key(k, { kind: "string", value: v }, { expireAt: 1700000000123 });
    }
    expect(plain.end()).toEqual(form.end());
  });
});

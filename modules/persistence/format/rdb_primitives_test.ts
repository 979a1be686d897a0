import { describe, expect, test } from "bun:test";
import { ByteReader, ByteWriter, FormatError, latin1ToBytes } from "./bytes.ts";
import {
  canonicalInt,
  readBlob,
  readCount,
  readLength,
  readLengthBig,
  readMillis,
  readString,
  readStringDouble,
  writeLength,
  writeMillis,
  writeString,
  writeStringDouble,
} from "./rdb_primitives.ts";

function bytesOf(f: (w: ByteWriter) => void): number[] {
  const w = new ByteWriter();
  f(w);
  return Array.from(w.finish());
}

describe("lengths", () => {
  test("shortest encodings at every boundary", () => {
    expect(bytesOf((w) => writeLength(w, 63))).toEqual([63]);
    expect(bytesOf((w) => writeLength(w, 64))).toEqual([0x40, 64]);
    expect(bytesOf((w) => writeLength(w, 16383))).toEqual([0x7f, 0xff]);
    expect(bytesOf((w) => writeLength(w, 16384))).toEqual([0x80, 0, 0, 0x40, 0]);
    expect(bytesOf((w) => writeLength(w, 2 ** 32))).toEqual([0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(bytesOf((w) => writeLength(w, 5n))).toEqual([5]);
    for (
      const n of [0, 1, 63, 64, 300, 16383, 16384, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
    ) {
      const r = new ByteReader(new Uint8Array(bytesOf((w) => writeLength(w, n))));
      expect(readLength(r)).toBe(n);
      expect(r.atEnd()).toBe(true);
    }
    const max = (1n << 64n) - 1n;
    expect(readLengthBig(new ByteReader(new Uint8Array(bytesOf((w) => writeLength(w, max)))))).toBe(
      max,
    );
  });

  test("refuses lengths past 2^53, special encodings, and impossible counts", () => {
    const huge = new Uint8Array(bytesOf((w) => writeLength(w, 1n << 60n)));
    expect(() => readLength(new ByteReader(huge))).toThrow(/too large/);
    expect(() => readLength(new ByteReader(new Uint8Array([0xc0])))).toThrow(/bad length encoding/);
    const r = new ByteReader(new Uint8Array([0x80, 0x7f, 0xff, 0xff, 0xff, 1, 2]));
    expect(() => readCount(r, "list length")).toThrow(/list length 2147483647 needs/);
  });
});

describe("strings", () => {
  const cases: [string, number[] | null][] = [
    ["0", [0xc0, 0]],
    ["-1", [0xc0, 0xff]],
    ["127", [0xc0, 127]],
    ["128", [0xc1, 128, 0]],
    ["-32768", [0xc1, 0, 0x80]],
    ["32768", [0xc2, 0, 0x80, 0, 0]],
    ["2147483647", [0xc2, 0xff, 0xff, 0xff, 0x7f]],
    ["2147483648", null],
    ["-2147483648", [0xc2, 0, 0, 0, 0x80]],
    ["-2147483649", null],
    ["12345678901", null],
    ["007", null],
    ["-0", null],
    ["+1", null],
    [" 1", null],
    ["", [0]],
  ];
  test("integer encodings exactly where Redis uses them", () => {
    for (const [s, expected] of cases) {
      const out = bytesOf((w) => writeString(w, s));
      if (expected) expect(out).toEqual(expected);
      else expect(out).toEqual([s.length, ...Array.from(latin1ToBytes(s))]);
      expect(readString(new ByteReader(new Uint8Array(out)))).toBe(s);
    }
    expect(canonicalInt("9223372036854775807")).toBe(9223372036854775807n);
    expect(canonicalInt("9223372036854775808")).toBeNull();
    expect(canonicalInt("-9223372036854775808")).toBe(-9223372036854775808n);
  });

  test("LZF strings round trip; incompressible ones stay raw", () => {
    const s = "hello world ".repeat(50);
    const out = new Uint8Array(bytesOf((w) => writeString(w, s, { compress: true })));
    expect(out[0]).toBe(0xc3);
    expect(out.length).toBeLessThan(s.length / 4);
    expect(readString(new ByteReader(out))).toBe(s);
    const noise = String.fromCharCode(
      ...Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff),
    );
    expect(bytesOf((w) => writeString(w, noise, { compress: true }))[0]).toBe(64);
  });

  test("corrupt LZF is a located error, and can't force a huge allocation", () => {
    // claims 1 GB from 3 compressed bytes
    const bomb = new Uint8Array([0xc3, 3, 0x80, 0x40, 0, 0, 0, 0, 1, 2]);
    expect(() => readBlob(new ByteReader(bomb))).toThrow(/LZF length 1073741824 impossible/);
    const bad = new Uint8Array([0xc3, 2, 5, 0x20, 0]);
    expect(() => readBlob(new ByteReader(bad))).toThrow(FormatError);
    const cut = new Uint8Array([10, 1, 2, 3]);
    try {
      readBlob(new ByteReader(cut));
    } catch (e) {
      expect((e as FormatError).truncated).toBe(true);
      expect((e as FormatError).offset).toBe(1);
    }
  });
});

describe("doubles and times", () => {
  test("old string doubles", () => {
    for (const v of [0, 1.5, -2.25e-10, 1e300, Infinity, -Infinity]) {
      const r = new ByteReader(new Uint8Array(bytesOf((w) => writeStringDouble(w, v))));
      expect(readStringDouble(r)).toBe(v);
    }
    expect(readStringDouble(new ByteReader(new Uint8Array([253])))).toBeNaN();
    expect(() => readStringDouble(new ByteReader(new Uint8Array([2, 120, 121])))).toThrow(
      /bad double/,
    );
  });

  test("millisecond times are 8-byte little-endian", () => {
    const out = bytesOf((w) => writeMillis(w, 0x0102030405));
    expect(out).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
    expect(readMillis(new ByteReader(new Uint8Array(out)))).toBe(0x0102030405);
    // Numbers take a BigInt-free path: it must agree with the BigInt one, negatives included.
    for (const ms of [-1, -4294967296, -4294967297, 2 ** 53 - 1, -(2 ** 53) + 1, 1800000000123]) {
      const r = new ByteReader(new Uint8Array(bytesOf((w) => writeMillis(w, ms))));
      expect(r.i64le("t")).toBe(BigInt(ms));
    }
  });
});

import { describe, expect, test } from "bun:test";
import { ByteWriter } from "./bytes.ts";
import { ziplistDecode, zipmapDecode } from "./legacy_encodings.ts";

/** Builds a ziplist from raw entry encodings (prevlen computed), per the ziplist layout. */
function ziplist(entries: number[][]): Uint8Array {
  const w = new ByteWriter();
  w.u32le(0);
  w.u32le(0);
  w.u16le(entries.length);
  let prev = 0;
  let tail = 10;
  for (const e of entries) {
    tail = w.length;
    const start = w.length;
    if (prev < 254) w.u8(prev);
    else {
      w.u8(254);
      w.u32le(prev);
    }
    w.bytes(new Uint8Array(e));
    prev = w.length - start;
  }
  w.u8(0xff);
  w.patchU32le(0, w.length);
  w.patchU32le(4, tail);
  return w.finish();
}

const str = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

describe("ziplist", () => {
  test("every entry encoding", () => {
    const long = "L".repeat(300);
    const blob = ziplist([
      str("abc"),
      [0x40 | 1, 44, ...Array.from(long, (c) => c.charCodeAt(0))], // 14-bit length, big-endian
      [0x80, 0, 0, 0, 2, 104, 105], // 32-bit length
      [0xc0, 0x18, 0xfc], // int16 -1000
      [0xd0, 0x00, 0x00, 0x00, 0x80], // int32 min
      [0xe0, 1, 0, 0, 0, 0, 0, 0, 0x80], // int64
      [0xf0, 0xff, 0xff, 0x7f], // int24 max
      [0xfe, 0x80], // int8 -128
      [0xf1], // immediate 0
      [0xfd], // immediate 12
    ]);
    expect(ziplistDecode(blob)).toEqual([
      "abc",
      long,
      "hi",
      "-1000",
      "-2147483648",
      "-9223372036854775807",
      "8388607",
      "-128",
      "0",
      "12",
    ]);
  });

  test("5-byte prevlen after an entry of 254+ bytes", () => {
    const big = "B".repeat(260);
    const blob = ziplist([[0x40 | 1, 4, ...Array.from(big, (c) => c.charCodeAt(0))], str("x")]);
    expect(ziplistDecode(blob)).toEqual([big, "x"]);
  });

  test("corruption: size, prevlen, tail, count, encoding", () => {
    const good = ziplist([str("ab"), str("cd")]);
    const bad = (f: (b: Uint8Array) => void) => {
      const b = good.slice();
      f(b);
      return () => ziplistDecode(b);
    };
    expect(bad((b) => (b[0] = 3))).toThrow(/claims 3 bytes/);
    expect(bad((b) => (b[14] = 9))).toThrow(/prevlen 9/);
    expect(bad((b) => (b[4] = 11))).toThrow(/tail offset 11/);
    expect(bad((b) => (b[8] = 5))).toThrow(/count 5/);
    expect(bad((b) => (b[11] = 0x81))).toThrow(/bad ziplist encoding 0x81/);
  });
});

describe("zipmap", () => {
  test("pairs with free space and a 5-byte length", () => {
    const w = new ByteWriter();
    w.u8(2);
    w.u8(1), w.latin1("a"), w.u8(2), w.u8(3), w.latin1("xy"), w.latin1("...");
    const field = "F".repeat(300);
    w.u8(254), w.u32le(300), w.latin1(field), w.u8(0), w.u8(0);
    w.u8(0xff);
    expect(zipmapDecode(w.finish())).toEqual([["a", "xy"], [field, ""]]);
  });

  test("corruption is reported", () => {
    expect(() => zipmapDecode(new Uint8Array([1, 5, 97]))).toThrow(/truncated/);
    expect(() => zipmapDecode(new Uint8Array([3, 1, 97, 1, 0, 98, 0xff]))).toThrow(/count 3/);
    expect(() => zipmapDecode(new Uint8Array([1, 1, 97, 0xff]))).toThrow(/terminator/);
  });
});

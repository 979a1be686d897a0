import { describe, expect, test } from "bun:test";
import { ByteReader, bytesToLatin1, ByteWriter, FormatError, latin1ToBytes } from "./bytes.ts";

describe("bytes", () => {
  test("latin1 conversions are binary-safe, also past the chunk size", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1ToBytes(bytesToLatin1(all))).toEqual(all);
    const big = new Uint8Array(100000).map((_, i) => (i * 7) & 0xff);
    expect(latin1ToBytes(bytesToLatin1(big))).toEqual(big);
  });

  test("writer grows, patches and drains", () => {
    const w = new ByteWriter(16);
    w.u8(1);
    w.u16le(0x0302);
    w.u32le(0x07060504);
    w.u32be(0x08090a0b);
    w.latin1("x".repeat(100));
    w.patchU8(0, 9);
    const out = w.drain();
    expect(Array.from(out.subarray(0, 11))).toEqual([9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(out.length).toBe(111);
    expect(w.length).toBe(0);
    w.i64le(-2n);
    w.f64le(1.5);
    const r = new ByteReader(w.finish());
    expect(r.i64le("a")).toBe(-2n);
    expect(r.f64le("b")).toBe(1.5);
    expect(r.atEnd()).toBe(true);
  });

  test("reader errors say what, where, and whether input was cut short", () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), { base: 100 });
    r.u8("first");
    let err: unknown;
    try {
      r.u32le("count");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toBe(
      "truncated count: needed 4 bytes, 2 left (at offset 101)",
    );
    expect((err as FormatError).truncated).toBe(true);
    expect((err as FormatError).offset).toBe(101);
    expect(() => r.fail("bad thing")).toThrow("bad thing (at offset 101)");
    try {
      r.fail("x");
    } catch (e) {
      expect((e as FormatError).truncated).toBe(false);
    }
  });
});

import { describe, expect, test } from "bun:test";
import { Crc64, crc64 } from "./crc64.ts";
import { latin1ToBytes } from "./bytes.ts";

// Bit-at-a-time reference, independent of the table construction.
function slowCrc64(bytes: Uint8Array): bigint {
  let crc = 0n;
  for (const b of bytes) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  return crc;
}

describe("crc64", () => {
  test("check value", () => {
    expect(crc64(latin1ToBytes("123456789"))).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(new Uint8Array(0))).toBe(0n);
  });

  test("matches a bit-at-a-time reference at every length and split", () => {
    const data = new Uint8Array(100);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= data.length; n += 7) {
      const part = data.subarray(0, n);
      expect(crc64(part)).toBe(slowCrc64(part));
      const split = n >> 1;
      const c = new Crc64().update(part.subarray(0, split)).update(part.subarray(split));
      expect(c.digest()).toBe(slowCrc64(part));
    }
  });

  test("bytes() is the little-endian digest", () => {
    const c = new Crc64().update(latin1ToBytes("123456789"));
    expect(Array.from(c.bytes())).toEqual([0xca, 0xd9, 0xb8, 0xc4, 0x14, 0xd9, 0xc6, 0xe9]);
  });

  test("throughput", () => {
    const data = new Uint8Array(8 << 20);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const t0 = performance.now();
    crc64(data);
    const ms = performance.now() - t0;
    const mbs = 8 / (ms / 1000);
    console.log(`crc64: ${mbs.toFixed(0)} MB/s`);
    expect(mbs).toBeGreaterThan(50);
  });
});

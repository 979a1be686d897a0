import { describe, expect, test } from "bun:test";
import { lzfCompress, lzfDecompress } from "./lzf.ts";
import { latin1ToBytes } from "./bytes.ts";

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function roundTrip(input: Uint8Array): Uint8Array | null {
  const packed = lzfCompress(input);
  expect(packed).not.toBeNull();
  expect(lzfDecompress(packed!, input.length)).toEqual(input);
  return packed;
}

describe("lzf", () => {
  test("round trips assorted inputs", () => {
    roundTrip(new Uint8Array(0));
    roundTrip(latin1ToBytes("a"));
    roundTrip(latin1ToBytes("abcabcabcabcabcabcabcabcabcabc"));
    roundTrip(latin1ToBytes("x".repeat(100000)));
    roundTrip(pseudoRandom(5000, 1));
    const text = latin1ToBytes("the quick brown fox jumps over the lazy dog; ".repeat(300));
    const packed = roundTrip(text)!;
    expect(packed.length).toBeLessThan(text.length / 10);
    // mixed: random blocks repeated far and near, exercising offsets up to 8K and long runs
    const mixed = new Uint8Array(40000);
    for (let i = 0; i < mixed.length; i += 4000) mixed.set(pseudoRandom(4000, i % 12000), i);
    roundTrip(mixed);
  });

  test("decodes hand-made streams (literal runs and overlapping references)", () => {
    // literal "ab" then a reference of length 6 at distance 2: "abababab"
    const stream = new Uint8Array([1, 97, 98, (4 << 5) | 0, 1]);
    expect(lzfDecompress(stream, 8)).toEqual(latin1ToBytes("abababab"));
    // long reference: len field 7 + extra byte 10 → 19 bytes
    const long = new Uint8Array([0, 122, (7 << 5) | 0, 10, 0]);
    expect(lzfDecompress(long, 20)).toEqual(latin1ToBytes("z".repeat(20)));
  });

  test("gives up when the output budget is exceeded", () => {
    const noise = pseudoRandom(1000, 9);
    expect(lzfCompress(noise, noise.length - 4)).toBeNull();
    expect(lzfCompress(latin1ToBytes("y".repeat(1000)), 20)).not.toBeNull();
  });

  test("rejects corrupt streams", () => {
    expect(() => lzfDecompress(new Uint8Array([5, 1, 2]), 6)).toThrow(/literal run/);
    expect(() => lzfDecompress(new Uint8Array([0, 1, 0x20, 9]), 4)).toThrow(/before the output/);
    expect(() => lzfDecompress(new Uint8Array([1, 1, 2]), 3)).toThrow(/expected 3/);
    expect(() => lzfDecompress(new Uint8Array([2, 1, 2, 3]), 2)).toThrow(/longer/);
    expect(() => lzfDecompress(new Uint8Array([0, 1, 0xe0]), 9)).toThrow(/truncated/);
  });

  test("throughput", () => {
    const data = latin1ToBytes("some moderately repetitive payload 0123456789 ".repeat(50000));
    const t0 = performance.now();
    const packed = lzfCompress(data)!;
    const t1 = performance.now();
    lzfDecompress(packed, data.length);
    const t2 = performance.now();
    const mb = data.length / 1e6;
    console.log(
      `lzf: compress ${(mb / ((t1 - t0) / 1000)).toFixed(0)} MB/s, ` +
        `decompress ${(mb / ((t2 - t1) / 1000)).toFixed(0)} MB/s, ratio ${
          (packed.length / data.length).toFixed(3)
        }`,
    );
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RespClient, type ServerHandle, startRedis } from "../../test/helpers/mod.ts";
import { checkHll, estimate, Hll, HLL_DENSE_SIZE, HLL_REGISTERS, NOT_HLL } from "./hll.ts";
import { HLL_SEED, hllHashElement, murmurHash64A } from "./murmur.ts";

/** A plain BigInt MurmurHash64A, written from the algorithm's description, as the oracle. */
function referenceMurmur(s: string, seed: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  const len = BigInt(s.length);
  let h = (seed ^ (len * m)) & mask;
  const whole = s.length - (s.length % 8);
  for (let i = 0; i < whole; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = s.length % 8;
  if (rest > 0) {
    for (let j = 0; j < rest; j++) h ^= BigInt(s.charCodeAt(whole + j)) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

describe("murmur", () => {
  test("matches a BigInt reference for every tail length and binary input", () => {
    const inputs = [
      "",
      "a",
      "ab",
      "abcdefg",
      "abcdefgh",
      "abcdefghi",
      "\xff\x00\x80\x7f\xfe",
      "x".repeat(100),
    ];
    for (let i = 0; i < 200; i++) {
      let s = "";
      for (let j = 0; j < i % 37; j++) s += String.fromCharCode((i * 31 + j * 17) & 255);
      inputs.push(s);
    }
    for (const s of inputs) {
      expect(murmurHash64A(s, HLL_SEED)).toBe(referenceMurmur(s, BigInt(HLL_SEED)));
    }
  });

  test("register index and run length come from the hash", () => {
    const h = referenceMurmur("hello", BigInt(HLL_SEED));
    const packed = hllHashElement("hello");
    expect(packed >>> 6).toBe(Number(h & 0x3fffn));
    let rest = (h >> 14n) | (1n << 50n);
    let count = 1;
    while ((rest & 1n) === 0n) {
      count++;
      rest >>= 1n;
    }
    expect(packed & 63).toBe(count);
  });
});

describe("Hll", () => {
  test("empty HLL is Redis's 18-byte sparse string", () => {
    expect(Hll.empty().toBinary()).toBe("HYLL\x01\x00\x00\x00" + "\x00".repeat(8) + "\x7f\xff");
  });

  test("checkHll refuses non-HLL strings", () => {
    for (
      const bad of ["bar", "HYLL", "HYLX\x01" + "\x00".repeat(13), "HYLL\x02" + "\x00".repeat(13)]
    ) {
      expect(() => checkHll(bad)).toThrow(NOT_HLL);
    }
    expect(() => checkHll("HYLL\x00" + "\x00".repeat(20))).toThrow(NOT_HLL); // dense, wrong size
    expect(() => checkHll(Hll.empty().toBinary())).not.toThrow();
  });

  test("sparse and dense agree; promotion at the byte limit", () => {
    const sparse = Hll.empty();
    const dense = Hll.empty();
    dense.toDense();
    for (let i = 0; i < 500; i++) {
      sparse.add("el" + i, 3000);
      dense.add("el" + i, 3000);
    }
    expect(sparse.isDense).toBe(false);
    expect(sparse.count()).toBe(dense.count());
    const small = Hll.empty();
    for (let i = 0; i < 50; i++) small.add("el" + i, 30);
    expect(small.isDense).toBe(true);
    expect(small.toBinary().length).toBe(HLL_DENSE_SIZE);
  });

  test("corrupted sparse data is reported, never thrown", () => {
    const h = Hll.empty();
    h.add("a", 3000);
    const s = h.toBinary();
    const broken = Hll.fromBinary(s + "hello");
    expect(broken.count()).toBeNull();
    expect(broken.mergeInto(new Uint8Array(HLL_REGISTERS))).toBe(false);
    for (let i = 0; i < 2000; i++) {
      const bytes = [...s].map((c) => c.charCodeAt(0));
      bytes[16 + (i % (bytes.length - 16))] = (i * 73) & 255;
      const x = Hll.fromBinary(String.fromCharCode(...bytes));
      x.count();
      x.add("e" + i, 3000);
    }
  });

  test("estimate of an empty histogram is 0", () => {
    const histo = new Int32Array(64);
    histo[0] = HLL_REGISTERS;
    expect(estimate(histo)).toBe(0);
  });
});

// Byte-for-byte against a real redis-server: the same PFADDs must leave the same string.
describe("Hll vs redis-server", () => {
  let redis: ServerHandle | null = null;
  let c: RespClient;
  beforeAll(async () => {
    redis = await startRedis();
    if (redis) c = await redis.client();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("sparse, promoted and dense strings equal Redis's", async () => {
    if (!redis) return;
    for (
      const [n, limit] of [[3, 3000], [40, 3000], [300, 3000], [2000, 3000], [60, 100], [
        5000,
        3000,
      ]]
    ) {
      await c.send("DEL", "h");
      await c.send("CONFIG", "SET", "hll-sparse-max-bytes", String(limit));
      const h = Hll.empty();
      const batch: string[] = [];
      for (let i = 0; i < n; i++) {
        const el = `item:${n}:${i}`;
        batch.push(el);
        h.add(el, limit);
        if (batch.length === 50 || i === n - 1) {
          await c.send("PFADD", "h", ...batch);
          batch.length = 0;
        }
      }
      h.invalidateCache();
      expect(h.toBinary()).toBe((await c.send("GET", "h")) as string);
      const count = h.count()!;
      h.cachedCount = count;
      expect(count).toBe((await c.send("PFCOUNT", "h")) as number);
      expect(h.toBinary()).toBe((await c.send("GET", "h")) as string);
    }
    await c.send("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
  });

  test("a Redis-made HLL loads and keeps counting the same", async () => {
    if (!redis) return;
    await c.send("DEL", "h");
    const els = Array.from({ length: 700 }, (_, i) => String(i * 7919));
    await c.send("PFADD", "h", ...els);
    const h = Hll.fromBinary((await c.send("GET", "h")) as string);
    const count = h.count()!;
    expect(count).toBe((await c.send("PFCOUNT", "h")) as number);
    h.cachedCount = count; // PFCOUNT saved it in the header
    h.add("one more", 3000);
    h.invalidateCache();
    await c.send("PFADD", "h", "one more");
    expect(h.toBinary()).toBe((await c.send("GET", "h")) as string);
  });
});

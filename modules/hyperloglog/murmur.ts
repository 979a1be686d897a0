/**
 * MurmurHash64A (Austin Appleby's public-domain 64-bit hash for 64-bit platforms), the hash
 * Redis feeds HyperLogLog elements through, with Redis's seed. Estimates only match Redis's
 * (and HLL strings only stay interchangeable with it) if every element lands in the same
 * register with the same run of zeros, so this must be bit-exact.
 *
 * JS has no unsigned 64-bit integer short of BigInt, which allocates per operation and
 * would make PFADD of thousands of elements crawl. The hash state is therefore kept as two
 * unsigned 32-bit halves, and the one hard operation, a 64 x 64 → 64-bit product, is done
 * as 16-bit partial products (exact in doubles) for the low half plus `Math.imul` for the
 * cross terms that only reach the high half. Input bytes are read as little-endian words,
 * which is what Redis does on the little-endian machines it runs on.
 *
 * The caller gets the register index and the zero-run length directly (`hllHashElement`),
 * since that is all a HyperLogLog needs from the 64-bit hash.
 */

/** Redis's HyperLogLog hash seed. */
export const HLL_SEED = 0xadc83b19;

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

// The 64-bit result of the last mul64 call, as two unsigned 32-bit halves.
let prodHi = 0;
let prodLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64 into prodHi:prodLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff, a1 = aLo >>> 16;
  const b0 = bLo & 0xffff, b1 = bLo >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  prodLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  prodHi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

// The last hash, as two unsigned 32-bit halves.
let hashHi = 0;
let hashLo = 0;

/** MurmurHash64A of a binary string into hashHi:hashLo. */
function murmur(s: string, seed: number): void {
  const len = s.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = prodHi >>> 0;
  let hLo = (seed ^ prodLo) >>> 0;
  const whole = len - (len & 7);
  for (let i = 0; i < whole; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) |
      (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) |
      (s.charCodeAt(i + 7) << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    kHi = prodHi;
    kLo = (prodLo ^ (prodHi >>> 15)) >>> 0; // k ^= k >> 47
    mul64(kHi, kLo, M_HI, M_LO);
    hHi = (hHi ^ prodHi) >>> 0;
    hLo = (hLo ^ prodLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = prodHi;
    hLo = prodLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = s.charCodeAt(whole + j);
      if (j >= 4) hHi = (hHi ^ (b << (8 * (j - 4)))) >>> 0;
      else hLo = (hLo ^ (b << (8 * j))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = prodHi;
    hLo = prodLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0; // h ^= h >> 47
  mul64(hHi, hLo, M_HI, M_LO);
  hHi = prodHi;
  hLo = (prodLo ^ (prodHi >>> 15)) >>> 0;
  hashHi = hHi;
  hashLo = hLo;
}

/**
 * MurmurHash64A of a binary string, as a BigInt (tests and debugging; the hot path uses
 * `hllHashElement`).
 *
 * @example
 * ```ts
 * murmurHash64A("hello", HLL_SEED); // 64-bit unsigned BigInt
 * ```
 */
export function murmurHash64A(s: string, seed: number): bigint {
  murmur(s, seed);
  return (BigInt(hashHi) << 32n) | BigInt(hashLo);
}

/**
 * Where an element goes in a 16384-register HyperLogLog: the register index (the hash's low
 * 14 bits) times 64 plus the run length (1 + trailing zeros of the remaining 50 bits, at
 * most 51), packed in one number so the hot loop allocates nothing.
 *
 * @example
 * ```ts
 * const packed = hllHashElement("a");
 * const index = packed >>> 6, count = packed & 63;
 * ```
 */
export function hllHashElement(s: string): number {
  murmur(s, HLL_SEED);
  const index = hashLo & 0x3fff;
  const low = ((hashLo >>> 14) | (hashHi << 18)) >>> 0; // bits 14..45
  const high = hashHi >>> 14; // bits 46..63
  let zeros: number;
  if (low !== 0) zeros = 31 - Math.clz32(low & -low);
  else if (high !== 0) zeros = 32 + 31 - Math.clz32(high & -high);
  else zeros = 50;
  return index * 64 + zeros + 1;
}

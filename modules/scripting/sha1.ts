/**
 * SHA-1 of a binary string, as hex: the name of a cached script (EVALSHA, SCRIPT LOAD) and
 * redis.sha1hex(). Written here rather than taken from WebCrypto because crypto.subtle is
 * asynchronous and command handlers are not: hashing must finish inside the handler.
 *
 * The message is read straight from the latin1 string (one byte per char), so there is no
 * intermediate Uint8Array for the common short script body; only the final padded blocks
 * are assembled in a small scratch buffer. The 80-word schedule is reused across calls.
 */

const W = new Int32Array(80);
const TAIL = new Uint8Array(128);

function compress(h: Int32Array, word: (i: number) => number): void {
  for (let i = 0; i < 16; i++) W[i] = word(i);
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16];
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (let i = 0; i < 80; i++) {
    let f: number, k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

/**
 * The lower-case hex SHA-1 digest of a binary string (char codes 0..255).
 *
 * @example
 * ```ts
 * sha1hex("abc"); // "a9993e364706816aba3e25717850c26c9cd0d89d"
 * ```
 */
export function sha1hex(s: string): string {
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const n = s.length;
  const full = n - (n % 64);
  for (let off = 0; off < full; off += 64) {
    compress(h, (i) => {
      const p = off + i * 4;
      return (s.charCodeAt(p) << 24) | (s.charCodeAt(p + 1) << 16) | (s.charCodeAt(p + 2) << 8) |
        s.charCodeAt(p + 3);
    });
  }
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian number.
  const rest = n - full;
  const tailLen = rest < 56 ? 64 : 128;
  TAIL.fill(0);
  for (let i = 0; i < rest; i++) TAIL[i] = s.charCodeAt(full + i);
  TAIL[rest] = 0x80;
  const bits = n * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  TAIL[tailLen - 8] = hi >>> 24;
  TAIL[tailLen - 7] = hi >>> 16;
  TAIL[tailLen - 6] = hi >>> 8;
  TAIL[tailLen - 5] = hi;
  TAIL[tailLen - 4] = lo >>> 24;
  TAIL[tailLen - 3] = lo >>> 16;
  TAIL[tailLen - 2] = lo >>> 8;
  TAIL[tailLen - 1] = lo;
  for (let off = 0; off < tailLen; off += 64) {
    compress(h, (i) => {
      const p = off + i * 4;
      return (TAIL[p] << 24) | (TAIL[p + 1] << 16) | (TAIL[p + 2] << 8) | TAIL[p + 3];
    });
  }
  let out = "";
  for (let i = 0; i < 5; i++) out += (h[i] >>> 0).toString(16).padStart(8, "0");
  return out;
}

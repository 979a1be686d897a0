/**
 * LZF, the compressor Redis uses for strings in RDB files and DUMP payloads (liblzf's format),
 * written from the format description.
 *
 * Format. A compressed stream is a sequence of items, each starting with a control byte `c`:
 *   - `c < 32`: a literal run; the next `c + 1` bytes are copied as they are (1..32 bytes).
 *   - otherwise a back reference: `len = c >> 5` (1..7; 7 means "add the next byte"), then one
 *     more byte `lo`; the match starts `((c & 31) << 8 | lo) + 1` bytes back in the output and
 *     is `len + 2` bytes long (3..264). Matches may overlap the bytes they produce.
 * There is no header or terminator; the reader of an RDB string knows both lengths.
 *
 * Compressor design: a single greedy pass with a hash table of 3-byte prefixes (up to 16K entries)
 * (positions only; every candidate is verified, so collisions cost ratio, never correctness).
 * Positions inside a match are hashed too, which helps repetitive data and costs little. The
 * caller passes the largest output it will accept; compression gives up (returns null) as soon
 * as the output would exceed it, which is how Redis avoids storing data that didn't shrink.
 */

const HASH_BITS = 14;
const MAX_LITERAL = 32;
const MAX_OFFSET = 1 << 13;
const MAX_MATCH = 264;

const table = new Uint32Array(1 << HASH_BITS);

function hash3(a: number, b: number, c: number, shift: number): number {
  return Math.imul((a << 16) | (b << 8) | c, 0x9e3779b1) >>> shift;
}

/**
 * Compresses `input`; returns null when the result would be longer than `maxOutput` bytes
 * (by default enough room for incompressible input, so it never returns null).
 *
 * @example
 * ```ts
 * const packed = lzfCompress(latin1ToBytes("a".repeat(100)));
 * lzfDecompress(packed!, 100); // 100 × "a"
 * ```
 */
export function lzfCompress(input: Uint8Array, maxOutput?: number): Uint8Array | null {
  const n = input.length;
  const worst = n + Math.ceil(n / MAX_LITERAL) + 1;
  const limit = Math.min(maxOutput ?? worst, worst);
  if (n === 0) return new Uint8Array(0);
  const out = new Uint8Array(limit + 4);
  // Small inputs use a small slice of the table: clearing 64 KB per short string would
  // dominate the cost of compressing many small values.
  const bits = Math.max(8, Math.min(HASH_BITS, Math.ceil(Math.log2(n))));
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);
  let op = 1; // out[0] is the control byte of the first literal run
  let ctrl = 0;
  let lit = 0;
  let ip = 0;
  while (ip < n) {
    if (ip + 2 < n) {
      const h = hash3(input[ip], input[ip + 1], input[ip + 2], shift);
      const ref = table[h] - 1;
      table[h] = ip + 1;
      const off = ip - ref - 1;
      if (
        ref >= 0 && off < MAX_OFFSET && input[ref] === input[ip] &&
        input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
      ) {
        const maxLen = Math.min(MAX_MATCH, n - ip);
        let len = 3;
        while (len < maxLen && input[ref + len] === input[ip + len]) len++;
        if (lit > 0) out[ctrl] = lit - 1;
        else op--; // drop the unused control byte
        if (op + 4 > limit + 1) return null;
        const l = len - 2;
        if (l < 7) out[op++] = (l << 5) | (off >> 8);
        else {
          out[op++] = (7 << 5) | (off >> 8);
          out[op++] = l - 7;
        }
        out[op++] = off & 0xff;
        ctrl = op++;
        lit = 0;
        const stop = Math.min(ip + len, n - 2);
        for (let p = ip + 1; p < stop; p++) {
          table[hash3(input[p], input[p + 1], input[p + 2], shift)] = p + 1;
        }
        ip += len;
        continue;
      }
    }
    if (op >= limit + 1) return null;
    out[op++] = input[ip++];
    if (++lit === MAX_LITERAL) {
      out[ctrl] = MAX_LITERAL - 1;
      ctrl = op++;
      lit = 0;
    }
  }
  if (lit > 0) out[ctrl] = lit - 1;
  else op--;
  return op <= limit ? out.slice(0, op) : null;
}

/**
 * Decompresses `input`, which must expand to exactly `outputLength` bytes. Throws an `Error`
 * describing the problem on corrupt input (a reference before the start, a run past the end,
 * or a wrong final length).
 *
 * @example
 * ```ts
 * lzfDecompress(new Uint8Array([2, 97, 98, 99]), 3); // "abc" as bytes
 * ```
 */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  const n = input.length;
  let ip = 0;
  let op = 0;
  while (ip < n) {
    const c = input[ip++];
    if (c < 32) {
      const run = c + 1;
      if (ip + run > n) throw new Error(`lzf: literal run of ${run} passes the input end`);
      if (op + run > outputLength) throw new Error("lzf: output longer than declared");
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let len = c >> 5;
    if (len === 7) {
      if (ip >= n) throw new Error("lzf: truncated back reference");
      len += input[ip++];
    }
    if (ip >= n) throw new Error("lzf: truncated back reference");
    len += 2;
    let ref = op - (((c & 31) << 8) | input[ip++]) - 1;
    if (ref < 0) throw new Error("lzf: back reference before the output start");
    if (op + len > outputLength) throw new Error("lzf: output longer than declared");
    while (len--) out[op++] = out[ref++];
  }
  if (op !== outputLength) {
    throw new Error(`lzf: decompressed to ${op} bytes, expected ${outputLength}`);
  }
  return out;
}

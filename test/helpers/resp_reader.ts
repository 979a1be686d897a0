/**
 * A RESP2/RESP3 reply reader for tests: turns the bytes a server sends into JS values that
 * keep every distinction a test may want to assert on.
 *
 * Why tagged objects and not classes: bun:test's `toEqual` ignores prototypes, so a
 * `SimpleString("OK")` class instance would equal an `ErrorReply("OK")`. Plain objects whose
 * single key names the RESP type (`{ simple: "OK" }`, `{ error: "ERR x" }`) compare exactly,
 * print readably in a failed assertion, and survive JSON for the differential reports.
 *
 * The mapping (bulk strings, the common case, stay bare strings):
 *   $ bulk        → binary string (one char per byte)      + simple  → { simple }
 *   - error       → { error }                              : integer → number (bigint past 2^53)
 *   $-1 / _ null  → null                                   *-1       → { nullArray: true }
 *   * array       → Reply[]                                % map     → { map: [k, v][] }
 *   ~ set         → { set: Reply[] }                       > push    → { push: Reply[] }
 *   , double      → { double: "1.5" } (the exact text)     # bool    → true / false
 *   = verbatim    → { verbatim: text, format: "txt" }      ( bignum  → { bignum: "123" }
 *   | attribute   → { attribute: [k, v][], value }         ! blob error → { error }
 *
 * Doubles keep their text because formatting is itself under test (Redis 7.4 vs 7.0 differ).
 *
 * The reader is incremental: `feed()` appends bytes, `next()` returns one complete reply or
 * `undefined` when more bytes are needed. A partial reply is re-parsed from its start on the
 * next feed; lengths are known up front, so a 10 MB bulk costs a header scan per read.
 */

/** A decoded reply. See the file comment for the mapping. */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Reply[]
  | { simple: string }
  | { error: string }
  | { nullArray: true }
  | { map: [Reply, Reply][] }
  | { set: Reply[] }
  | { push: Reply[] }
  | { double: string }
  | { verbatim: string; format: string }
  | { bignum: string }
  | { attribute: [Reply, Reply][]; value: Reply };

/**
 * The `*-1` null array, for comparisons.
 *
 * @example
 * ```ts
 * expect(await c.send("BLPOP", "nolist", "0.01")).toEqual(NULL_ARRAY);
 * ```
 */
export const NULL_ARRAY: Reply = { nullArray: true };

/**
 * Build a simple-string reply for comparisons.
 *
 * @example
 * ```ts
 * expect(await c.send("SET", "k", "v")).toEqual(simple("OK"));
 * ```
 */
export function simple(text: string): Reply {
  return { simple: text };
}

/**
 * Build an error reply for comparisons.
 *
 * @example
 * ```ts
 * expect(await c.send("NOPE")).toEqual(error("ERR unknown command 'NOPE', with args beginning with: "));
 * ```
 */
export function error(text: string): Reply {
  return { error: text };
}

/**
 * Whether a reply is an error reply.
 *
 * @example
 * ```ts
 * if (isError(reply)) console.log(reply.error);
 * ```
 */
export function isError(r: Reply): r is { error: string } {
  return tagged(r, "error");
}

function tagged(r: Reply, tag: string): boolean {
  return typeof r === "object" && r !== null && !Array.isArray(r) && tag in r;
}

/**
 * Whether a reply is a RESP3 map. Use this rather than `"map" in r` or
 * `toHaveProperty("map")`: arrays have a `map` method (and a `push` one) too.
 *
 * @example
 * ```ts
 * if (isMap(reply)) for (const [k, v] of reply.map) console.log(k, v);
 * ```
 */
export function isMap(r: Reply): r is { map: [Reply, Reply][] } {
  return tagged(r, "map");
}

/**
 * Whether a reply is a RESP3 push message.
 *
 * @example
 * ```ts
 * const msg = await c.read();
 * if (isPush(msg)) console.log(msg.push[0]); // "message"
 * ```
 */
export function isPush(r: Reply): r is { push: Reply[] } {
  return tagged(r, "push");
}

/**
 * The value under `key` in a RESP3 map reply, or in a RESP2 flat key/value array (the shape
 * Redis sends for the same data to RESP2 clients). Undefined when absent.
 *
 * @example
 * ```ts
 * mapGet(await c.send("HELLO", "3"), "proto"); // 3
 * ```
 */
export function mapGet(r: Reply, key: string): Reply | undefined {
  if (isMap(r)) return r.map.find(([k]) => k === key)?.[1];
  if (Array.isArray(r)) {
    for (let i = 0; i + 1 < r.length; i += 2) if (r[i] === key) return r[i + 1];
  }
  return undefined;
}

/** Raised for bytes that are not valid RESP (a server bug worth a clear message). */
export class RespFormatError extends Error {}

/** Thrown internally when the buffer ends in the middle of a reply. */
const INCOMPLETE = Symbol("incomplete");

function latin1(buf: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += 8192) {
    // deno-lint-ignore no-explicit-any
    out += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + 8192)) as any);
  }
  return out;
}

/**
 * Incremental RESP reply decoder.
 *
 * @example
 * ```ts
 * const r = new RespReader();
 * r.feed(new TextEncoder().encode("+OK\r\n:5\r\n"));
 * r.next(); // { simple: "OK" }
 * r.next(); // 5
 * r.next(); // undefined (needs more bytes)
 * ```
 */
export class RespReader {
  private buf = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  private pos = 0;

  /** Append bytes received from the server. */
  feed(chunk: Uint8Array): void {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const size = Math.max(this.buf.length, (live + chunk.length) * 2);
      const next = size > this.buf.length ? new Uint8Array(size) : this.buf;
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Bytes received but not yet consumed by a complete reply. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** The next complete reply, or undefined if more bytes are needed. */
  next(): Reply | undefined {
    if (this.start === this.end) return undefined;
    this.pos = this.start;
    try {
      const v = this.value();
      this.start = this.pos;
      return v;
    } catch (e) {
      if (e === INCOMPLETE) return undefined;
      throw e;
    }
  }

  private line(): string {
    const cr = this.buf.indexOf(13, this.pos);
    if (cr < 0 || cr + 1 >= this.end) throw INCOMPLETE;
    if (this.buf[cr + 1] !== 10) throw new RespFormatError("CR not followed by LF");
    const s = latin1(this.buf, this.pos, cr);
    this.pos = cr + 2;
    return s;
  }

  private int(text: string): number {
    if (!/^-?\d+$/.test(text)) {
      throw new RespFormatError(`bad length or count: ${JSON.stringify(text)}`);
    }
    return Number(text);
  }

  private blob(len: number): string {
    if (this.pos + len + 2 > this.end) throw INCOMPLETE;
    const s = latin1(this.buf, this.pos, this.pos + len);
    if (this.buf[this.pos + len] !== 13 || this.buf[this.pos + len + 1] !== 10) {
      throw new RespFormatError("bulk not terminated by CRLF");
    }
    this.pos += len + 2;
    return s;
  }

  private list(n: number): Reply[] {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }

  private pairs(n: number): [Reply, Reply][] {
    const out: [Reply, Reply][] = [];
    for (let i = 0; i < n; i++) out.push([this.value(), this.value()]);
    return out;
  }

  private value(): Reply {
    if (this.pos >= this.end) throw INCOMPLETE;
    const type = String.fromCharCode(this.buf[this.pos++]);
    const text = this.line();
    switch (type) {
      case "+":
        return { simple: text };
      case "-":
        return { error: text };
      case ":": {
        const n = this.int(text);
        return Number.isSafeInteger(n) ? n : BigInt(text);
      }
      case "$": {
        const len = this.int(text);
        return len < 0 ? null : this.blob(len);
      }
      case "*": {
        const n = this.int(text);
        return n < 0 ? { nullArray: true } : this.list(n);
      }
      case "_":
        return null;
      case "%":
        return { map: this.pairs(this.int(text)) };
      case "~":
        return { set: this.list(this.int(text)) };
      case ">":
        return { push: this.list(this.int(text)) };
      case ",":
        return { double: text };
      case "#":
        if (text !== "t" && text !== "f") throw new RespFormatError(`bad boolean ${text}`);
        return text === "t";
      case "(":
        return { bignum: text };
      case "=": {
        const body = this.blob(this.int(text));
        return { verbatim: body.slice(4), format: body.slice(0, 3) };
      }
      case "!":
        return { error: this.blob(this.int(text)) };
      case "|": {
        const attribute = this.pairs(this.int(text));
        return { attribute, value: this.value() };
      }
      default:
        throw new RespFormatError(
          `unknown RESP type byte ${JSON.stringify(type)} before ${JSON.stringify(text)}`,
        );
    }
  }
}

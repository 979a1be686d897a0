/**
 * Incremental request parser: RESP multibulk and inline commands, as Redis reads them.
 *
 * A connection feeds whatever bytes arrived; `next()` returns one command's argv at a time
 * (binary strings) or null when more bytes are needed. Parsing state survives between
 * reads (bulks already read, the length of the bulk in progress) so a 100 MB argument that
 * arrives in 64 KB reads is scanned once, not once per read.
 *
 * Zero-copy where it can: when nothing is pending, the runtime's read buffer is parsed in
 * place and only an unfinished tail is copied (`retain()` must be called before the read
 * buffer is reused). Arguments are copied out as strings, so nothing pins the read buffer.
 *
 * Limits and errors are Redis's, word for word: 64 KB for inline requests and count lines,
 * `proto-max-bulk-len` for bulks, 10 arguments / 16 KB bulks before authentication. A
 * protocol error is thrown as `ProtocolError`; the connection answers it and closes.
 */

import { allocBytes, bytesToBinary } from "../bytes.ts";

/** Longest inline request or length line (Redis's PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX = 64 * 1024;

/**
 * A malformed request. `message` is the error reply ("ERR Protocol error: ...").
 *
 * @example
 * ```ts
 * try { parser.next(); } catch (e) { if (e instanceof ProtocolError) reply(e.message); }
 * ```
 */
export class ProtocolError extends Error {}

/**
 * Parses requests from a byte stream.
 *
 * @example
 * ```ts
 * const p = new RequestParser();
 * p.feed(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
 * p.next(); // ["PING"]
 * p.retain();
 * ```
 */
export class RequestParser {
  /** Largest accepted bulk (proto-max-bulk-len). */
  maxBulkLen = 512 * 1024 * 1024;
  /** Whether the client still has to authenticate (tighter limits apply). */
  authPending = false;

  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private owned: Uint8Array = allocBytes(16 * 1024);
  private external = false;
  private pendingArgs = 0;
  private argv: string[] = [];
  private bulkLen = -1;
  private lastName = "";
  private lastNameLen = -1;
  private readonly lastNameBytes = new Uint8Array(16);

  /** Bytes buffered and not yet parsed (CLIENT LIST qbuf). */
  get pending(): number {
    return this.end - this.pos;
  }

  /** Offer newly read bytes. The parser may read them in place until `retain()`. */
  feed(chunk: Uint8Array): void {
    if (this.pos === this.end) {
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      this.external = true;
      return;
    }
    if (this.external) this.retain();
    const need = this.end - this.pos + chunk.length;
    if (this.pos + need > this.owned.length) {
      if (need > this.owned.length) {
        const bigger = allocBytes(Math.max(need, this.owned.length * 2));
        bigger.set(this.owned.subarray(this.pos, this.end));
        this.owned = bigger;
      } else {
        this.owned.copyWithin(0, this.pos, this.end);
      }
      this.end -= this.pos;
      this.pos = 0;
      this.buf = this.owned;
    }
    this.owned.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Copy any unparsed bytes out of the caller's read buffer into the parser's own. */
  retain(): void {
    if (!this.external) return;
    this.external = false;
    const n = this.end - this.pos;
    if (n > this.owned.length) this.owned = allocBytes(Math.max(n, this.owned.length * 2));
    if (n > 0) this.owned.set(this.buf.subarray(this.pos, this.end));
    this.buf = this.owned;
    this.pos = 0;
    this.end = n;
    if (n === 0 && this.owned.length > 1024 * 1024) this.owned = allocBytes(16 * 1024);
  }

  /** Forget everything buffered (the connection is closing). */
  reset(): void {
    this.buf = this.owned;
    this.pos = this.end = 0;
    this.external = false;
    this.pendingArgs = 0;
    this.argv = [];
    this.bulkLen = -1;
  }

  /**
   * The next complete command, an empty array for an empty request (to be skipped), or
   * null when more bytes are needed. Throws ProtocolError.
   */
  next(): string[] | null {
    if (this.pendingArgs === 0) {
      if (this.pos >= this.end) return null;
      if (this.buf[this.pos] !== 42 /* '*' */) return this.inline();
      const whole = this.whole();
      if (whole !== null) return whole;
      const nl = this.findCR(this.pos);
      if (nl < 0) {
        if (this.end - this.pos > INLINE_MAX) {
          throw new ProtocolError("ERR Protocol error: too big mbulk count string");
        }
        return null;
      }
      if (nl + 1 >= this.end) return null;
      const n = this.readNumber(this.pos + 1, nl);
      if (n === null || n > 2147483647) {
        throw new ProtocolError("ERR Protocol error: invalid multibulk length");
      }
      if (n > 10 && this.authPending) {
        throw new ProtocolError("ERR Protocol error: unauthenticated multibulk length");
      }
      this.pos = nl + 2;
      if (n <= 0) return [];
      this.pendingArgs = n;
      this.argv = [];
    }
    while (this.pendingArgs > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.end) return null;
        const nl = this.findCR(this.pos);
        if (nl < 0) {
          if (this.end - this.pos > INLINE_MAX) {
            throw new ProtocolError("ERR Protocol error: too big bulk count string");
          }
          return null;
        }
        if (nl + 1 >= this.end) return null;
        if (this.buf[this.pos] !== 36 /* '$' */) {
          throw new ProtocolError(
            `ERR Protocol error: expected '$', got '${String.fromCharCode(this.buf[this.pos])}'`,
          );
        }
        const len = this.readNumber(this.pos + 1, nl);
        if (len === null || len < 0 || len > this.maxBulkLen) {
          throw new ProtocolError("ERR Protocol error: invalid bulk length");
        }
        if (len > 16384 && this.authPending) {
          throw new ProtocolError("ERR Protocol error: unauthenticated bulk length");
        }
        this.pos = nl + 2;
        this.bulkLen = len;
      }
      if (this.end - this.pos < this.bulkLen + 2) {
        this.reserve(this.bulkLen + 2);
        return null;
      }
      this.argv.push(
        this.argv.length === 0
          ? this.commandName(this.pos, this.bulkLen)
          : bytesToBinary(this.buf, this.pos, this.pos + this.bulkLen),
      );
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.pendingArgs--;
    }
    const argv = this.argv;
    this.argv = [];
    return argv;
  }

  /**
   * The common case in one pass over local variables: a whole multibulk request with plain
   * headers (digits only, within every limit) already buffered. Anything else (a request
   * still arriving, a malformed or oversized header) returns null, having consumed nothing,
   * and goes through the incremental path below, which has every check and error message.
   * A request cut by the end of a read is decoded twice at most (once here, in vain).
   */
  private whole(): string[] | null {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos + 1;
    // Headers of at most 9 digits: the scans stop there, whatever follows.
    let stop = Math.min(end, p + 10);
    let start = p;
    let n = 0;
    let c = 0;
    while (p < stop && (c = buf[p]) !== 13) {
      if (c < 48 || c > 57) return null;
      n = n * 10 + c - 48;
      p++;
    }
    // Big requests gain nothing here (and must not preallocate an argv for absent data).
    if (p === start || p + 1 >= end || c !== 13 || n === 0 || n > 1024) return null;
    if (n > 10 && this.authPending) return null;
    p += 2;
    const maxLen = this.authPending ? Math.min(16384, this.maxBulkLen) : this.maxBulkLen;
    const argv = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (p >= end || buf[p] !== 36 /* '$' */) return null;
      start = ++p;
      stop = Math.min(end, p + 10);
      let len = 0;
      while (p < stop && (c = buf[p]) !== 13) {
        if (c < 48 || c > 57) return null;
        len = len * 10 + c - 48;
        p++;
      }
      if (p === start || c !== 13 || len > maxLen) return null;
      p += 2;
      if (end - p < len + 2) return null;
      argv[i] = i === 0 ? this.commandName(p, len) : bytesToBinary(buf, p, p + len);
      p += len + 2;
    }
    this.pos = p;
    return argv;
  }

  /**
   * Index of the next '\r' before `end`, or -1. Length lines are a few bytes long, so a
   * plain loop beats the native indexOf call; long runs fall back to it.
   */
  private findCR(from: number): number {
    const buf = this.buf;
    const stop = Math.min(this.end, from + 24);
    for (let i = from; i < stop; i++) if (buf[i] === 13) return i;
    if (stop === this.end) return -1;
    const nl = buf.indexOf(13, stop);
    return nl < 0 || nl >= this.end ? -1 : nl;
  }

  /**
   * Decode argv[0], reusing the previous command's string when the bytes are the same: a
   * pipeline or a busy client repeats its commands, and a reused string keeps its cached
   * hash for the command-table lookup.
   */
  private commandName(pos: number, len: number): string {
    const buf = this.buf;
    if (len === this.lastNameLen && len <= 16) {
      const last = this.lastNameBytes;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (buf[pos + i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastName;
    }
    const name = bytesToBinary(buf, pos, pos + len);
    if (len <= 16) {
      this.lastNameBytes.set(buf.subarray(pos, pos + len));
      this.lastNameLen = len;
      this.lastName = name;
    }
    return name;
  }

  /** Make room for a big bulk in one allocation instead of doubling repeatedly. */
  private reserve(bytes: number): void {
    if (this.external || bytes < 32 * 1024) return;
    const have = this.end - this.pos;
    if (this.owned.length - this.pos >= bytes) return;
    const target = allocBytes(Math.max(bytes, have));
    target.set(this.owned.subarray(this.pos, this.end));
    this.owned = target;
    this.buf = target;
    this.end = have;
    this.pos = 0;
  }

  private readNumber(from: number, to: number): number | null {
    if (from >= to) return null;
    let neg = false;
    let i = from;
    if (this.buf[i] === 45) {
      neg = true;
      i++;
      if (i === to) return null;
    }
    if (to - i > 18) return null;
    let v = 0;
    for (; i < to; i++) {
      const c = this.buf[i] - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }

  /**
   * An inline request without quotes, split on whitespace straight from the bytes (what
   * splitArgs does to such a line, without decoding it first and building words char by
   * char); null when the line has a quote, for splitArgs.
   */
  private plainWords(from: number, to: number): string[] | null {
    const buf = this.buf;
    const words: string[] = [];
    let i = from;
    for (;;) {
      while (i < to && isSpaceByte(buf[i])) i++;
      if (i >= to) return words;
      const start = i;
      for (; i < to && !isSpaceByte(buf[i]); i++) {
        if (buf[i] === 34 /* '"' */ || buf[i] === 39 /* "'" */) return null;
      }
      words.push(
        words.length === 0 ? this.commandName(start, i - start) : bytesToBinary(buf, start, i),
      );
    }
  }

  private inline(): string[] | null {
    // Inline requests are short: a plain loop first, the native search for long ones.
    const buf = this.buf;
    const stop = Math.min(this.end, this.pos + 64);
    let nl = -1;
    for (let i = this.pos; i < stop; i++) {
      if (buf[i] === 10) {
        nl = i;
        break;
      }
    }
    if (nl < 0 && stop < this.end) nl = buf.indexOf(10, stop);
    if (nl < 0 || nl >= this.end) {
      if (this.end - this.pos > INLINE_MAX) {
        throw new ProtocolError("ERR Protocol error: too big inline request");
      }
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && this.buf[lineEnd - 1] === 13) lineEnd--;
    const words = this.plainWords(this.pos, lineEnd);
    if (words !== null) {
      this.pos = nl + 1;
      return words;
    }
    const line = bytesToBinary(this.buf, this.pos, lineEnd);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) {
      throw new ProtocolError("ERR Protocol error: unbalanced quotes in request");
    }
    return args;
  }
}

/** isSpace for a byte: space, \t, \n, \v, \f, \r. */
function isSpaceByte(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

function isSpace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\v" || c === "\f";
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

/**
 * Split a line into arguments like redis-cli and inline requests do (sdssplitargs):
 * whitespace-separated words, "double quotes" with \n \r \t \b \a \xHH escapes, 'single
 * quotes' with only \' escaped. Returns null on unbalanced quotes, or a closing quote not
 * followed by a space.
 *
 * @example
 * ```ts
 * splitArgs('set "a b" \'c\''); // ["set", "a b", "c"]
 * ```
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = "";
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i];
        if (
          c === "\\" && line[i + 1] === "x" && isHex(line[i + 2] ?? "") && isHex(line[i + 3] ?? "")
        ) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < n) {
          i++;
          cur += ESCAPES[line[i]] ?? line[i];
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inDq = false;
          i++;
          break;
        } else cur += c;
        i++;
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inSq = false;
          i++;
          break;
        } else cur += c;
        i++;
      } else {
        if (i >= n) break;
        const c = line[i];
        if (isSpace(c)) break;
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
        i++;
      }
    }
    out.push(cur);
  }
}

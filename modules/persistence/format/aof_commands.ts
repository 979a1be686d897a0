/**
 * The command form of the AOF: RESP arrays of bulk strings, one per write, plus Redis 7's
 * `#TS:<unix seconds>` annotation lines (aof-timestamp-enabled).
 *
 * `encodeCommand` builds the bytes of one command as a binary string (the appender batches
 * them and converts once per flush). `AofCommandParser` reads a file back command by
 * command and reports where the last complete command ended, so a file cut short by a crash
 * can be truncated there (aof-load-truncated). `formCommands` rebuilds a value from its
 * neutral form with the commands Redis's AOF rewrite would use, in batches of 64 items
 * (AOF_REWRITE_ITEMS_PER_CMD), for rewrites without an RDB preamble.
 */

import { bytesToLatin1, FormatError } from "./bytes.ts";
import { formatScore } from "./value_codec.ts";
import type { RdbValue } from "./values.ts";

/**
 * One command in RESP, as a binary string.
 *
 * @example
 * ```ts
 * encodeCommand(["SET", "k", "v"]); // "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
 * ```
 */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/**
 * Reads AOF commands from a whole file's bytes.
 *
 * @example
 * ```ts
 * const p = new AofCommandParser(bytes);
 * for (let argv = p.next(); argv; argv = p.next()) run(argv);
 * ```
 */
export class AofCommandParser {
  private pos = 0;
  /** Offset just past the last complete command or annotation. */
  validUpTo = 0;

  /** @example `new AofCommandParser(bytes)` */
  constructor(private readonly bytes: Uint8Array) {}

  /** True when the input is consumed. */
  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  private line(what: string): string {
    const b = this.bytes;
    let i = this.pos;
    while (i + 1 < b.length && !(b[i] === 13 && b[i + 1] === 10)) i++;
    if (i + 1 >= b.length) {
      throw new FormatError(`unexpected end of file reading ${what}`, this.pos, true);
    }
    const s = bytesToLatin1(b.subarray(this.pos, i));
    this.pos = i + 2;
    return s;
  }

  private count(prefix: string, what: string): number {
    const at = this.pos;
    const l = this.line(what);
    if (l[0] !== prefix || !/^\d+$/.test(l.slice(1))) {
      throw new FormatError(`bad ${what} '${l.slice(0, 32)}'`, at);
    }
    return Number(l.slice(1));
  }

  /** The next command, or null at the end. Throws FormatError (truncated = cut short). */
  next(): string[] | null {
    const b = this.bytes;
    while (this.pos < b.length && b[this.pos] === 35 /* '#' */) {
      this.line("annotation");
      this.validUpTo = this.pos;
    }
    if (this.pos >= b.length) return null;
    const n = this.count("*", "command length");
    if (n < 1) throw new FormatError("empty command", this.pos);
    const argv: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = this.count("$", "argument length");
      if (this.pos + len + 2 > b.length) {
        throw new FormatError("unexpected end of file reading an argument", this.pos, true);
      }
      if (b[this.pos + len] !== 13 || b[this.pos + len + 1] !== 10) {
        throw new FormatError("argument not followed by CRLF", this.pos + len);
      }
      argv[i] = bytesToLatin1(b.subarray(this.pos, this.pos + len));
      this.pos += len + 2;
    }
    this.validUpTo = this.pos;
    return argv;
  }
}

const BATCH = 64;

function batched(
  emit: (argv: string[]) => void,
  head: string[],
  items: string[],
  width: number,
): void {
  for (let i = 0; i < items.length; i += BATCH * width) {
    emit([...head, ...items.slice(i, i + BATCH * width)]);
  }
}

/**
 * The commands that rebuild `form` at `key` (key assumed absent).
 *
 * @example
 * ```ts
 * formCommands("k", { kind: "list", items: ["a", "b"] }, (argv) => out.push(argv));
 * // [["RPUSH", "k", "a", "b"]]
 * ```
 */
export function formCommands(key: string, form: RdbValue, emit: (argv: string[]) => void): void {
  switch (form.kind) {
    case "string":
      return emit(["SET", key, form.value]);
    case "list":
      return batched(emit, ["RPUSH", key], form.items, 1);
    case "set":
      return batched(emit, ["SADD", key], form.members, 1);
    case "zset":
      return batched(emit, ["ZADD", key], form.entries.flatMap(([m, s]) => [formatScore(s), m]), 2);
    case "hash": {
      batched(emit, ["HSET", key], form.entries.flatMap(([f, v]) => [f, v]), 2);
      for (const [f, , at] of form.entries) {
        if (at) emit(["HPEXPIREAT", key, String(at), "FIELDS", "1", f]);
      }
      return;
    }
    case "stream":
      return streamCommands(key, form, emit);
    case "module":
      throw new Error(`module type '${form.name}' values have no command form`);
  }
}

function streamCommands(
  key: string,
  s: Extract<RdbValue, { kind: "stream" }>,
  emit: (argv: string[]) => void,
): void {
  if (s.entries.length === 0) {
    // XADD needs an entry to create the key: add one and trim it away at once.
    emit(["XADD", key, "MAXLEN", "0", s.lastId, "x", "y"]);
  }
  for (const e of s.entries) emit(["XADD", key, e.id, ...e.fields.flat()]);
  emit([
    "XSETID",
    key,
    s.lastId,
    "ENTRIESADDED",
    String(s.entriesAdded),
    "MAXDELETEDID",
    s.maxDeletedId,
  ]);
  for (const g of s.groups) {
    emit(["XGROUP", "CREATE", key, g.name, g.lastId, "ENTRIESREAD", String(g.entriesRead)]);
    const pel = new Map(g.pending.map((p) => [p.id, p]));
    for (const c of g.consumers) {
      emit(["XGROUP", "CREATECONSUMER", key, g.name, c.name]);
      for (const id of c.pending) {
        const p = pel.get(id);
        emit([
          "XCLAIM",
          key,
          g.name,
          c.name,
          "0",
          id,
          "TIME",
          String(p?.deliveryTime ?? 0),
          "RETRYCOUNT",
          String(p?.deliveryCount ?? 0),
          "JUSTID",
          "FORCE",
        ]);
      }
    }
  }
}

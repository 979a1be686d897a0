/**
 * Replies crossing the Lua boundary, both ways, with the conversion rules Redis documents.
 *
 * Redis → Lua (`LuaReplyBuilder`, the reply sink of the script client behind redis.call):
 * handlers write their reply through core's ReplyWriter and the builder turns it into a Lua
 * value directly, with no RESP bytes in between. What a writer call becomes depends on the
 * protocol the script selected with redis.setresp (2 by default):
 *
 *   reply            RESP2 script                 RESP3 script
 *   integer          number                       number
 *   bulk / verbatim  string                       string / {verbatim_string={format=,string=}}
 *   null bulk/array  false                        nil
 *   status           {ok=s}                       {ok=s}
 *   error            {err=s}                      {err=s}
 *   array/set/push   array table                  array / {set={[v]=true}}
 *   map              flat array table             {map={[k]=v}}
 *   double           string (formatted)           {double=n}
 *   boolean          1 / 0                        true / false
 *   big number       string                       {big_number=s}
 *
 * Lua → Redis (`writeLuaReply`, the script's return value to the caller): strings are bulk
 * strings, numbers are truncated to integers, true is 1 (RESP2 script) or a boolean, false
 * is nil, tables are arrays up to their first nil unless they carry one of the special
 * fields err / ok / double / big_number / verbatim_string / map / set; anything else is nil.
 *
 * Error tables follow Redis's shape: "CODE message", a missing code becomes ERR, and a table
 * raised by redis.call remembers that its error was already counted in errorstats.
 */

import type { ReplyWriter } from "../../core/spec.ts";
import { formatDouble } from "../../core/numbers.ts";
import { LuaTable, type LuaValue } from "./lua/mod.ts";

/** Field marking an error table whose error was already counted (Redis's name). */
export const IGNORE_STATS = "ignore_error_stats_update";

/**
 * Redis's error table for a message, with the error code rules of its luaPushErrorBuff:
 * "-CODE text" keeps CODE, a plain text gets "ERR ", trailing newlines go.
 *
 * @example
 * ```ts
 * errorTable("-WRONGTYPE Operation against a key"); // {err="WRONGTYPE Operation against a key"}
 * errorTable("Unknown Redis command called from script"); // {err="ERR Unknown ..."}
 * ```
 */
export function errorTable(msg: string, counted = false): LuaTable {
  let text: string;
  if (msg.charCodeAt(0) === 45) {
    const space = msg.indexOf(" ");
    text = space < 0 ? "ERR " + msg.slice(1) : msg.slice(1, space) + " " + msg.slice(space + 1);
  } else text = "ERR " + msg;
  const t = new LuaTable();
  t.set("err", text.replace(/[\r\n]+$/, ""));
  if (counted) t.set(IGNORE_STATS, true);
  return t;
}

/** A single-field table ({ok=s}, {double=n}...). */
function field(name: string, v: LuaValue): LuaTable {
  const t = new LuaTable();
  t.set(name, v);
  return t;
}

interface Open {
  t: LuaTable;
  /** 0 array, 1 map (alternating key/value), 2 set, 3 flat map (RESP2). */
  kind: number;
  remaining: number;
  n: number;
  key: LuaValue;
}

/**
 * A ReplyWriter building the Lua value of one reply (see the table above).
 *
 * @example
 * ```ts
 * const b = new LuaReplyBuilder();
 * b.array(2); b.bulk("a"); b.int(1);
 * b.take(); // LuaTable {"a", 1}
 * ```
 */
export class LuaReplyBuilder implements ReplyWriter {
  resp: 2 | 3 = 2;
  /** Called with every error reply written (errorstats). */
  onError: ((msg: string) => void) | null = null;
  /** Whether the top-level reply was an error. */
  isError = false;
  private value: LuaValue = undefined;
  private stack: Open[] = [];

  /** The finished reply, and reset. */
  take(): LuaValue {
    const v = this.value;
    this.value = undefined;
    // Only an unfinished reply leaves frames behind; resetting an empty stack's length is
    // not free on JSC, and this runs once per redis.call.
    if (this.stack.length !== 0) this.stack.length = 0;
    return v;
  }

  private add(v: LuaValue): void {
    const stack = this.stack;
    for (;;) {
      // Checked first: reading stack[-1] would be a named-property lookup, not an index.
      const depth = stack.length;
      if (depth === 0) {
        this.value = v;
        return;
      }
      const top = stack[depth - 1];
      if (top.kind === 0 || top.kind === 3) top.t.set(++top.n, v);
      else if (top.kind === 2) {
        if (v !== undefined) top.t.set(v, true);
      } else if ((top.n++ & 1) === 0) top.key = v;
      else if (top.key !== undefined) top.t.set(top.key, v);
      if (--top.remaining > 0) return;
      stack.pop();
      v = top.kind === 1 ? field("map", top.t) : top.kind === 2 ? field("set", top.t) : top.t;
    }
  }

  private open(n: number, kind: number): void {
    const t = new LuaTable();
    if (n === 0) {
      this.add(kind === 1 ? field("map", t) : kind === 2 ? field("set", t) : t);
      return;
    }
    this.stack.push({
      t,
      kind,
      remaining: kind === 1 || kind === 3 ? 2 * n : n,
      n: 0,
      key: undefined,
    });
  }

  ok(): void {
    this.add(field("ok", "OK"));
  }
  simple(s: string): void {
    this.add(field("ok", s));
  }
  error(msg: string): void {
    this.onError?.(msg);
    if (this.stack.length === 0) this.isError = true;
    this.add(errorTable("-" + msg, true));
  }
  int(n: number | bigint): void {
    this.add(Number(n));
  }
  bulk(s: string | null): void {
    this.add(s === null ? (this.resp === 2 ? false : undefined) : s);
  }
  null(): void {
    this.add(this.resp === 2 ? false : undefined);
  }
  nullArray(): void {
    this.add(this.resp === 2 ? false : undefined);
  }
  array(n: number): void {
    this.open(n, 0);
  }
  map(n: number): void {
    this.open(n, this.resp === 3 ? 1 : 3);
  }
  set(n: number): void {
    this.open(n, this.resp === 3 ? 2 : 0);
  }
  push(n: number): void {
    this.open(n, 0);
  }
  double(d: number): void {
    this.add(this.resp === 3 ? field("double", d) : formatDouble(d));
  }
  bool(b: boolean): void {
    this.add(this.resp === 3 ? b : b ? 1 : 0);
  }
  verbatim(s: string, format = "txt"): void {
    if (this.resp === 2) this.add(s);
    else {
      const t = new LuaTable();
      t.set("format", format);
      t.set("string", s);
      this.add(field("verbatim_string", t));
    }
  }
  bigNumber(s: string): void {
    this.add(this.resp === 3 ? field("big_number", s) : s);
  }
  bulks(items: readonly (string | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}

/** Nesting deeper than this answers an error element, as Redis's Lua stack limit does. */
const MAX_DEPTH = 1000;
const INT64_MIN = "-9223372036854775808";

/** C's (long long) cast of a double as x86 does it: NaN and out-of-range give INT64_MIN. */
function luaNumberToInt(n: number): number | bigint {
  if (n !== n || n >= 9223372036854775807 || n < -9223372036854775808) return BigInt(INT64_MIN);
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/** Replace CR/LF by spaces (status and error lines must stay on one line). */
function oneLine(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, " ") : s;
}

/**
 * What a script error table's message is (the `err` field), if it is one.
 *
 * @example
 * ```ts
 * errorMessageOf(errorTable("boom")); // "ERR boom"
 * ```
 */
export function errorMessageOf(v: LuaValue): string | undefined {
  if (!(v instanceof LuaTable)) return undefined;
  const e = v.gs("err");
  return typeof e === "string" ? e : undefined;
}

/**
 * Write a script's return value to the caller, with Redis's Lua → reply rules. `scriptResp`
 * is the protocol the script selected (it decides how booleans convert). `uncount` is called
 * for an error that was already counted when the command inside the script failed.
 *
 * @example
 * ```ts
 * writeLuaReply(ctx.reply, LuaTable.fromArray([1, "a"]), 2, () => {});
 * ```
 */
export function writeLuaReply(
  reply: ReplyWriter,
  v: LuaValue,
  scriptResp: 2 | 3,
  uncount: (msg: string) => void,
  depth = 0,
): void {
  switch (typeof v) {
    case "string":
      reply.bulk(v);
      return;
    case "number": {
      reply.int(luaNumberToInt(v));
      return;
    }
    case "boolean":
      if (scriptResp === 3) reply.bool(v);
      else if (v) reply.int(1);
      else reply.null();
      return;
  }
  if (!(v instanceof LuaTable)) {
    reply.null();
    return;
  }
  if (depth > MAX_DEPTH) {
    reply.error("ERR reached lua stack limit");
    return;
  }
  const err = v.gs("err");
  if (typeof err === "string") {
    const msg = oneLine(err);
    reply.error(msg);
    if (v.gs(IGNORE_STATS) === true) uncount(msg);
    return;
  }
  const ok = v.gs("ok");
  if (typeof ok === "string") {
    reply.simple(oneLine(ok));
    return;
  }
  const dbl = v.gs("double");
  if (typeof dbl === "number") {
    reply.double(dbl);
    return;
  }
  const big = v.gs("big_number");
  if (typeof big === "string") {
    reply.bigNumber(oneLine(big));
    return;
  }
  const verb = v.gs("verbatim_string");
  if (verb instanceof LuaTable) {
    const format = verb.gs("format");
    const s = verb.gs("string");
    if (typeof format === "string" && typeof s === "string") {
      reply.verbatim(s, format.slice(0, 3));
      return;
    }
  }
  const map = v.gs("map");
  if (map instanceof LuaTable) {
    const entries: [LuaValue, LuaValue][] = [];
    for (let e = map.next(undefined); e !== null; e = map.next(e[0])) entries.push(e);
    reply.map(entries.length);
    for (const [k, val] of entries) {
      writeLuaReply(reply, k, scriptResp, uncount, depth + 1);
      writeLuaReply(reply, val, scriptResp, uncount, depth + 1);
    }
    return;
  }
  const set = v.gs("set");
  if (set instanceof LuaTable) {
    const keys: LuaValue[] = [];
    for (let e = set.next(undefined); e !== null; e = set.next(e[0])) keys.push(e[0]);
    reply.set(keys.length);
    for (const k of keys) writeLuaReply(reply, k, scriptResp, uncount, depth + 1);
    return;
  }
  const arr = v.arr;
  let n = 0;
  while (n < arr.length && arr[n] !== undefined) n++;
  reply.array(n);
  for (let i = 0; i < n; i++) writeLuaReply(reply, arr[i], scriptResp, uncount, depth + 1);
}

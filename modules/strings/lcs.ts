/**
 * LCS: the longest common subsequence of two string values, as the subsequence itself, its
 * length (LEN), or the matching ranges (IDX, optionally WITHMATCHLEN and MINMATCHLEN).
 *
 * The classic dynamic-programming table: cell (i, j) holds the LCS length of the first i
 * bytes of A and the first j bytes of B; the answer is read by walking back from the far
 * corner. Ranges come out from the end of the strings towards their start, exactly in the
 * order Redis emits them, and when the walk can go either way it moves along B first (as
 * Redis does), so IDX output is identical.
 *
 * The table is O(|A|·|B|). Like Redis, a table that would exceed proto-max-bulk-len at 4
 * bytes per cell is refused up front rather than allocated. When the shorter string is
 * under 64 KiB the table uses 2-byte cells, since no cell can exceed that length.
 */

import type { CommandContext, CommandSpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { intArg } from "./common.ts";

/** One matching range: [aStart, aEnd] in A and [bStart, bEnd] in B, inclusive. */
export interface LcsMatch {
  a: [number, number];
  b: [number, number];
  len: number;
}

/** The LCS of two binary strings with its matching ranges (longer than `minLen`). */
export interface LcsResult {
  text: string;
  length: number;
  matches: LcsMatch[];
}

/**
 * Compute the LCS of `a` and `b`, keeping the matching ranges of at least `minLen` bytes
 * (all of them when `minLen` is 0).
 *
 * @example
 * ```ts
 * lcs("ohmytext", "mynewtext", 0).text; // "mytext"
 * ```
 */
export function lcs(a: string, b: string, minLen: number): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const small = Math.min(alen, blen) < 65535; // cells never exceed the shorter length
  const t = small ? new Uint16Array((alen + 1) * w) : new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) t[row + j] = t[prev + j - 1] + 1;
      else t[row + j] = t[prev + j] > t[row + j - 1] ? t[prev + j] : t[row + j - 1];
    }
  }
  const length = t[alen * w + blen];
  const out = new Array<string>(length);
  const matches: LcsMatch[] = [];
  let k = length;
  let cur: LcsMatch | null = null;
  const emit = () => {
    if (minLen === 0 || cur!.len >= minLen) matches.push(cur!);
    cur = null;
  };
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[--k] = a[i - 1];
      // A match right after a match is always contiguous: it extends the range backwards.
      if (cur === null) cur = { a: [i - 1, i - 1], b: [j - 1, j - 1], len: 1 };
      else {
        cur.a[0]--;
        cur.b[0]--;
        cur.len++;
      }
      i--;
      j--;
      if (i === 0 || j === 0) emit();
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
      else j--;
      if (cur !== null) emit();
    }
  }
  return { text: out.join(""), length, matches };
}

function lcsCommand(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  const va = db.lookup(argv[1]);
  const vb = db.lookup(argv[2]);
  if (
    (va !== undefined && typeof va !== "string") || (vb !== undefined && typeof vb !== "string")
  ) {
    throw new ReplyError("ERR The specified keys must contain string values");
  }
  const a = va ?? "";
  const b = vb ?? "";
  let wantLen = false;
  let wantIdx = false;
  let withLen = false;
  let minLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toUpperCase();
    if (opt === "IDX") wantIdx = true;
    else if (opt === "LEN") wantLen = true;
    else if (opt === "WITHMATCHLEN") withLen = true;
    else if (opt === "MINMATCHLEN" && j + 1 < argv.length) minLen = Math.max(0, intArg(argv[++j]));
    else throw new ReplyError(SYNTAX_ERR);
  }
  if (wantLen && wantIdx) {
    throw new ReplyError("ERR If you want both the length and indexes, please just use IDX.");
  }
  if ((a.length + 1) * (b.length + 1) * 4 > ctx.server.settings.protoMaxBulkLen) {
    throw new ReplyError(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  let res: LcsResult;
  try {
    res = lcs(a, b, minLen);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new ReplyError("ERR Insufficient memory, failed allocating transient memory for LCS");
    }
    throw err;
  }
  const r = ctx.reply;
  if (wantLen) {
    r.int(res.length);
    return;
  }
  if (!wantIdx) {
    r.bulk(res.text);
    return;
  }
  r.map(2);
  r.bulk("matches");
  r.array(res.matches.length);
  for (const m of res.matches) {
    r.array(withLen ? 3 : 2);
    r.array(2);
    r.int(m.a[0]);
    r.int(m.a[1]);
    r.array(2);
    r.int(m.b[0]);
    r.int(m.b[1]);
    if (withLen) r.int(m.len);
  }
  r.bulk("len");
  r.int(res.length);
}

/**
 * The LCS command.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "strings", commands: [lcsCommandSpec] };
 * ```
 */
export const lcsCommandSpec: CommandSpec = {
  name: "lcs",
  group: "string",
  summary: "Finds the longest common subsequence of two string values.",
  since: "7.0.0",
  complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
  arity: -3,
  flags: ["readonly"],
  keys: [{ flags: ["RO", "access"], begin: 1, find: { lastKey: 1, step: 1 } }],
  arguments: [
    { name: "key1", type: "key", keySpecIndex: 0 },
    { name: "key2", type: "key", keySpecIndex: 0 },
    { name: "len", type: "pure-token", token: "LEN", optional: true },
    { name: "idx", type: "pure-token", token: "IDX", optional: true },
    { name: "min-match-len", type: "integer", token: "MINMATCHLEN", optional: true },
    { name: "withmatchlen", type: "pure-token", token: "WITHMATCHLEN", optional: true },
  ],
  handler: lcsCommand,
};

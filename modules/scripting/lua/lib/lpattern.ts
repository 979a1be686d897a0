/*
 * Lua 5.1 patterns: a backtracking matcher over binary strings.
 *
 * Supported exactly as in Lua: single-char classes (. %a %c %d %l %p %s %u %w %x %z and
 * their upper-case complements, %<punct> escapes), sets [...] with ranges and classes and
 * [^...] complements, the quantifiers * + - ?, anchors ^ (at pattern start) and $ (at
 * pattern end), captures (...) and position captures (), back references %1-%9, balanced
 * matches %bxy and frontiers %f[set]. Error texts match lstrlib ("malformed pattern (ends
 * with '%')", "invalid capture index", "unfinished capture", ...).
 *
 * The matcher recurses only where Lua does (captures, optional items, alternatives of the
 * expanding quantifiers); a plain run of single-character items is a loop, so long
 * subjects do not deepen the JS stack.
 */

import { rtError } from "../runtime.ts";

const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const MAX_CAPTURES = 32;
const L_ESC = 37; // '%'

/** A capture: a substring, or a 1-based position for "()". */
export type Capture = string | number;

/**
 * Matching state for one subject/pattern pair.
 *
 * @example
 * ```ts
 * const m = new Matcher("hello world", "(o)");
 * m.find(0); // [4, 5]: start and end (exclusive) of the first match
 * ```
 */
export class Matcher {
  level = 0;
  capStart: number[] = [];
  capLen: number[] = [];

  /** Prepare to match pattern `p` against subject `s`. */
  constructor(readonly s: string, readonly p: string) {}

  /** Find the first match at or after `init` (0-based); returns [start, end) or null. */
  find(init: number, anchorOk = true): [number, number] | null {
    const p = this.p;
    const anchor = anchorOk && p.charCodeAt(0) === 94; // '^'
    const pi = anchor ? 1 : 0;
    let si = init;
    do {
      this.level = 0;
      const e = this.match(si, pi);
      if (e !== -1) return [si, e];
      si++;
    } while (si <= this.s.length && !anchor);
    return null;
  }

  /** Try to match at exactly `si` from pattern index `pi`; returns the end or -1. */
  matchAt(si: number, pi: number): number {
    this.level = 0;
    return this.match(si, pi);
  }

  /** Capture `i` (0-based) of the last match [s0, e0); index 0 without captures is the match. */
  capture(i: number, s0: number, e0: number): Capture {
    if (i >= this.level) {
      if (i === 0) return this.s.slice(s0, e0);
      rtError("invalid capture index");
    }
    const l = this.capLen[i];
    if (l === CAP_UNFINISHED) rtError("unfinished capture");
    if (l === CAP_POSITION) return this.capStart[i] + 1;
    return this.s.substr(this.capStart[i], l);
  }

  /** All captures of the last match (the whole match when there are none). */
  captures(s0: number, e0: number, wholeIfNone = true): Capture[] {
    const n = this.level === 0 && wholeIfNone ? 1 : this.level;
    const out: Capture[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.capture(i, s0, e0);
    return out;
  }

  private classEnd(pi: number): number {
    const p = this.p;
    const c = p.charCodeAt(pi++);
    if (c === L_ESC) {
      if (pi >= p.length) rtError("malformed pattern (ends with '%')");
      return pi + 1;
    }
    if (c === 91) { // '['
      if (p.charCodeAt(pi) === 94) pi++;
      do {
        if (pi >= p.length) rtError("malformed pattern (missing ']')");
        const cc = p.charCodeAt(pi++);
        if (cc === L_ESC && pi < p.length) pi++;
      } while (p.charCodeAt(pi) !== 93);
      return pi + 1;
    }
    return pi;
  }

  private singleMatch(c: number, pi: number, ep: number): boolean {
    const pc = this.p.charCodeAt(pi);
    switch (pc) {
      case 46: // '.'
        return true;
      case L_ESC:
        return matchClass(c, this.p.charCodeAt(pi + 1));
      case 91: // '['
        return this.matchBracket(c, pi, ep - 1);
      default:
        return pc === c;
    }
  }

  private matchBracket(c: number, pi: number, ec: number): boolean {
    const p = this.p;
    let sig = true;
    if (p.charCodeAt(pi + 1) === 94) {
      sig = false;
      pi++;
    }
    while (++pi < ec) {
      const pc = p.charCodeAt(pi);
      if (pc === L_ESC) {
        pi++;
        if (matchClass(c, p.charCodeAt(pi))) return sig;
      } else if (p.charCodeAt(pi + 1) === 45 && pi + 2 < ec) { // range a-z
        if (pc <= c && c <= p.charCodeAt(pi + 2)) return sig;
        pi += 2;
      } else if (pc === c) return sig;
    }
    return !sig;
  }

  private match(si: number, pi: number): number {
    const s = this.s;
    const p = this.p;
    for (;;) {
      if (pi >= p.length) return si;
      const pc = p.charCodeAt(pi);
      switch (pc) {
        case 40: // '('
          if (p.charCodeAt(pi + 1) === 41) return this.startCapture(si, pi + 2, CAP_POSITION);
          return this.startCapture(si, pi + 1, CAP_UNFINISHED);
        case 41: // ')'
          return this.endCapture(si, pi + 1);
        case 36: // '$'
          if (pi + 1 === p.length) return si === s.length ? si : -1;
          break;
        case L_ESC: {
          const nc = p.charCodeAt(pi + 1);
          if (nc === 98) { // %b
            si = this.matchBalance(si, pi + 2);
            if (si === -1) return -1;
            pi += 4;
            continue;
          }
          if (nc === 102) { // %f
            pi += 2;
            if (p.charCodeAt(pi) !== 91) rtError("missing '[' after '%f' in pattern");
            const ep = this.classEnd(pi);
            const prev = si === 0 ? 0 : s.charCodeAt(si - 1);
            const cur = si < s.length ? s.charCodeAt(si) : 0;
            if (!this.matchBracket(prev, pi, ep - 1) && this.matchBracket(cur, pi, ep - 1)) {
              pi = ep;
              continue;
            }
            return -1;
          }
          if (nc >= 48 && nc <= 57) { // back reference
            si = this.matchCapture(si, nc);
            if (si === -1) return -1;
            pi += 2;
            continue;
          }
          break;
        }
      }
      const ep = this.classEnd(pi);
      const m = si < s.length && this.singleMatch(s.charCodeAt(si), pi, ep);
      const q = p.charCodeAt(ep);
      if (q === 63) { // '?'
        if (m) {
          const r = this.match(si + 1, ep + 1);
          if (r !== -1) return r;
        }
        pi = ep + 1;
        continue;
      }
      if (q === 42) return this.maxExpand(si, pi, ep); // '*'
      if (q === 43) return m ? this.maxExpand(si + 1, pi, ep) : -1; // '+'
      if (q === 45) return this.minExpand(si, pi, ep); // '-'
      if (!m) return -1;
      si++;
      pi = ep;
    }
  }

  private maxExpand(si: number, pi: number, ep: number): number {
    const s = this.s;
    let i = 0;
    while (si + i < s.length && this.singleMatch(s.charCodeAt(si + i), pi, ep)) i++;
    while (i >= 0) {
      const r = this.match(si + i, ep + 1);
      if (r !== -1) return r;
      i--;
    }
    return -1;
  }

  private minExpand(si: number, pi: number, ep: number): number {
    const s = this.s;
    for (;;) {
      const r = this.match(si, ep + 1);
      if (r !== -1) return r;
      if (si < s.length && this.singleMatch(s.charCodeAt(si), pi, ep)) si++;
      else return -1;
    }
  }

  private startCapture(si: number, pi: number, what: number): number {
    if (this.level >= MAX_CAPTURES) rtError("too many captures");
    this.capStart[this.level] = si;
    this.capLen[this.level] = what;
    this.level++;
    const r = this.match(si, pi);
    if (r === -1) this.level--;
    return r;
  }

  private endCapture(si: number, pi: number): number {
    let l = -1;
    for (let i = this.level - 1; i >= 0; i--) {
      if (this.capLen[i] === CAP_UNFINISHED) {
        l = i;
        break;
      }
    }
    if (l < 0) rtError("invalid pattern capture");
    this.capLen[l] = si - this.capStart[l];
    const r = this.match(si, pi);
    if (r === -1) this.capLen[l] = CAP_UNFINISHED;
    return r;
  }

  private matchBalance(si: number, pi: number): number {
    const p = this.p;
    const s = this.s;
    if (pi + 1 >= p.length) rtError("unbalanced pattern");
    if (si >= s.length || s.charCodeAt(si) !== p.charCodeAt(pi)) return -1;
    const b = p.charCodeAt(pi);
    const e = p.charCodeAt(pi + 1);
    let cont = 1;
    for (let i = si + 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === e) {
        if (--cont === 0) return i + 1;
      } else if (c === b) cont++;
    }
    return -1;
  }

  private matchCapture(si: number, digit: number): number {
    const l = digit - 49; // '1'
    if (l < 0 || l >= this.level || this.capLen[l] === CAP_UNFINISHED) {
      rtError("invalid capture index");
    }
    const len = this.capLen[l];
    const cap = this.s.substr(this.capStart[l], len);
    if (this.s.length - si >= len && this.s.substr(si, len) === cap) return si + len;
    return -1;
  }
}

function matchClass(c: number, cl: number): boolean {
  let res: boolean;
  const lower = cl | 0x20;
  switch (lower) {
    case 97: // a
      res = isAlpha(c);
      break;
    case 99: // c
      res = c < 32 || c === 127;
      break;
    case 100: // d
      res = c >= 48 && c <= 57;
      break;
    case 108: // l
      res = c >= 97 && c <= 122;
      break;
    case 112: // p
      res = isPunct(c);
      break;
    case 115: // s
      res = c === 32 || (c >= 9 && c <= 13);
      break;
    case 117: // u
      res = c >= 65 && c <= 90;
      break;
    case 119: // w
      res = isAlpha(c) || (c >= 48 && c <= 57);
      break;
    case 120: // x
      res = (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
      break;
    case 122: // z
      res = c === 0;
      break;
    default:
      return cl === c;
  }
  // An upper-case class letter is the complement.
  return cl >= 65 && cl <= 90 ? !res : res;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isPunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
    (c >= 123 && c <= 126);
}

/**
 * True if the pattern has no magic characters (string.find may search plainly).
 *
 * @example
 * ```ts
 * isPlainPattern("abc"); // true
 * ```
 */
export function isPlainPattern(p: string): boolean {
  return !/[\^$*+?.(\[%-]/.test(p);
}

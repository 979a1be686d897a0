/**
 * Glob-style matching with Redis's syntax (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL
 * key patterns): `*` any run, `?` one byte, `[abc]`, `[^a-z]` classes with ranges, `\x`
 * escapes the next char. Case folding for CONFIG GET and friends.
 *
 * Matching is iterative with single-star backtracking (remember the last `*` and where it
 * started matching): worst case O(pattern × string), never exponential, so a hostile pattern
 * like "a*a*a*a*...b" cannot stall the server as naive recursion would. Like Redis, a match
 * that has to go through more than 1000 '*' groups fails.
 */

function lower(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

/** Match one class `[...]` starting at p (after '['); returns [matched, index after ']']. */
function matchClass(pat: string, p: number, c: number, nocase: boolean): [boolean, number] {
  let not = false;
  if (pat[p] === "^") {
    not = true;
    p++;
  }
  let match = false;
  const lc = lower(c, nocase);
  for (;;) {
    if (p >= pat.length) {
      // Unterminated class: Redis treats the end of pattern as the closing bracket.
      p = pat.length;
      break;
    }
    const ch = pat[p];
    if (ch === "]") {
      p++;
      break;
    }
    if (ch === "\\" && p + 1 < pat.length) {
      p++;
      if (lower(pat.charCodeAt(p), nocase) === lc) match = true;
      p++;
    } else if (p + 2 < pat.length && pat[p + 1] === "-") {
      let start = lower(pat.charCodeAt(p), nocase);
      let end = lower(pat.charCodeAt(p + 2), nocase);
      if (start > end) [start, end] = [end, start];
      if (lc >= start && lc <= end) match = true;
      p += 3;
    } else {
      if (lower(pat.charCodeAt(p), nocase) === lc) match = true;
      p++;
    }
  }
  return [not ? !match : match, p];
}

/**
 * Whether `str` matches the glob `pattern`.
 *
 * @example
 * ```ts
 * globMatch("user:*", "user:42"); // true
 * globMatch("h[ae]llo", "hallo"); // true
 * globMatch("MAX*", "maxmemory", true); // true
 * ```
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  // Redis refuses to nest deeper than 1000 '*' groups (its recursion limit): a match that
  // needs a 1001st non-trailing '*' group fails, and so must ours.
  let starGroups = 0;
  const pl = pattern.length;
  const sl = str.length;
  while (s < sl) {
    if (p < pl) {
      const ch = pattern[p];
      if (ch === "*") {
        while (p < pl && pattern[p] === "*") p++;
        if (p === pl) return true;
        if (p > starP && ++starGroups > 1000) return false;
        starP = p;
        starS = s;
        continue;
      }
      if (ch === "?") {
        p++;
        s++;
        continue;
      }
      if (ch === "[") {
        const [ok, next] = matchClass(pattern, p + 1, str.charCodeAt(s), nocase);
        if (ok) {
          p = next;
          s++;
          continue;
        }
      } else {
        let pc = pattern.charCodeAt(p);
        let adv = 1;
        if (ch === "\\" && p + 1 < pl) {
          pc = pattern.charCodeAt(p + 1);
          adv = 2;
        }
        if (lower(pc, nocase) === lower(str.charCodeAt(s), nocase)) {
          p += adv;
          s++;
          continue;
        }
      }
    }
    if (starP < 0) return false;
    p = starP;
    s = ++starS;
  }
  while (p < pl && pattern[p] === "*") p++;
  return p === pl;
}

/**
 * Redis 7's multi-part AOF manifest: the text file (`<appendfilename>.manifest` in
 * `appenddirname`) that lists the AOF's files, one per line, as key/value words:
 *
 *   file appendonly.aof.1.base.rdb seq 1 type b
 *   file appendonly.aof.1.incr.aof seq 1 type i
 *
 * Types: b = the base (an RDB, or commands when aof-use-rdb-preamble is off), i = an
 * incremental file of commands appended after the base, h = history (files a finished
 * rewrite made obsolete, waiting to be deleted). Loading replays the base, then the incr
 * files in manifest order. Names with spaces or special bytes are written quoted, as Redis
 * does; unknown keys are ignored so newer manifests still load.
 */

/** One line of a manifest. @example `{ name: "appendonly.aof.1.incr.aof", seq: 1, type: "i" }` */
export interface AofFileInfo {
  name: string;
  seq: number;
  type: "b" | "h" | "i";
}

/** Split a line into words, honouring double quotes with \\, \" and \xHH escapes. */
function words(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    if (line[i] !== '"') {
      const start = i;
      while (i < line.length && line[i] !== " " && line[i] !== "\t") i++;
      out.push(line.slice(start, i));
      continue;
    }
    let w = "";
    for (i++;; i++) {
      if (i >= line.length) return null;
      const ch = line[i];
      if (ch === '"') break;
      if (ch === "\\" && line[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
        w += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
        i += 3;
      } else if (ch === "\\" && i + 1 < line.length) {
        const n = line[++i];
        w += n === "n" ? "\n" : n === "r" ? "\r" : n === "t" ? "\t" : n;
      } else w += ch;
    }
    out.push(w);
    i++;
  }
  return out;
}

/**
 * Parse a manifest; throws an Error naming the line on anything invalid.
 *
 * @example
 * ```ts
 * parseManifest("file a.1.base.rdb seq 1 type b\n"); // [{ name: "a.1.base.rdb", seq: 1, type: "b" }]
 * ```
 */
export function parseManifest(text: string): AofFileInfo[] {
  const files: AofFileInfo[] = [];
  let bases = 0;
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const w = words(line);
    if (w === null || w.length % 2 !== 0) {
      throw new Error(`invalid AOF manifest line ${n + 1}: '${line}'`);
    }
    const kv = new Map<string, string>();
    for (let i = 0; i < w.length; i += 2) kv.set(w[i], w[i + 1]);
    const name = kv.get("file");
    const seq = Number(kv.get("seq"));
    const type = kv.get("type");
    if (
      !name || !Number.isSafeInteger(seq) || seq < 0 ||
      (type !== "b" && type !== "h" && type !== "i")
    ) {
      throw new Error(`invalid AOF manifest line ${n + 1}: '${line}'`);
    }
    if (type === "b" && ++bases > 1) {
      throw new Error(`AOF manifest line ${n + 1}: more than one base file`);
    }
    files.push({ name, seq, type });
  }
  return files;
}

function quote(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !/["\\]/.test(name)) return name;
  let q = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    q += ch === '"' || ch === "\\"
      ? "\\" + ch
      : c < 0x20 || c > 0x7e
      ? "\\x" + c.toString(16).padStart(2, "0")
      : ch;
  }
  return q + '"';
}

/**
 * Format a manifest (base first, then history, then incr files, as Redis orders them).
 *
 * @example
 * ```ts
 * formatManifest([{ name: "a.1.base.rdb", seq: 1, type: "b" }]); // "file a.1.base.rdb seq 1 type b\n"
 * ```
 */
export function formatManifest(files: readonly AofFileInfo[]): string {
  const order = { b: 0, h: 1, i: 2 };
  return [...files]
    .sort((a, b) => order[a.type] - order[b.type])
    .map((f) => `file ${quote(f.name)} seq ${f.seq} type ${f.type}\n`)
    .join("");
}

/**
 * The `#!` first line of scripts and libraries, as Redis 7 reads it.
 *
 * EVAL bodies may start with `#!lua flags=no-writes,allow-oom`: the script then declares
 * what it does instead of being run in the compatibility mode of pre-7 scripts (which may
 * write, and get no checks before running). Library code for FUNCTION LOAD must start with
 * `#!lua name=<library>`. Both parsers return the offset where Lua code starts: the
 * shebang line is blanked rather than removed so that line numbers in errors stay right.
 */

/** Script flags, as Redis names them (SCRIPT flags of EVAL shebangs and register_function). */
export const SCRIPT_FLAGS = [
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
] as const;

/** One script flag. */
export type ScriptFlag = typeof SCRIPT_FLAGS[number];

/** What an EVAL body declares. */
export interface ScriptHeader {
  /** No shebang: a pre-Redis-7 script (may write, no pre-run checks). */
  compat: boolean;
  flags: Set<ScriptFlag>;
  /** Length of the shebang line (without its newline); the code after it keeps the newline. */
  length: number;
}

/** A refused shebang; `message` is the reply text without the "ERR " code. */
export class ShebangError extends Error {}

/**
 * Split a shebang line into words like Redis's sdssplitargs: blanks separate words, and a
 * double- or single-quoted section (anywhere in a word) keeps its blanks, with backslash
 * escapes inside double quotes.
 */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && " \t\r\n".includes(line[i])) i++;
    if (i >= line.length) break;
    let word = "";
    while (i < line.length && !" \t\r\n".includes(line[i])) {
      const q = line[i];
      if (q !== '"' && q !== "'") {
        word += line[i++];
        continue;
      }
      const close = line.indexOf(q, i + 1);
      if (close < 0) throw new ShebangError("Invalid library metadata");
      let part = line.slice(i + 1, close);
      if (q === '"') {
        part = part.replace(
          /\\(.)/g,
          (_, c: string) => ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c] ?? c,
        );
      }
      word += part;
      i = close + 1;
    }
    out.push(word);
  }
  return out;
}

/**
 * Read an EVAL body's shebang (Redis's evalExtractShebangFlags).
 *
 * @example
 * ```ts
 * parseScriptHeader("#!lua flags=no-writes\nreturn 1").flags.has("no-writes"); // true
 * ```
 */
export function parseScriptHeader(body: string): ScriptHeader {
  if (!body.startsWith("#!")) return { compat: true, flags: new Set(), length: 0 };
  const end = body.indexOf("\n");
  if (end < 0) throw new ShebangError("Invalid script shebang");
  const parts = splitArgs(body.slice(0, end));
  if (parts.length === 0) throw new ShebangError("Invalid engine in script shebang");
  if (parts[0] !== "#!lua") {
    throw new ShebangError(`Unexpected engine in script shebang: ${parts[0]}`);
  }
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) throw new ShebangError(`Unknown lua shebang option: ${part}`);
    for (const f of part.slice(6).split(",")) {
      if (f === "") continue;
      if (!(SCRIPT_FLAGS as readonly string[]).includes(f)) {
        throw new ShebangError(`Unexpected flag in script shebang: ${f}`);
      }
      flags.add(f as ScriptFlag);
    }
  }
  return { compat: false, flags, length: end };
}

/** What a library's first line declares. */
export interface LibraryHeader {
  engine: string;
  name: string;
  /** The code after the shebang line (starting with its newline). */
  code: string;
}

/**
 * Read a library's metadata line (Redis's functionExtractLibMetaData).
 *
 * @example
 * ```ts
 * parseLibraryHeader("#!lua name=mylib\nredis.register_function('f', function() end)").name; // "mylib"
 * ```
 */
export function parseLibraryHeader(code: string): LibraryHeader {
  if (!code.startsWith("#!")) throw new ShebangError("Missing library metadata");
  const end = code.indexOf("\n");
  if (end < 0) throw new ShebangError("Invalid library metadata");
  const parts = splitArgs(code.slice(0, end));
  if (parts.length === 0) throw new ShebangError("Invalid library metadata");
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === "name=") {
      if (name !== null) {
        throw new ShebangError("Invalid metadata value, name argument was given multiple times");
      }
      name = part.slice(5);
      continue;
    }
    throw new ShebangError(`Invalid metadata value given: ${part}`);
  }
  if (name === null) throw new ShebangError("Library name was not given");
  return { engine: parts[0].slice(2), name, code: code.slice(end) };
}

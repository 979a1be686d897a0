/**
 * Small file helpers over the Host's synchronous file API: where persistence files live
 * (`dir`), and reading a whole file.
 */

import type { ServerApi } from "../../core/server.ts";
import type { Host } from "../../core/net/transport.ts";

/**
 * The directory persistence files live in: the `dir` directive, made absolute against the
 * process's working directory.
 *
 * @example
 * ```ts
 * `${dirOf(server)}/${server.config.get("dbfilename")}`; // "/var/lib/modis/dump.rdb"
 * ```
 */
export function dirOf(server: ServerApi): string {
  const d = server.config.get("dir") || ".";
  if (d.startsWith("/")) return d.replace(/\/+$/, "") || "/";
  const cwd = server.host?.cwd() ?? ".";
  return d === "." ? cwd : `${cwd}/${d.replace(/^\.\//, "")}`;
}

/**
 * A whole file's bytes (throws when it cannot be read).
 *
 * @example
 * ```ts
 * const bytes = readWholeFile(host, "/data/appendonlydir/appendonly.aof.manifest");
 * ```
 */
export function readWholeFile(host: Host, path: string): Uint8Array {
  const f = host.openFile(path, "read");
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(Math.max(64 * 1024, total), 16 << 20));
      const n = f.read(buf);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    f.close();
  }
}

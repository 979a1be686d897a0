/**
 * DEBUG DIGEST / DIGEST-VALUE: a 160-bit fingerprint of the dataset or of single values,
 * for comparing two datasets (before and after a reload, master and replica).
 *
 * Redis mixes SHA-1 digests of each key and value; what clients rely on is only that
 * equal datasets give equal strings, different ones (almost surely) different strings,
 * and an empty dataset 40 zeros. Modis keeps those properties with a cheaper mix: five
 * independent 32-bit FNV-1a lanes over a canonical text of each key and value, combined
 * by XOR across keys so the order keys are visited in does not matter.
 *
 * Values are opaque to this module (each data type owns its representation), so a typed
 * value is canonicalized structurally: arrays in order, Maps and Sets order-independently
 * (their entries sorted), other objects by their own fields sorted by name. Two values
 * with the same contents but different internal layouts can therefore digest differently;
 * a `digest` callback on TypeSpec (listed in the design, not in core yet) would remove that.
 */

import type { Value } from "../../core/spec.ts";
import type { ServerApi } from "../../core/server.ts";

const SEEDS = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];

function lanes(text: string): number[] {
  return SEEDS.map((seed) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    // Final avalanche so short inputs spread over all bits.
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d) >>> 0;
    h ^= h >>> 15;
    return h >>> 0;
  });
}

function canonical(v: unknown, seen: WeakSet<object>): string {
  if (typeof v === "string") return `s${v.length}:${v}`;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
    return `n${String(v)};`;
  }
  if (v === null || v === undefined || typeof v === "function") return "_";
  const o = v as object;
  if (seen.has(o)) return "^";
  seen.add(o);
  let out: string;
  if (Array.isArray(o) || ArrayBuffer.isView(o)) {
    out = "[" + Array.from(o as ArrayLike<unknown>, (x) => canonical(x, seen)).join(",") + "]";
  } else if (o instanceof Map) {
    out = "{" + [...o].map(([k, x]) =>
      canonical(k, seen) + "=" + canonical(x, seen)
    ).sort().join(",") + "}";
  } else if (o instanceof Set) {
    out = "<" + [...o].map((x) => canonical(x, seen)).sort().join(",") + ">";
  } else {
    const rec = o as Record<string, unknown>;
    out = "(" + Object.keys(rec).filter((k) =>
      k !== "type"
    ).sort().map((k) => k + "=" + canonical(rec[k], seen))
      .join(",") +
      ")";
  }
  seen.delete(o);
  return out;
}

function hex(words: number[]): string {
  return words.map((w) => w.toString(16).padStart(8, "0")).join("");
}

/**
 * The digest of one value (40 hex digits); `expireAt` (ms, or -1) is part of it.
 *
 * @example
 * ```ts
 * valueDigest("k", "v", -1); // "3f9c..."
 * ```
 */
export function valueDigest(key: string, value: Value, expireAt: number): string {
  return hex(
    lanes(canonical(key, new WeakSet()) + "|" + canonical(value, new WeakSet()) + "|" + expireAt),
  );
}

/**
 * The digest of every database (40 zeros when all are empty).
 *
 * @example
 * ```ts
 * datasetDigest(server); // "0000000000000000000000000000000000000000" on an empty server
 * ```
 */
export function datasetDigest(server: ServerApi): string {
  const acc = [0, 0, 0, 0, 0];
  for (const db of server.dbs) {
    db.main.forEach((value, key) => {
      const l = lanes(
        `${db.index}|` + canonical(key, new WeakSet()) + "|" + canonical(value, new WeakSet()) +
          "|" + db.getExpire(key),
      );
      for (let i = 0; i < 5; i++) acc[i] = (acc[i] ^ l[i]) >>> 0;
    });
  }
  return hex(acc);
}

/**
 * The keys and values differential generators draw from. Few keys, so commands keep
 * meeting each other's data; values chosen to sit on parsing and range boundaries (int64
 * limits, leading spaces and zeros, floats Redis accepts or refuses, binary and empty).
 */

import type { IntendedDifference, Rng, Template } from "./framework.ts";

/**
 * Keys every generator may touch (a binary one and an empty one included).
 *
 * @example
 * ```ts
 * rng.pick(KEYS);
 * ```
 */
export const KEYS: readonly string[] = ["k0", "k1", "k2", "k3", "k4", "k\x00\xff\r\n", "", "{t}k5"];

/** Values on integer/float parsing boundaries. */
const NUMERIC = [
  "0",
  "1",
  "-1",
  "42",
  "-42",
  "007",
  " 1",
  "1 ",
  "+1",
  "0x10",
  "1e3",
  "1.5",
  "-0.0",
  "3.0e-2",
  ".5",
  "5.",
  "inf",
  "-inf",
  "nan",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "-9223372036854775809",
  "4611686018427387904",
  "99999999999999999999",
  "1.7976931348623157e308",
];

const TEXT = [
  "",
  "a",
  "abc",
  "hello world",
  "\x00\r\n\xff",
  "x".repeat(44),
  "y".repeat(45),
  "z".repeat(300),
];

/**
 * A value: numeric-looking, text, or random bytes.
 *
 * @example
 * ```ts
 * const v = value(rng);
 * ```
 */
export function value(rng: Rng): string {
  const r = rng.next();
  if (r < 0.45) return rng.pick(NUMERIC);
  if (r < 0.8) return rng.pick(TEXT);
  return rng.bytes(20);
}

/**
 * An integer argument, often on the edges of int64 and sometimes not an integer at all.
 *
 * @example
 * ```ts
 * ["INCRBY", key(rng), intArg(rng)];
 * ```
 */
export function intArg(rng: Rng): string {
  const r = rng.next();
  if (r < 0.6) return String(rng.int(-100, 100));
  if (r < 0.85) {
    return rng.pick([
      "9223372036854775807",
      "-9223372036854775808",
      "9223372036854775806",
      "-9223372036854775807",
      "4611686018427387904",
    ]);
  }
  return rng.pick(["1.5", "abc", "", " 1", "9223372036854775808", "0x1", "1e2"]);
}

/**
 * A key from the shared pool.
 *
 * @example
 * ```ts
 * ["GET", key(rng)];
 * ```
 */
export function key(rng: Rng): string {
  return rng.pick(KEYS);
}

/**
 * Occasionally a flag in odd case ("ex", "Ex") since Redis options are case-insensitive.
 *
 * @example
 * ```ts
 * flag(rng, "NX"); // "NX", "nx" or "Nx"
 * ```
 */
export function flag(rng: Rng, name: string): string {
  const r = rng.next();
  if (r < 0.8) return name;
  if (r < 0.9) return name.toLowerCase();
  return name[0] + name.slice(1).toLowerCase();
}

/**
 * Templates that put a non-string value (list, hash, set, sorted set) under a shared key,
 * bringing WRONGTYPE into string commands and other types into TYPE/RENAME/COPY. Each is
 * enabled as soon as its module is built in.
 *
 * @example
 * ```ts
 * const templates = [...myTemplates, ...otherTypeTemplates];
 * ```
 */
export const otherTypeTemplates: Template[] = [
  {
    name: "a list key",
    needs: ["rpush"],
    weight: 0.2,
    make: (rng) => ({ argv: ["RPUSH", key(rng), "e"] }),
  },
  {
    name: "a hash key",
    needs: ["hset"],
    weight: 0.2,
    make: (rng) => ({ argv: ["HSET", key(rng), "f", "v"] }),
  },
  {
    name: "a set key",
    needs: ["sadd"],
    weight: 0.2,
    make: (rng) => ({ argv: ["SADD", key(rng), "m"] }),
  },
  {
    name: "a sorted set key",
    needs: ["zadd"],
    weight: 0.2,
    make: (rng) => ({ argv: ["ZADD", key(rng), "1", "m"] }),
  },
];

/**
 * Encodings of small collections changed between the reference (7.0) and 7.4: Redis 7.2
 * added listpack encodings for small lists (7.0 always made a quicklist) and for small sets
 * of non-integers (7.0 made a hashtable). Modis follows 7.4.
 *
 * @example
 * ```ts
 * const gen: Generator = { ..., intendedDifferences: [...collectionEncodingDifferences] };
 * ```
 */
export const collectionEncodingDifferences: IntendedDifference[] = [
  {
    name: "OBJECT ENCODING of a small list",
    reason: "7.2+ creates small lists as listpack; 7.0 reports quicklist",
    applies: (step, ref, got) =>
      "argv" in step && String(step.argv[0]).toUpperCase() === "OBJECT" && ref === "quicklist" &&
      got === "listpack",
  },
  {
    name: "OBJECT ENCODING of a small set of strings",
    reason: "7.2+ stores small non-integer sets as listpack; 7.0 reports hashtable",
    applies: (step, ref, got) =>
      "argv" in step && String(step.argv[0]).toUpperCase() === "OBJECT" && ref === "hashtable" &&
      got === "listpack",
  },
];

/**
 * The keys and values differential generators draw from. Few keys, so commands keep
 * meeting each other's data; values chosen to sit on parsing and range boundaries (int64
 * limits, leading spaces and zeros, floats Redis accepts or refuses, binary and empty).
 */

import type { Rng } from "./framework.ts";

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

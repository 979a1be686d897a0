/**
 * Differential generator for expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT
 * (valid and conflicting), times in the past, zero, negative and overflowing, TTL/PTTL/
 * EXPIRETIME/PEXPIRETIME (compared with a tolerance: each server computes from its own
 * clock a few ms apart), PERSIST, KEEPTTL and GETEX, and keys that really expire: a short
 * PX followed by a wait long enough that every server has expired it.
 */

import { type Generator, type Rng, type Template, within } from "./framework.ts";
import { key, KEYS, value } from "./pools.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A relative time in seconds or ms: mostly sane, sometimes zero, negative or huge. */
function relTime(rng: Rng, ms: boolean): string {
  const r = rng.next();
  if (r < 0.75) return String(ms ? rng.int(100_000, 50_000_000) : rng.int(100, 50_000));
  if (r < 0.85) return rng.pick(["0", "-1", "-100"]);
  return rng.pick([
    "9223372036854775807",
    "9223372036854775",
    "-9223372036854775808",
    "abc",
    "1.5",
  ]);
}

/** An absolute time: future, past, or garbage. */
function absTime(rng: Rng, ms: boolean): string {
  const now = ms ? Date.now() : Math.floor(Date.now() / 1000);
  const r = rng.next();
  if (r < 0.7) return String(now + (ms ? rng.int(100_000, 50_000_000) : rng.int(100, 50_000)));
  if (r < 0.85) return String(rng.pick([0, 1, now - 1000 * (ms ? 1000 : 1)]));
  return rng.pick(["9223372036854775807", "-1", "x"]);
}

function condition(rng: Rng): string[] {
  const r = rng.next();
  if (r < 0.55) return [];
  if (r < 0.95) return [rng.pick(["NX", "XX", "GT", "LT", "nx", "gt"])];
  return rng.pick([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["BOGUS"]]);
}

const templates: Template[] = [
  {
    name: "SET (plain: clears TTL)",
    support: true,
    needs: ["set"],
    weight: 3,
    make: (rng) => ({ argv: ["SET", key(rng), value(rng)] }),
  },
  {
    name: "SET with EX/PX/KEEPTTL",
    needs: ["set"],
    weight: 2,
    make: (rng) => ({
      argv: [
        "SET",
        key(rng),
        value(rng),
        ...rng.pick([["EX", String(rng.int(100, 9999))], ["PX", String(rng.int(100000, 9999999))], [
          "KEEPTTL",
        ]]),
      ],
    }),
  },
  {
    name: "EXPIRE / PEXPIRE",
    needs: ["expire", "pexpire"],
    weight: 3,
    make(rng) {
      const ms = rng.chance(0.5);
      return { argv: [ms ? "PEXPIRE" : "EXPIRE", key(rng), relTime(rng, ms), ...condition(rng)] };
    },
  },
  {
    name: "EXPIREAT / PEXPIREAT",
    needs: ["expireat", "pexpireat"],
    weight: 2,
    make(rng) {
      const ms = rng.chance(0.5);
      return {
        argv: [ms ? "PEXPIREAT" : "EXPIREAT", key(rng), absTime(rng, ms), ...condition(rng)],
      };
    },
  },
  {
    name: "TTL",
    needs: ["ttl"],
    weight: 2,
    make: (rng) => ({ argv: ["TTL", key(rng)], compare: within(1) }),
  },
  {
    name: "PTTL",
    needs: ["pttl"],
    weight: 2,
    make: (rng) => ({ argv: ["PTTL", key(rng)], compare: within(1000) }),
  },
  {
    name: "EXPIRETIME",
    needs: ["expiretime"],
    make: (rng) => ({ argv: ["EXPIRETIME", key(rng)], compare: within(1) }),
  },
  {
    name: "PEXPIRETIME",
    needs: ["pexpiretime"],
    make: (rng) => ({ argv: ["PEXPIRETIME", key(rng)], compare: within(1000) }),
  },
  { name: "PERSIST", needs: ["persist"], make: (rng) => ({ argv: ["PERSIST", key(rng)] }) },
  {
    name: "GETEX (EX/PERSIST)",
    needs: ["getex"],
    make: (rng) => ({
      argv: [
        "GETEX",
        key(rng),
        ...rng.pick([[], ["PERSIST"], ["EX", "500"], ["PX", "0"], ["EXAT", "1"]]),
      ],
    }),
  },
  {
    name: "a key that really expires",
    needs: ["set", "exists", "ttl"],
    weight: 0.3,
    make(rng) {
      const k = key(rng);
      return {
        label: `SET ${JSON.stringify(k)} v PX 20; wait 80 ms; EXISTS; TTL`,
        async run(c) {
          await c.send("SET", k, "v", "PX", "20");
          await sleep(80);
          return [await c.send("EXISTS", k), await c.send("TTL", k)];
        },
      };
    },
  },
  { name: "EXISTS", needs: ["exists"], make: (rng) => ({ argv: ["EXISTS", key(rng)] }) },
];

/**
 * The expiry generator.
 *
 * @example
 * ```ts
 * await runDifferential(expiryGenerator, reference, subjects, { seed: 3, steps: 300 });
 * ```
 */
export const expiryGenerator: Generator = {
  name: "expiry",
  keys: [...KEYS],
  templates,
  intendedDifferences: [],
};

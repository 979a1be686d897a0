/**
 * Differential testing: the same seeded random command sequence goes to a reference
 * redis-server and to Modis (under Bun and under Deno), and every reply is compared, type
 * and value.
 *
 * A generator is a list of step templates. Each template names the commands it needs, so a
 * template whose commands Modis lacks is disabled, and listed as such in the summary rather
 * than silently dropped. A step is either a plain command (`argv`) or a small scripted
 * interaction (`run`, e.g. a whole SCAN iteration) whose result is one comparable value, and
 * carries a comparator: exact by default, order-insensitive where Redis leaves order
 * unspecified (KEYS, SCAN), numeric tolerance for TTLs, which run a few ms apart on
 * different servers.
 *
 * Each step is sent to all servers at once and all replies are awaited before the next, so
 * the servers see the same sequence at nearly the same time.
 *
 * The reference is Debian's redis-server 7.0.15 while Modis targets 7.4. Where the two
 * versions legitimately differ, the difference is declared (`IntendedDifference`) next to
 * the generator that meets it; a mismatch explained by one is counted and reported, never
 * ignored silently. Everything else is a failure, reported with the seed, the step, the
 * replies and the commands leading up to it, plus the environment variables that replay it.
 */

import { type Arg, type Reply, type RespClient } from "../helpers/mod.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

/**
 * A small seeded PRNG (a 32-bit multiply-xorshift mix); same seed, same sequence, on every
 * runtime.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.int(0, 9); // deterministic for seed 42
 * ```
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random binary string of length [0, maxLen]. */
  bytes(maxLen: number): string {
    const n = this.int(0, maxLen);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0, 255));
    return s;
  }
}

/** Decides whether a Modis reply matches the reference reply. */
export type Comparator = (ref: unknown, got: unknown) => boolean;

/** One step of a sequence. */
export type Step =
  & { compare?: Comparator }
  & ({ argv: Arg[] } | { label: string; run(c: RespClient): Promise<unknown> });

/** A weighted step template. */
export interface Template {
  /** Short name for summaries ("SET options", "SCAN full iteration"). */
  name: string;
  /** Commands the template sends (lower case; "object|encoding" for subcommands). */
  needs: string[];
  /** Relative frequency (default 1). */
  weight?: number;
  /**
   * Only sets the stage for the others (DEL to keep the key space small, SET as data for
   * key commands): a generator with nothing but support templates enabled does not run.
   */
  support?: boolean;
  make(rng: Rng): Step;
}

/** A documented, accepted difference between redis-server 7.0 (reference) and Redis 7.4. */
export interface IntendedDifference {
  name: string;
  /** Why the two versions differ (what 7.4 does). */
  reason: string;
  applies(step: Step, ref: unknown, got: unknown): boolean;
}

/**
 * Whether a generator has anything to test given the available commands.
 *
 * @example
 * ```ts
 * test.skipIf(!runnable(stringsGenerator, modisHas))("strings", () => {});
 * ```
 */
export function runnable(gen: Generator, available: (command: string) => boolean): boolean {
  return gen.templates.some((t) => !t.support && t.needs.every(available));
}

/** A family of templates plus the differences it knowingly meets. */
export interface Generator {
  name: string;
  /** Keys the sequences may touch (cleared before each sequence). */
  keys: string[];
  templates: Template[];
  intendedDifferences?: IntendedDifference[];
}

/** A server under comparison. */
export interface Side {
  name: string;
  client: RespClient;
}

/** One mismatch found. */
export interface Mismatch {
  seed: number;
  index: number;
  step: string;
  ref: unknown;
  got: unknown;
  side: string;
  /** The last steps before the mismatch. */
  history: string[];
  /** Earlier steps that named a key the mismatching step names (how that key got its value). */
  keyHistory: string[];
}

/** What a run found. */
export interface RunResult {
  steps: number;
  mismatches: Mismatch[];
  intended: Map<string, number>;
  disabled: string[];
}

/** Exact comparison of decoded replies (bigints and nested values included). */
export const exact: Comparator = (a, b) => Bun.deepEquals(a, b, true);

/**
 * Order-insensitive comparison for arrays of strings (KEYS, SCAN, SMEMBERS...).
 *
 * @example
 * ```ts
 * unordered(["a", "b"], ["b", "a"]); // true
 * ```
 */
export const unordered: Comparator = (a, b) => {
  if (!Array.isArray(a) || !Array.isArray(b)) return exact(a, b);
  return exact([...a].map(String).sort(), [...b].map(String).sort());
};

/**
 * Numbers within `tol` of each other (negative sentinels like -1/-2 must match exactly).
 *
 * @example
 * ```ts
 * const ttl = within(1); ttl(100, 99); // true
 * ```
 */
export function within(tol: number): Comparator {
  // Past 2^53 replies decode as bigints (TTL after EXPIREAT near int64 max): compare those
  // in BigInt arithmetic, since doubles there are 2 apart.
  const int = (
    v: unknown,
  ) => (typeof v === "bigint"
    ? v
    : typeof v === "number" && Number.isInteger(v)
    ? BigInt(v)
    : null);
  return (a, b) => {
    const x = int(a);
    const y = int(b);
    if (x !== null && y !== null && x >= 0n && y >= 0n) {
      return (x > y ? x - y : y - x) <= BigInt(tol);
    }
    return exact(a, b);
  };
}

/**
 * Only the reply's kind: null, error, or other (RANDOMKEY: the key is random on both sides).
 *
 * @example
 * ```ts
 * sameKind("k1", "k2"); // true
 * ```
 */
export const sameKind: Comparator = (a, b) => {
  const kind = (
    v: unknown,
  ) => (v === null
    ? "null"
    : typeof v === "object" && v !== null && "error" in v
    ? "error"
    : typeof v);
  return kind(a) === kind(b);
};

/**
 * Errors compared exactly, other replies by kind only: for argument-validation steps whose
 * successful replies depend on server-private state (a SCAN from an arbitrary cursor walks
 * a hash table laid out by a per-process random seed).
 *
 * @example
 * ```ts
 * errorsExact({ error: "ERR invalid cursor" }, ["0", []]); // false
 * ```
 */
export const errorsExact: Comparator = (a, b) => {
  const isErr = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && "error" in v;
  return isErr(a) || isErr(b) ? exact(a, b) : sameKind(a, b);
};

/**
 * A printable form of a step or reply: binary strings shown with escapes, short.
 *
 * @example
 * ```ts
 * show(["SET", "k\x00", "v"]); // '["SET","k\\u0000","v"]'
 * ```
 */
export function show(v: unknown): string {
  const s = JSON.stringify(
    v,
    (
      _k,
      x,
    ) => (typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? `<${x.length} bytes>` : x),
  );
  return s === undefined ? String(v) : s.length > 300 ? s.slice(0, 300) + "…" : s;
}

function describeStep(step: Step): string {
  return "argv" in step ? show(step.argv) : step.label;
}

async function execute(step: Step, c: RespClient): Promise<unknown> {
  return "argv" in step ? await c.send(...step.argv) : await step.run(c);
}

/** Remove every key a generator may touch, in every db it may use (0 and 1). */
async function clear(gen: Generator, sides: Side[]): Promise<void> {
  for (const { client } of sides) {
    for (const db of ["1", "0"]) {
      await client.send("SELECT", db);
      const r = (await client.send("DEL", ...gen.keys)) as Reply;
      if (typeof r !== "number") throw new Error(`cleanup DEL failed: ${show(r)}`);
    }
  }
}

/** Options for `runDifferential`. */
export interface RunOptions {
  seed: number;
  steps: number;
  /** Commands Modis provides; templates needing others are disabled. */
  available?: (command: string) => boolean;
  /** Stop after this many mismatches (default 5). */
  maxMismatches?: number;
}

/**
 * Run one seeded sequence of `gen` against `reference` and `subjects`.
 *
 * @example
 * ```ts
 * const r = await runDifferential(stringsGenerator, { name: "redis", client: a }, [{ name: "bun", client: b }], { seed: 1, steps: 500 });
 * if (r.mismatches.length) console.log(formatMismatch(r.mismatches[0]));
 * ```
 */
export async function runDifferential(
  gen: Generator,
  reference: Side,
  subjects: Side[],
  opts: RunOptions,
): Promise<RunResult> {
  const available = opts.available ?? (() => true);
  const enabled = gen.templates.filter((t) => t.needs.every(available));
  const disabled = gen.templates.filter((t) => !enabled.includes(t)).map((t) =>
    `${t.name} (needs ${t.needs.filter((n) => !available(n)).join(", ").toUpperCase()})`
  );
  const result: RunResult = { steps: 0, mismatches: [], intended: new Map(), disabled };
  if (!enabled.some((t) => !t.support)) return result;
  const all = [reference, ...subjects];
  await clear(gen, all);
  const rng = new Rng(opts.seed);
  const total = enabled.reduce((n, t) => n + (t.weight ?? 1), 0);
  const history: string[] = [];
  const allSteps: Step[] = [];
  for (let i = 0; i < opts.steps; i++) {
    let r = rng.next() * total;
    const t = enabled.find((t) => (r -= t.weight ?? 1) < 0) ?? enabled[enabled.length - 1];
    const step = t.make(rng);
    const replies = await Promise.all(all.map((s) => execute(step, s.client)));
    result.steps++;
    history.push(describeStep(step));
    if (history.length > 8) history.shift();
    allSteps.push(step);
    const compare = step.compare ?? exact;
    for (let j = 1; j < all.length; j++) {
      if (compare(replies[0], replies[j])) continue;
      const known = gen.intendedDifferences?.find((d) => d.applies(step, replies[0], replies[j]));
      if (known) {
        result.intended.set(known.name, (result.intended.get(known.name) ?? 0) + 1);
        continue;
      }
      result.mismatches.push({
        seed: opts.seed,
        index: i,
        step: describeStep(step),
        ref: replies[0],
        got: replies[j],
        side: all[j].name,
        history: [...history],
        keyHistory: stepsTouching(allSteps, step, gen.keys),
      });
      if (result.mismatches.length >= (opts.maxMismatches ?? 5)) return result;
    }
  }
  await clear(gen, all);
  return result;
}

/** The last 15 steps whose argv names a generator key that `step` names. */
function stepsTouching(steps: Step[], step: Step, keys: string[]): string[] {
  if (!("argv" in step)) return [];
  const named = new Set(
    step.argv.slice(1).filter((a): a is string => typeof a === "string" && keys.includes(a)),
  );
  if (named.size === 0) return [];
  return steps
    .filter((s) =>
      "argv" in s && s.argv.slice(1).some((a) => typeof a === "string" && named.has(a))
    )
    .slice(-16, -1)
    .map(describeStep);
}

/**
 * A readable report of one mismatch, with what replays it.
 *
 * @example
 * ```ts
 * console.error(formatMismatch(result.mismatches[0], "strings"));
 * ```
 */
export function formatMismatch(m: Mismatch, generator: string): string {
  return [
    `MISMATCH in generator "${generator}" — seed ${m.seed}, step ${m.index} (replay: DIFF_SEED=${m.seed} DIFF_ONLY=${generator} bun test test/differential)`,
    `  step:       ${m.step}`,
    `  redis:      ${show(m.ref)}`,
    `  ${(m.side + ":").padEnd(11)} ${show(m.got)}`,
    `  last steps: ${m.history.join("\n              ")}`,
    ...(m.keyHistory.length ? [`  same key:   ${m.keyHistory.join("\n              ")}`] : []),
  ].join("\n");
}

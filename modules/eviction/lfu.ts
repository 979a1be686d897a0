/**
 * Redis's LFU access counter, kept in a key's access word while an LFU maxmemory-policy is
 * active (core's `KeyAccess`, see core/keyspace.ts).
 *
 * Layout of the word (24 of its 29 bits): bits 0-7 are a logarithmic counter, bits 8-23 the
 * time of its last decrement in minutes (modulo 2^16, about 45 days), as Redis lays out its
 * 24-bit LFU field. The counter climbs with probability 1 / ((counter - 5) * lfu-log-factor
 * + 1), so with the default factor 10 it takes about a million accesses to saturate at 255;
 * it starts at 5 so that a new key is not evicted before it had a chance to be read again,
 * and it loses one point per `lfu-decay-time` minutes without access. Decay is computed
 * lazily, when the key is accessed or sampled, never by a background walk.
 */

import type { KeyAccess } from "../../core/keyspace.ts";

/** The counter of a new key (and the base the logarithmic increment is measured from). */
export const LFU_INIT_VAL = 5;
const COUNTER_MAX = 255;
const MINUTES_MASK = 0xffff;

/** The LFU knobs (lfu-log-factor, lfu-decay-time). */
export interface LfuSettings {
  logFactor: number;
  /** Minutes per point of decay; 0 = never decay. */
  decayMinutes: number;
}

/**
 * Minutes clock of the word's upper part.
 *
 * @example
 * ```ts
 * lfuMinutes(120_000); // 2
 * ```
 */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & MINUTES_MASK;
}

/**
 * The counter of a word after decay for the minutes elapsed since its last decrement.
 *
 * @example
 * ```ts
 * lfuDecayed(lfuWord(10, 0), 3 * 60000, 1); // 7
 * ```
 */
export function lfuDecayed(word: number, nowMs: number, decayMinutes: number): number {
  const counter = word & COUNTER_MAX;
  if (decayMinutes <= 0) return counter;
  const elapsed = (lfuMinutes(nowMs) - (word >>> 8)) & MINUTES_MASK;
  const periods = Math.floor(elapsed / decayMinutes);
  return periods >= counter ? 0 : counter - periods;
}

/**
 * One access: the counter climbs by one with a probability that falls as it grows.
 *
 * @example
 * ```ts
 * lfuIncrement(5, 10, () => 0); // 6 (a draw of 0 always climbs)
 * ```
 */
export function lfuIncrement(
  counter: number,
  logFactor: number,
  random: () => number = Math.random,
): number {
  if (counter >= COUNTER_MAX) return COUNTER_MAX;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return random() < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/**
 * A word from a counter, stamped with the current minute.
 *
 * @example
 * ```ts
 * lfuWord(5, Date.now()) & 255; // 5
 * ```
 */
export function lfuWord(counter: number, nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | (counter & COUNTER_MAX);
}

/**
 * The KeyAccess that keeps LFU counters, reading the knobs live from `settings`.
 *
 * @example
 * ```ts
 * server.keyAccess = lfuKeyAccess({ logFactor: 10, decayMinutes: 1 });
 * ```
 */
export function lfuKeyAccess(settings: LfuSettings): KeyAccess {
  return {
    created: (nowMs) => lfuWord(LFU_INIT_VAL, nowMs),
    touched(word, nowMs) {
      const counter = lfuDecayed(word, nowMs, settings.decayMinutes);
      return lfuWord(lfuIncrement(counter, settings.logFactor), nowMs);
    },
    frequency: (word, nowMs) => lfuDecayed(word, nowMs, settings.decayMinutes),
    fromFrequency: (freq, nowMs) => lfuWord(freq, nowMs),
  };
}

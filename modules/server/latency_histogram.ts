/**
 * A small log-bucketed latency histogram, per command, for INFO latencystats and LATENCY
 * HISTOGRAM.
 *
 * Redis keeps an HdrHistogram per command. Modis needs the same answers (percentiles,
 * power-of-two buckets) at a fraction of the cost: a sample in microseconds lands in one of
 * 8 buckets per power of two (about 9% relative error), so recording is one Math.log2 and an
 * array increment, and memory is fixed (a few hundred counters per command that ran).
 */

const PER_OCTAVE = 8;
/** Up to 2^40 usec (12 days) before clamping. */
const BUCKETS = 41 * PER_OCTAVE;

/**
 * Latency samples of one command.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(12.5);
 * h.percentile(50); // ~12.5
 * ```
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;

  /** Add a sample, in microseconds. */
  record(usec: number): void {
    const v = Math.max(usec, 1);
    const b = Math.min(BUCKETS - 1, Math.floor(Math.log2(v) * PER_OCTAVE));
    this.counts[b]++;
    this.count++;
  }

  /** The upper bound (usec) of the bucket holding the `p`th percentile (0..100). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b];
      if (seen >= target) return 2 ** ((b + 1) / PER_OCTAVE);
    }
    return 2 ** (BUCKETS / PER_OCTAVE);
  }

  /**
   * Cumulative counts at power-of-two bounds, as LATENCY HISTOGRAM reports them: pairs of
   * [bound usec, samples <= bound], from the first non-empty bound to the last.
   */
  powerOfTwoBuckets(): [number, number][] {
    const out: [number, number][] = [];
    let cumulative = 0;
    for (let octave = 0; octave * PER_OCTAVE < BUCKETS; octave++) {
      for (let i = 0; i < PER_OCTAVE; i++) cumulative += this.counts[octave * PER_OCTAVE + i];
      if (cumulative > 0) out.push([2 ** (octave + 1), cumulative]);
      if (cumulative === this.count) break;
    }
    return out;
  }
}

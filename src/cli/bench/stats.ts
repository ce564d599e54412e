// Timing for `lab bench`: repeat a piece of work under an injectable clock and summarise the samples
// as a distribution (median first: on a shared 2-core machine the mean is pulled by stray pauses).

export interface TimingStats {
  /** Number of timed runs (warm-up runs excluded). */
  runs: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** 10th and 90th percentiles (linear interpolation between order statistics). */
  p10Ms: number;
  p90Ms: number;
}

/** Value at quantile q ∈ [0, 1] of ascending `sorted`, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Summary of a list of durations in milliseconds; NaN fields for an empty list. */
export function summarize(samplesMs: readonly number[]): TimingStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n > 0 ? sorted.reduce((a, b) => a + b, 0) / n : Number.NaN;
  return {
    runs: n,
    medianMs: quantile(sorted, 0.5),
    meanMs: mean,
    minMs: n > 0 ? sorted[0] : Number.NaN,
    maxMs: n > 0 ? sorted[n - 1] : Number.NaN,
    p10Ms: quantile(sorted, 0.1),
    p90Ms: quantile(sorted, 0.9),
  };
}

export interface RepeatOptions {
  /** Untimed runs first (JIT, caches, lazily made buffers). */
  warmup: number;
  /** At least this many timed runs… */
  minRuns: number;
  /** …and more until their total reaches `minTotalMs`, but never more than `maxRuns`. */
  maxRuns: number;
  minTotalMs: number;
}

export type Clock = () => number;

/**
 * Times `work` (sync or async) `warmup` + n times and returns the n timed durations. `work` gets
 * the run number (warm-up runs first), so it can vary its input, e.g. draw a new batch.
 */
export async function repeatTimed(work: (run: number) => unknown, opts: RepeatOptions, clock: Clock = () => performance.now()): Promise<number[]> {
  if (!(opts.minRuns >= 1) || opts.maxRuns < opts.minRuns) throw new RangeError(`cli/bench/stats.ts: need 1 ≤ minRuns ≤ maxRuns, got ${opts.minRuns}, ${opts.maxRuns}`);
  let run = 0;
  for (; run < opts.warmup; run++) await work(run);
  const samples: number[] = [];
  let total = 0;
  while (samples.length < opts.minRuns || (total < opts.minTotalMs && samples.length < opts.maxRuns)) {
    const t0 = clock();
    await work(run++);
    const ms = clock() - t0;
    samples.push(ms);
    total += ms;
  }
  return samples;
}

/** `repeatTimed` then `summarize`. */
export async function timeRepeated(work: (run: number) => unknown, opts: RepeatOptions, clock?: Clock): Promise<TimingStats> {
  return summarize(await repeatTimed(work, opts, clock));
}

/**
 * Times several pieces of work in rounds (A, B, C, A, B, C, …) after `warmup` untimed rounds, so a
 * change in the machine's load hits every one of them alike and their ratios stay meaningful. A
 * work that resolves to a number reports its own duration in ms (to leave untimed set-up out).
 */
export async function timeInterleaved<K extends string>(
  works: Record<K, (round: number) => unknown>, rounds: number, warmup = 1, clock: Clock = () => performance.now(),
): Promise<Record<K, TimingStats>> {
  if (!(rounds >= 1)) throw new RangeError(`cli/bench/stats.ts: need at least one round, got ${rounds}`);
  const keys = Object.keys(works) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = -warmup; round < rounds; round++) {
    for (const key of keys) {
      const t0 = clock();
      const own = await works[key](round);
      const ms = clock() - t0;
      if (round >= 0) samples[key].push(typeof own === 'number' ? own : ms);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, summarize(samples[k])])) as Record<K, TimingStats>;
}

/** a / b, or null when either is missing or b is not positive (a ratio that cannot be formed). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Rounds to `digits` significant digits, keeping JSON readable (null and non-finite pass as null). */
export function roundSig(x: number | null | undefined, digits = 4): number | null {
  if (x == null || !Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

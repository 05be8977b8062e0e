import { seededRandom } from './cross-validation';

/** A bootstrap estimate: the statistic on the data, and the percentile interval over resamples. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Central probability of [low, high], e.g. 0.95. */
  level: number;
  resamples: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_LEVEL = 0.95;

function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const rmseOf = (sq: Float64Array, idx: (i: number) => number, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += sq[idx(i)];
  return Math.sqrt(s / n);
};

/**
 * RMSE of `errors` (predicted − measured) with a percentile bootstrap interval: rows are
 * resampled with replacement, `resamples` times, from a seeded stream (the same data and seed
 * give the same interval).
 */
export function bootstrapRmse(errors: number[], o: { resamples?: number; level?: number; seed?: number } = {}): Interval | null {
  const n = errors.length;
  if (n < 2) return null;
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const level = o.level ?? DEFAULT_LEVEL;
  const random = seededRandom(o.seed ?? 1);
  const sq = Float64Array.from(errors, (e) => e * e);
  const stats = new Float64Array(resamples);
  const pick = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = Math.floor(random() * n);
    stats[b] = rmseOf(sq, (i) => pick[i], n);
  }
  stats.sort();
  return { estimate: rmseOf(sq, (i) => i, n), low: percentile(stats, (1 - level) / 2), high: percentile(stats, 1 - (1 - level) / 2), level, resamples };
}

/**
 * Paired bootstrap of RMSE(a) − RMSE(b) over the same rows: each resample draws rows, and both
 * models are scored on the drawn rows, so what the two share (hard molecules) cancels. A negative
 * difference means `a` is better; an interval entirely below 0 means it is better on resamples
 * of these molecules at that level.
 */
export function pairedBootstrapRmseDifference(
  errorsA: number[],
  errorsB: number[],
  o: { resamples?: number; level?: number; seed?: number } = {},
): Interval | null {
  const n = errorsA.length;
  if (n < 2 || errorsB.length !== n) return null;
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const level = o.level ?? DEFAULT_LEVEL;
  const random = seededRandom(o.seed ?? 1);
  const sa = Float64Array.from(errorsA, (e) => e * e);
  const sb = Float64Array.from(errorsB, (e) => e * e);
  const stats = new Float64Array(resamples);
  const pick = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = Math.floor(random() * n);
    stats[b] = rmseOf(sa, (i) => pick[i], n) - rmseOf(sb, (i) => pick[i], n);
  }
  stats.sort();
  const estimate = rmseOf(sa, (i) => i, n) - rmseOf(sb, (i) => i, n);
  return { estimate, low: percentile(stats, (1 - level) / 2), high: percentile(stats, 1 - (1 - level) / 2), level, resamples };
}

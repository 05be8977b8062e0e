import { AppError } from '../errors';
import { fitInverseError, fitStacking, type EvaluationRow } from './fit';
import { getStrategy, type StrategyParams } from './strategy';
import { seededRandom } from '../../../models/_lib/boosting';

/** Strategies whose params are learnt from measured data, and so must be scored out of fold. */
export const FITTED_STRATEGIES = ['inverse-error', 'stacking'] as const;
export type FittedStrategy = (typeof FITTED_STRATEGIES)[number];

export function isFittedStrategy(name: string): name is FittedStrategy {
  return (FITTED_STRATEGIES as readonly string[]).includes(name);
}

/** The seeded PRNG (mulberry32) the trained models use: the same seed gives the same stream everywhere. */
export { seededRandom };

/**
 * Fold of each of `n` rows: a seeded shuffle dealt round-robin into `k` folds, so folds differ in
 * size by at most one and the same (n, k, seed) always gives the same folds.
 */
export function assignFolds(n: number, k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new AppError('INVALID_INPUT', `folds must be an integer ≥ 2, got ${k}`);
  if (n < k) throw new AppError('INVALID_INPUT', `${k}-fold cross-validation needs at least ${k} molecules; the dataset has ${n}`);
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fold = new Array<number>(n);
  order.forEach((row, rank) => (fold[row] = rank % k));
  return fold;
}

/** Params a fitted strategy learns from rows (the same fit `evaluations.fit` publishes). */
export function fitStrategyParams(strategy: FittedStrategy, rows: EvaluationRow[]): StrategyParams {
  return strategy === 'inverse-error' ? { errors: fitInverseError(rows).errors } : { coefficients: fitStacking(rows) };
}

/** One row's consensus: the value and the spread of the member values, or null when no member gave one. */
export interface CombinedRow {
  value: number | null;
  spread: number | null;
  memberCount: number;
}

/** Combines one row's member values with a strategy, as the worker's aggregation does (members that gave nothing are left out). */
export function combineRow(strategy: string, params: StrategyParams, predictions: Record<string, number | null>, weights: Record<string, number> = {}): CombinedRow {
  const values = Object.entries(predictions)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .map(([member, value]) => ({ member, value, weight: weights[member] ?? 1 }));
  if (!values.length) return { value: null, spread: null, memberCount: 0 };
  try {
    const agg = getStrategy(strategy).aggregate(values, params);
    return { value: typeof agg.value === 'number' ? agg.value : null, spread: agg.spread.std ?? null, memberCount: agg.memberCount };
  } catch {
    return { value: null, spread: null, memberCount: values.length };
  }
}

/**
 * Out-of-fold consensus of every row: a fitted strategy is fitted on the other folds' rows and
 * applied to each fold in turn; any other strategy has nothing to fit and combines each row with
 * `params` as they are. `rows[i].predictions` should already be out of fold (a trained member
 * retrained without row i's fold), else the figures are in-sample for that member.
 */
export function crossValidateConsensus(
  strategy: string,
  params: StrategyParams,
  rows: EvaluationRow[],
  folds: number[],
  weights: Record<string, number> = {},
): { rows: CombinedRow[]; fitted: StrategyParams[] } {
  if (folds.length !== rows.length) throw new AppError('INTERNAL', `crossValidateConsensus: ${rows.length} rows but ${folds.length} fold labels`);
  if (!isFittedStrategy(strategy)) return { rows: rows.map((r) => combineRow(strategy, params, r.predictions, weights)), fitted: [] };
  // Reduced, not spread: one fold label per dataset row, and a large dataset would overflow the call stack.
  const k = folds.reduce((m, f) => Math.max(m, f), -Infinity) + 1;
  const out: CombinedRow[] = rows.map(() => ({ value: null, spread: null, memberCount: 0 }));
  const fitted: StrategyParams[] = [];
  for (let f = 0; f < k; f++) {
    const train = rows.filter((_, i) => folds[i] !== f);
    const foldParams = { ...params, ...fitStrategyParams(strategy, train) };
    fitted.push(foldParams);
    rows.forEach((r, i) => {
      if (folds[i] === f) out[i] = combineRow(strategy, foldParams, r.predictions, weights);
    });
  }
  return { rows: out, fitted };
}

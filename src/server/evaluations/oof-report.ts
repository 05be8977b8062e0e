/**
 * The out-of-fold side of a cross-validated evaluation, as pure functions of the rows: each
 * member's and the consensus's out-of-fold errors, bootstrap intervals, the paired difference
 * between the consensus and its best member, candidate consensuses compared the same way, and
 * the calibration of the uncertainty (learnt on the other folds, checked on each fold).
 */
import { bootstrapRmse, pairedBootstrapRmseDifference, type Interval } from '../consensus/bootstrap';
import { crossValidateConsensus, isFittedStrategy, type CombinedRow } from '../consensus/cross-validation';
import { regressionMetrics, type RegressionMetrics } from '../consensus/metrics';
import type { StrategyParams } from '../consensus/strategy';
import { calibrationReport, estimateUncertainty, fitSpreadCalibration, type CalibrationReport, type SpreadCalibration } from '../consensus/uncertainty';

/** A member's (or a single model's) predictions of every row, by row position. */
export interface OofSeries {
  key: string;
  field: string;
  /** How its out-of-fold values were made: retrained per fold, or a fixed model that never saw these data. */
  source: 'retrained' | 'fixed';
  values: (number | null)[];
  inDomain: (boolean | null)[];
}

export interface OofEntry {
  name: string;
  role: 'consensus' | 'model' | 'member';
  field: string;
  source: 'retrained' | 'fixed' | 'cross-fitted' | 'combined';
  metrics: RegressionMetrics;
  /** Bootstrap interval of the out-of-fold RMSE. */
  rmseInterval: Interval | null;
}

export interface Candidate {
  members: string[];
  strategy: string;
  metrics: RegressionMetrics;
  /** Paired bootstrap of RMSE(candidate) − RMSE(best member), on rows where both have a value. */
  vsBestMember: Interval | null;
}

export interface OofReport {
  entries: OofEntry[];
  bestMember: string | null;
  /** Paired bootstrap of RMSE(consensus) − RMSE(best member), out of fold. */
  consensusVsBestMember: Interval | null;
  candidates: Candidate[];
  calibration: CalibrationReport | null;
  /** The consensus's out-of-fold rows (value, spread), for fitting from the evaluation. */
  consensusRows: CombinedRow[] | null;
}

const errorsOf = (values: (number | null)[], measured: number[]) =>
  values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [v - measured[i]]));

function metricsOf(values: (number | null)[], measured: number[]): RegressionMetrics {
  return regressionMetrics(values.flatMap((v, i) => (v === null ? [] : [{ predicted: v, measured: measured[i] }])));
}

/** Paired errors of two series on the rows where both have a value. */
function paired(a: (number | null)[], b: (number | null)[], measured: number[], seed: number): Interval | null {
  const ea: number[] = [];
  const eb: number[] = [];
  a.forEach((v, i) => {
    const w = b[i];
    if (v !== null && w !== null && Number.isFinite(v) && Number.isFinite(w)) {
      ea.push(v - measured[i]);
      eb.push(w - measured[i]);
    }
  });
  return pairedBootstrapRmseDifference(ea, eb, { seed });
}

const rowsOf = (series: OofSeries[], measured: number[]) =>
  measured.map((m, i) => ({ measured: m, predictions: Object.fromEntries(series.map((s) => [s.key, s.values[i]])) }));

function subsets<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << xs.length; mask++) out.push(xs.filter((_, i) => mask & (1 << i)));
  return out;
}

/** Strategies a candidate consensus is tried with; the fitted ones are fitted on the other folds. */
export const CANDIDATE_STRATEGIES = ['mean', 'median', 'inverse-error', 'stacking'] as const;

/**
 * Calibration checked out of fold: for each fold, a spread calibration learnt on the other folds'
 * rows states an interval for this fold's rows; the report bins error against spread and counts
 * how often the interval held the measured value.
 */
export function crossFittedCalibration(rows: CombinedRow[], measured: number[], folds: number[], inDomain: (boolean | null)[]): CalibrationReport | null {
  const points = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.value !== null && r.spread !== null);
  if (points.length < 20) return null;
  // Reduced, not spread: one fold label per dataset row, and a large dataset would overflow the call stack.
  const k = folds.reduce((m, f) => Math.max(m, f), -Infinity) + 1;
  const stated: ({ value: number; error: number; spread: number; stated: ReturnType<typeof estimateUncertainty> | null })[] = [];
  for (let f = 0; f < k; f++) {
    const train = points.filter(({ i }) => folds[i] !== f).map(({ r, i }) => ({ error: r.value! - measured[i], spread: r.spread!, inDomain: inDomain[i] ?? undefined }));
    let cal: SpreadCalibration | null = null;
    try {
      cal = fitSpreadCalibration(train, { outOfFold: true });
    } catch {
      cal = null;
    }
    for (const { r, i } of points.filter(({ i }) => folds[i] === f)) {
      stated.push({ value: r.value!, error: r.value! - measured[i], spread: r.spread!, stated: cal ? estimateUncertainty(cal, r.value!, r.spread!, inDomain[i] ?? true) : null });
    }
  }
  return calibrationReport(stated);
}

/**
 * The out-of-fold report. `series` are the members (or the one model, with no consensus);
 * `consensus` is the evaluated consensus's strategy, params and weights, combined out of fold
 * from the members' out-of-fold values (fitted strategies fitted on the other folds).
 */
export function outOfFoldReport(o: {
  measured: number[];
  folds: number[];
  series: OofSeries[];
  consensus: { name: string; field: string; strategy: string; params: StrategyParams; weights: Record<string, number> } | null;
  seed?: number;
}): OofReport {
  const { measured, folds, series } = o;
  const seed = o.seed ?? 1;
  const entries: OofEntry[] = [];
  const members = o.consensus ? series : [];
  let consensusRows: CombinedRow[] | null = null;
  let consensusValues: (number | null)[] | null = null;
  if (o.consensus) {
    const cv = crossValidateConsensus(o.consensus.strategy, o.consensus.params, rowsOf(series, measured), folds, o.consensus.weights);
    consensusRows = cv.rows;
    consensusValues = cv.rows.map((r) => r.value);
    entries.push({
      name: o.consensus.name,
      role: 'consensus',
      field: o.consensus.field,
      source: isFittedStrategy(o.consensus.strategy) ? 'cross-fitted' : 'combined',
      metrics: metricsOf(consensusValues, measured),
      rmseInterval: bootstrapRmse(errorsOf(consensusValues, measured), { seed }),
    });
  }
  for (const s of series) {
    entries.push({
      name: s.key,
      role: o.consensus ? 'member' : 'model',
      field: s.field,
      source: s.source,
      metrics: metricsOf(s.values, measured),
      rmseInterval: bootstrapRmse(errorsOf(s.values, measured), { seed }),
    });
  }
  const scored = entries.filter((e) => e.role === 'member' && e.metrics.rmse !== null);
  const best = scored.length ? scored.reduce((a, b) => (b.metrics.rmse! < a.metrics.rmse! ? b : a)) : null;
  const bestSeries = best ? members.find((m) => m.key === best.name)! : null;

  const candidates: Candidate[] = [];
  if (bestSeries && members.length > 1) {
    for (const subset of subsets(members).filter((s) => s.length > 1)) {
      for (const strategy of CANDIDATE_STRATEGIES) {
        let values: (number | null)[];
        try {
          values = crossValidateConsensus(strategy, {}, rowsOf(subset, measured), folds).rows.map((r) => r.value);
        } catch {
          continue;
        }
        candidates.push({ members: subset.map((s) => s.key), strategy, metrics: metricsOf(values, measured), vsBestMember: paired(values, bestSeries.values, measured, seed) });
      }
    }
    candidates.sort((a, b) => (a.metrics.rmse ?? Infinity) - (b.metrics.rmse ?? Infinity));
  }
  // A row is in domain when every member that reports a domain says so.
  const inDomain = measured.map((_, i) => {
    const said = members.map((m) => m.inDomain[i]).filter((d): d is boolean => d !== null);
    return said.length ? said.every(Boolean) : null;
  });
  return {
    entries,
    bestMember: best?.name ?? null,
    consensusVsBestMember: consensusValues && bestSeries ? paired(consensusValues, bestSeries.values, measured, seed) : null,
    candidates,
    calibration: consensusRows ? crossFittedCalibration(consensusRows, measured, folds, inDomain) : null,
    consensusRows,
  };
}

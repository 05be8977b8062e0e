/**
 * Agreement of predictions with measurements. Every statistic is null when it is undefined:
 * all of them when n = 0 (null, not NaN, so it survives JSON), and r2 when the measured values
 * do not vary (n = 1, or all equal).
 */
export interface RegressionMetrics {
  n: number;
  rmse: number | null;
  mae: number | null;
  /** 1 − SSres/SStot. */
  r2: number | null;
  /** Mean of predicted − measured: positive when the model over-predicts. */
  bias: number | null;
}

/** Pairs with a non-finite number are skipped; n counts the pairs used. */
export function regressionMetrics(pairs: { predicted: number; measured: number }[]): RegressionMetrics {
  const used = pairs.filter((p) => Number.isFinite(p.predicted) && Number.isFinite(p.measured));
  const n = used.length;
  if (n === 0) return { n, rmse: null, mae: null, r2: null, bias: null };
  const residuals = used.map((p) => p.predicted - p.measured);
  const ssRes = residuals.reduce((s, e) => s + e * e, 0);
  const measuredMean = used.reduce((s, p) => s + p.measured, 0) / n;
  const ssTot = used.reduce((s, p) => s + (p.measured - measuredMean) ** 2, 0);
  return {
    n,
    rmse: Math.sqrt(ssRes / n),
    mae: residuals.reduce((s, e) => s + Math.abs(e), 0) / n,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : null,
    bias: residuals.reduce((s, e) => s + e, 0) / n,
  };
}

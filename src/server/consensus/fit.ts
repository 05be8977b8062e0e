import { AppError } from '../errors';

/** One item of an evaluation set: the measured value and each member's prediction (null if it failed). */
export interface EvaluationRow {
  measured: number;
  predictions: Record<string, number | null>;
}

const usable = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

function memberNames(rows: EvaluationRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.predictions)))].sort();
}

/**
 * Each member's RMSE over the rows where it has a prediction, for the inverse-error strategy.
 * A member with no usable row is left out (inverse-error then gives it the mean weight).
 */
export function fitInverseError(rows: EvaluationRow[]): { errors: Record<string, number> } {
  const errors: Record<string, number> = {};
  for (const m of memberNames(rows)) {
    const residuals = rows.filter((r) => usable(r.measured) && usable(r.predictions[m])).map((r) => r.predictions[m]! - r.measured);
    if (residuals.length > 0) errors[m] = Math.sqrt(residuals.reduce((s, e) => s + e * e, 0) / residuals.length);
  }
  return { errors };
}

/**
 * Least-squares coefficients for the stacking strategy, on the rows where every member has a
 * prediction. The ridge (absolute, added to the diagonal of XᵀX) penalises the coefficients,
 * not the intercept: solving on centred data is that exactly, and is better conditioned. It
 * keeps the system solvable when two members give the same numbers.
 */
export function fitStacking(rows: EvaluationRow[], { ridge = 1e-6 }: { ridge?: number } = {}): { intercept: number; members: Record<string, number> } {
  if (!(Number.isFinite(ridge) && ridge >= 0)) throw new AppError('INVALID_INPUT', `ridge must be a number ≥ 0, got ${ridge}`);
  const members = memberNames(rows);
  if (members.length === 0) throw new AppError('INVALID_INPUT', 'fitStacking: the rows have no member predictions');
  const used = rows.filter((r) => usable(r.measured) && members.every((m) => usable(r.predictions[m])));
  if (used.length < members.length + 1) {
    throw new AppError(
      'INVALID_INPUT',
      `fitStacking needs at least ${members.length + 1} rows where every member (${members.join(', ')}) has a prediction; got ${used.length}`,
    );
  }
  const x = used.map((r) => members.map((m) => r.predictions[m]!));
  const y = used.map((r) => r.measured);
  const xMean = members.map((_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const yMean = y.reduce((s, v) => s + v, 0) / y.length;
  const k = members.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < k; j++) {
      const dj = x[i][j] - xMean[j];
      b[j] += dj * (y[i] - yMean);
      for (let l = 0; l < k; l++) a[j][l] += dj * (x[i][l] - xMean[l]);
    }
  }
  for (let j = 0; j < k; j++) a[j][j] += ridge;
  let coefs: number[];
  try {
    coefs = solveLinearSystem(a, b);
  } catch {
    throw new AppError('INVALID_INPUT', `fitStacking: the predictions of ${members.join(', ')} are linearly dependent (a constant member, or two members that agree exactly); use a ridge > 0 or drop one`);
  }
  const intercept = yMean - coefs.reduce((s, c, j) => s + c * xMean[j], 0);
  return { intercept, members: Object.fromEntries(members.map((m, j) => [m, coefs[j]])) };
}

/** Solves A·x = b by Gaussian elimination with partial pivoting; throws when A is singular. */
export function solveLinearSystem(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  const scale = Math.max(...a.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (!(Math.abs(m[pivot][col]) > n * Number.EPSILON * scale)) throw new Error('singular matrix');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

import { describe, expect, it } from 'vitest';
import { getStrategy } from './strategy';
import { fitInverseError, fitStacking, solveLinearSystem, type EvaluationRow } from './fit';

describe('fitStacking', () => {
  // y = 0.5 + 2a − b on a grid that is not collinear
  const rows: EvaluationRow[] = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) {
    const a = i * 0.7 - 1;
    const b = j * 1.3 + i * 0.2;
    rows.push({ measured: 0.5 + 2 * a - b, predictions: { a, b } });
  }

  it('recovers known coefficients', () => {
    const fit = fitStacking(rows);
    expect(fit.intercept).toBeCloseTo(0.5, 6);
    expect(fit.members.a).toBeCloseTo(2, 6);
    expect(fit.members.b).toBeCloseTo(-1, 6);
    for (const c of [fit.intercept - 0.5, fit.members.a - 2, fit.members.b + 1]) expect(Math.abs(c)).toBeLessThan(1e-6);
    // and the fit feeds the strategy as is
    const stacking = getStrategy('stacking');
    stacking.validateParams({ coefficients: fit }, ['a', 'b']);
    expect(stacking.aggregate([{ member: 'a', value: 1, weight: 1 }, { member: 'b', value: 1, weight: 1 }], { coefficients: fit }).value).toBeCloseTo(1.5, 6);
  });

  it('uses only the rows where every member has a prediction', () => {
    const withGaps = [...rows, { measured: 1000, predictions: { a: 1, b: null } }, { measured: -1000, predictions: { a: null, b: 2 } }];
    expect(fitStacking(withGaps).members.a).toBeCloseTo(2, 6);
  });

  it('needs more usable rows than members', () => {
    const two = rows.slice(0, 2);
    expect(() => fitStacking(two)).toThrow('fitStacking needs at least 3 rows where every member (a, b) has a prediction; got 2');
  });

  it('stays solvable when two members agree exactly, thanks to the ridge', () => {
    const twins = rows.map((r) => ({ measured: r.measured, predictions: { a: r.predictions.a, a2: r.predictions.a } }));
    const fit = fitStacking(twins);
    expect(fit.members.a).toBeCloseTo(fit.members.a2, 6); // the shared coefficient is split evenly
    expect(() => fitStacking(twins, { ridge: 0 })).toThrow(/linearly dependent/);
  });
});

describe('fitInverseError', () => {
  it('computes each member’s RMSE over its own non-null rows', () => {
    const rows: EvaluationRow[] = [
      { measured: 1, predictions: { a: 2, b: 1 } },
      { measured: 2, predictions: { a: 1, b: null } },
      { measured: 3, predictions: { a: 3, b: 6 } },
      { measured: 4, predictions: { a: 4, b: 8 } },
    ];
    // a: residuals 1, −1, 0, 0 → √(2/4) = √0.5;  b: residuals 0, 3, 4 → √(25/3)
    const { errors } = fitInverseError(rows);
    expect(errors.a).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(errors.b).toBeCloseTo(Math.sqrt(25 / 3), 12);
  });

  it('leaves out a member with no prediction at all', () => {
    expect(fitInverseError([{ measured: 1, predictions: { a: 1.5, b: null } }]).errors).toEqual({ a: 0.5 });
  });
});

describe('solveLinearSystem', () => {
  it('pivots past a zero on the diagonal', () => {
    // [0 1; 2 1]·x = [1, 4] → x2 = 1, x1 = 1.5
    expect(solveLinearSystem([[0, 1], [2, 1]], [1, 4])).toEqual([1.5, 1]);
  });

  it('throws on a singular matrix', () => {
    expect(() => solveLinearSystem([[1, 2], [2, 4]], [1, 2])).toThrow(/singular/);
  });
});

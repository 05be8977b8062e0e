import { describe, expect, it } from 'vitest';
import { bootstrapRmse, pairedBootstrapRmseDifference } from './bootstrap';
import { assignFolds, crossValidateConsensus } from './cross-validation';

describe('assignFolds', () => {
  it('deals a seeded shuffle into k folds of near-equal size, the same for the same seed', () => {
    const f = assignFolds(103, 5, 42);
    const sizes = [0, 1, 2, 3, 4].map((k) => f.filter((x) => x === k).length);
    expect(sizes.sort()).toEqual([20, 20, 21, 21, 21]);
    expect(assignFolds(103, 5, 42)).toEqual(f);
    expect(assignFolds(103, 5, 43)).not.toEqual(f);
  });
  it('refuses fewer rows than folds, or fewer than two folds', () => {
    expect(() => assignFolds(3, 5, 1)).toThrow(/at least 5 molecules/);
    expect(() => assignFolds(10, 1, 1)).toThrow(/folds must be an integer ≥ 2/);
  });
});

describe('crossValidateConsensus', () => {
  // b is a + 1 exactly: stacking learns b − 1 (or a), and scores out of fold without error.
  const rows = Array.from({ length: 20 }, (_, i) => ({ measured: i, predictions: { a: i + 0.5 * ((i % 3) - 1), b: i + 1 } }));
  const folds = assignFolds(rows.length, 4, 7);

  it('fits a fitted strategy on the other folds only', () => {
    const { rows: out, fitted } = crossValidateConsensus('stacking', {}, rows, folds);
    expect(fitted).toHaveLength(4);
    for (const [i, r] of out.entries()) expect(r.value).toBeCloseTo(i, 4);
    // each fold's coefficients come from 15 rows, so they differ slightly between folds only through a's noise
    expect(fitted[0].coefficients!.members.b).toBeCloseTo(1, 3);
  });

  it('combines a strategy with nothing to fit as it stands', () => {
    const { rows: out, fitted } = crossValidateConsensus('mean', {}, rows, folds);
    expect(fitted).toEqual([]);
    expect(out[4].value).toBeCloseTo((rows[4].predictions.a + rows[4].predictions.b) / 2, 12);
    expect(out[4].spread).toBeCloseTo(Math.abs(rows[4].predictions.a - rows[4].predictions.b) / 2, 12);
  });

  it('leaves a row with no member value empty', () => {
    const gaps = rows.map((r, i) => (i === 3 ? { ...r, predictions: { a: null, b: null } } : r));
    expect(crossValidateConsensus('inverse-error', {}, gaps, folds).rows[3]).toEqual({ value: null, spread: null, memberCount: 0 });
  });
});

describe('bootstrap', () => {
  const errors = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 0.7);
  it('brackets the RMSE, reproducibly for a seed', () => {
    const ci = bootstrapRmse(errors, { seed: 3 })!;
    expect(ci.low).toBeLessThan(ci.estimate);
    expect(ci.high).toBeGreaterThan(ci.estimate);
    expect(bootstrapRmse(errors, { seed: 3 })).toEqual(ci);
    expect(ci).toMatchObject({ level: 0.95, resamples: 1000 });
  });
  it('gives a paired difference of exactly 0 for the same errors, and a negative one for a better model', () => {
    expect(pairedBootstrapRmseDifference(errors, errors)).toMatchObject({ estimate: 0, low: 0, high: 0 });
    const better = pairedBootstrapRmseDifference(errors.map((e) => e * 0.8), errors)!;
    expect(better.high).toBeLessThan(0);
  });
  it('has nothing to say about fewer than two rows', () => {
    expect(bootstrapRmse([1])).toBeNull();
    expect(pairedBootstrapRmseDifference([1, 2], [1])).toBeNull();
  });
});

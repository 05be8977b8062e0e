import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './metrics';

const pairs = (predicted: number[], measured: number[]) => predicted.map((p, i) => ({ predicted: p, measured: measured[i] }));

describe('regressionMetrics', () => {
  it('matches a hand computation', () => {
    // residuals p − m = 1, 1, 2 → bias 4/3, MAE 4/3, RMSE √(6/3) = √2
    // measured mean 2 → SStot = 4 + 0 + 4 = 8, SSres = 6 → R² = 1 − 6/8 = 0.25
    const m = regressionMetrics(pairs([1, 3, 6], [0, 2, 4]));
    expect(m.n).toBe(3);
    expect(m.bias).toBeCloseTo(4 / 3, 12);
    expect(m.mae).toBeCloseTo(4 / 3, 12);
    expect(m.rmse).toBeCloseTo(Math.SQRT2, 12);
    expect(m.r2).toBeCloseTo(0.25, 12);
  });

  it('gives zero bias for symmetric errors', () => {
    // residuals 0.5, 0, −0.5 → RMSE √(0.5/3), SStot 2 → R² 0.75
    expect(regressionMetrics(pairs([1.5, 2, 2.5], [1, 2, 3]))).toEqual({ n: 3, rmse: Math.sqrt(0.5 / 3), mae: 1 / 3, r2: 0.75, bias: 0 });
  });

  it('returns nulls when a statistic is undefined', () => {
    expect(regressionMetrics([])).toEqual({ n: 0, rmse: null, mae: null, r2: null, bias: null });
    expect(regressionMetrics(pairs([2], [1]))).toEqual({ n: 1, rmse: 1, mae: 1, r2: null, bias: 1 });
  });

  it('skips pairs with a non-finite number', () => {
    expect(regressionMetrics(pairs([1, Number.NaN], [1, 2])).n).toBe(1);
  });
});

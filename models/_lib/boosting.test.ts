import { describe, expect, it } from 'vitest';
import { predictBoostedTrees, seededRandom, trainBoostedTrees } from './boosting';

const params = { trees: 200, maxDepth: 3, learningRate: 0.1, minLeaf: 3, subsample: 0.8, colsample: 1, lambda: 1, bins: 32, seed: 5 };

describe('gradient-boosted trees', () => {
  const random = seededRandom(11);
  const x = Array.from({ length: 300 }, () => [random() * 4, random() * 4, random()]);
  const y = x.map(([a, b]) => (a > 2 ? 1 : 0) + 0.5 * b);

  it('learns a step and a slope, and ignores a noise feature', () => {
    const m = trainBoostedTrees(x, y, params);
    const rmse = Math.sqrt(x.reduce((s, row, i) => s + (predictBoostedTrees(m, row) - y[i]) ** 2, 0) / x.length);
    expect(rmse).toBeLessThan(0.15);
    expect(predictBoostedTrees(m, [3, 2, 0.5]) - predictBoostedTrees(m, [1, 2, 0.5])).toBeCloseTo(1, 0);
  });

  it('gives the same trees for the same rows, parameters and seed', () => {
    expect(JSON.stringify(trainBoostedTrees(x, y, params))).toBe(JSON.stringify(trainBoostedTrees(x, y, params)));
    expect(JSON.stringify(trainBoostedTrees(x, y, { ...params, seed: 6 }))).not.toBe(JSON.stringify(trainBoostedTrees(x, y, params)));
  });

  it('refuses unusable parameters and rows of the wrong length', () => {
    expect(() => trainBoostedTrees(x, y, { ...params, maxDepth: 0 })).toThrow(/unusable boosting parameters/);
    expect(() => predictBoostedTrees(trainBoostedTrees(x, y, { ...params, trees: 2 }), [1, 2])).toThrow(/takes 3 features, got 2/);
  });
});

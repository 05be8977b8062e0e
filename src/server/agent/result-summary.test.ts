import { describe, expect, it } from 'vitest';
import { compareValues, summarizeResults, type ResultLike } from './result-summary';

const r = (index: number, logP: number | null, status: 'succeeded' | 'failed' = 'succeeded'): ResultLike => ({
  index,
  status,
  input: { smiles: `C${'C'.repeat(index)}` },
  output: status === 'succeeded' ? { logP, mw: 10 * index } : null,
  errorCode: status === 'failed' ? 'INVALID_INPUT' : null,
});

describe('summarizeResults', () => {
  it('gives statistics per numeric field, the top k by a field and the error counts', () => {
    const s = summarizeResults([r(0, 1), r(1, 3), r(2, 2), r(3, null, 'failed'), r(4, 3)], { field: 'logP', k: 2, order: 'desc' });
    expect(s.succeeded).toBe(4);
    expect(s.failed).toBe(1);
    expect(s.errors).toEqual({ INVALID_INPUT: 1 });
    expect(s.fields.logP).toEqual({ n: 4, min: 1, max: 3, mean: 2.25, median: 2.5 });
    // Ties keep item order.
    expect(s.top.map((t) => [t.index, t.value])).toEqual([
      [1, 3],
      [4, 3],
    ]);
    expect(s.top[0].molecule).toBe('CC');
  });

  it('filters by a range and sorts ascending, defaulting to the first numeric field', () => {
    const s = summarizeResults([r(0, 1), r(1, 3), r(2, 2)], { k: 5, order: 'asc', min: 1.5 });
    expect(s.field).toBe('logP');
    expect(s.matching).toBe(2);
    expect(s.top.map((t) => t.value)).toEqual([2, 3]);
  });
});

describe('compareValues', () => {
  it('pairs the two models by item, with differences, correlation and the largest disagreements', () => {
    const c = compareValues([
      { index: 0, molecule: 'C', a: 1, b: 1.5 },
      { index: 1, molecule: 'CC', a: 2, b: 2 },
      { index: 2, molecule: 'CCC', a: 3, b: 4 },
      { index: 3, molecule: 'CCCC', a: null, b: 1 },
    ]);
    expect(c.paired).toBe(3);
    expect(c.meanAbsDiff).toBe(0.5);
    expect(c.meanDiff).toBe(-0.5);
    expect(c.pearson).toBeGreaterThan(0.9);
    expect(c.largestDisagreements[0]).toMatchObject({ index: 2, diff: -1 });
    expect(c.rows[3].diff).toBeNull();
  });
});

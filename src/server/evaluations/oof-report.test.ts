import { describe, expect, it } from 'vitest';
import { assignFolds, seededRandom } from '../consensus/cross-validation';
import { outOfFoldReport, type OofSeries } from './oof-report';

// Two members with independent errors of the same size: a fitted combination should beat either,
// and the paired interval should say so; a third, constant member is useless.
function synthetic(n: number) {
  const random = seededRandom(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const measured = Array.from({ length: n }, () => -3 + 2 * gauss());
  const series = (key: string, f: (m: number) => number): OofSeries => ({ key, field: 'logS', source: 'fixed', values: measured.map(f), inDomain: measured.map(() => null) });
  return { measured, series: [series('a', (m) => m + 0.5 * gauss()), series('b', (m) => m + 0.5 * gauss()), series('c', () => -3)] };
}

describe('outOfFoldReport', () => {
  const { measured, series } = synthetic(600);
  const folds = assignFolds(measured.length, 5, 42);

  it('scores the consensus and every member, with bootstrap intervals that hold the estimate', () => {
    const r = outOfFoldReport({ measured, folds, series, consensus: { name: 'c@1', field: 'logS', strategy: 'stacking', params: {}, weights: {} } });
    expect(r.entries.map((e) => [e.name, e.role, e.source])).toEqual([
      ['c@1', 'consensus', 'cross-fitted'],
      ['a', 'member', 'fixed'],
      ['b', 'member', 'fixed'],
      ['c', 'member', 'fixed'],
    ]);
    for (const e of r.entries) {
      expect(e.metrics.n).toBe(600);
      expect(e.rmseInterval!.low).toBeLessThanOrEqual(e.metrics.rmse!);
      expect(e.rmseInterval!.high).toBeGreaterThanOrEqual(e.metrics.rmse!);
    }
    // Stacking learns to ignore c and average a and b: clearly better than the best member.
    expect(['a', 'b']).toContain(r.bestMember);
    expect(r.consensusVsBestMember!.high).toBeLessThan(0);
    // Every subset of two or more members with every strategy, best first.
    expect(r.candidates).toHaveLength(4 * 4);
    expect(r.candidates[0].metrics.rmse).toBeLessThanOrEqual(r.candidates[15].metrics.rmse!);
  });

  it('checks the stated interval on folds it was not learnt on', () => {
    const r = outOfFoldReport({ measured, folds, series: series.slice(0, 2), consensus: { name: 'c@1', field: 'logS', strategy: 'mean', params: {}, weights: {} } });
    const cal = r.calibration!;
    expect(cal.n).toBe(600);
    expect(cal.level).toBe(0.9);
    // Learnt on four fifths, checked on the fifth: near the stated 90%, not a perfect in-sample fit.
    expect(cal.coverage).toBeGreaterThan(0.8);
    expect(cal.coverage).toBeLessThan(0.97);
    expect(cal.bins.reduce((s, b) => s + b.n, 0)).toBe(600);
  });

  it('reports a single model without a consensus, candidates or calibration', () => {
    const r = outOfFoldReport({ measured, folds, series: [{ ...series[0], source: 'retrained' }], consensus: null });
    expect(r.entries).toMatchObject([{ name: 'a', role: 'model', source: 'retrained' }]);
    expect(r.consensusVsBestMember).toBeNull();
    expect(r.candidates).toEqual([]);
    expect(r.calibration).toBeNull();
  });
});

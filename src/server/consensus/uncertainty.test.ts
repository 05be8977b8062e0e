import { describe, expect, it } from 'vitest';
import { calibrationReport, estimateUncertainty, fitSpreadCalibration, monotoneIncreasing, spearman, validateSpreadCalibration } from './uncertainty';

describe('monotoneIncreasing', () => {
  it('pools adjacent violators', () => {
    expect(monotoneIncreasing([1, 3, 2, 4], [1, 1, 1, 1])).toEqual([1, 2.5, 2.5, 4]);
    expect(monotoneIncreasing([3, 2, 1], [1, 1, 2])).toEqual([1.75, 1.75, 1.75]);
  });
});

describe('spread calibration', () => {
  // Errors grow with the spread: |error| = spread (alternating sign), 400 rows.
  const points = Array.from({ length: 400 }, (_, i) => ({ spread: i / 100, error: (i % 2 ? 1 : -1) * (i / 100) }));

  it('bins by spread, with errors and half-widths that never shrink as the spread grows', () => {
    const c = fitSpreadCalibration(points, { outOfFold: true });
    expect(c.bins).toHaveLength(4);
    expect(c.bins.at(-1)!.maxSpread).toBeNull();
    for (let i = 1; i < c.bins.length; i++) {
      expect(c.bins[i].rmse).toBeGreaterThanOrEqual(c.bins[i - 1].rmse);
      expect(c.bins[i].halfWidth).toBeGreaterThanOrEqual(c.bins[i - 1].halfWidth);
    }
    expect(() => validateSpreadCalibration(c)).not.toThrow();
    const low = estimateUncertainty(c, 0, 0.1);
    const high = estimateUncertainty(c, 0, 3.9);
    expect(high.expectedError!).toBeGreaterThan(low.expectedError!);
    expect(high.interval![1]).toBeGreaterThan(low.interval![1]);
    expect(low).toMatchObject({ calibrated: true, level: 0.9, spread: 0.1 });
  });

  it('states intervals that hold about their level on the rows they were learnt on', () => {
    const c = fitSpreadCalibration(points, { outOfFold: false });
    const stated = points.map((p) => ({ ...p, value: 5 + p.error, stated: estimateUncertainty(c, 5 + p.error, p.spread) }));
    const report = calibrationReport(stated);
    expect(report.coverage!).toBeGreaterThan(0.85);
    expect(report.spearman!).toBeGreaterThan(0.9);
    expect(report.bins.length).toBe(5);
  });

  it('says so when a consensus has no calibration', () => {
    expect(estimateUncertainty(undefined, 1, 0.3)).toEqual({ calibrated: false, expectedError: null, interval: null, level: null, spread: 0.3 });
  });

  it('widens outside the applicability domain by the factor it learnt', () => {
    const mixed = points.map((p, i) => ({ ...p, error: i % 4 === 0 ? p.error * 2 : p.error, inDomain: i % 4 !== 0 }));
    const c = fitSpreadCalibration(mixed, { outOfFold: true });
    expect(c.outOfDomainFactor).toBeGreaterThan(1.5);
    expect(estimateUncertainty(c, 0, 1, false).expectedError!).toBeCloseTo(estimateUncertainty(c, 0, 1, true).expectedError! * c.outOfDomainFactor, 12);
  });

  it('refuses a calibration it cannot use, saying what is wrong', () => {
    expect(() => validateSpreadCalibration({ method: 'binned-spread', level: 0.9, bins: [{ maxSpread: 1, n: 1, rmse: 1, halfWidth: 1 }] })).toThrow(/bins\[0\]\.maxSpread must be null/);
    expect(() => fitSpreadCalibration(points.slice(0, 5), { outOfFold: true })).toThrow(/at least 10 rows/);
  });

  it('ranks with ties averaged', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { getStrategy } from '../strategy';
import { members, numbers } from '../../../../test/strategy-values';

const agg = (name: string, values: ReturnType<typeof numbers>, params = {}) => getStrategy(name).aggregate(values, params);

describe('mean', () => {
  it('averages and reports the population spread of the raw values', () => {
    const out = agg('mean', numbers(1, 2, 4));
    expect(out.value).toBeCloseTo(7 / 3, 12); // (1 + 2 + 4) / 3
    // deviations from 7/3: −4/3, −1/3, 5/3 → squares sum 42/9 → variance 14/9 → std √14 / 3 ≈ 1.247
    expect(out.spread.std).toBeCloseTo(Math.sqrt(14) / 3, 12);
    expect(out.spread.range).toBe(3);
    expect(out.spread.high).toBe(true); // 1.247 > default 1.0
    expect(out.memberCount).toBe(3);
  });

  it('gives std 0, range 0 for a single member', () => {
    expect(agg('mean', numbers(-2.5))).toEqual({ value: -2.5, spread: { std: 0, range: 0, high: false }, memberCount: 1 });
  });

  it('flags high spread strictly above params.highSpread', () => {
    // [0, 2]: mean 1, deviations ±1 → std exactly 1
    expect(agg('mean', numbers(0, 2), { highSpread: 1 }).spread).toEqual({ std: 1, range: 2, high: false });
    expect(agg('mean', numbers(0, 2), { highSpread: 0.999 }).spread.high).toBe(true);
    expect(agg('mean', numbers(0, 2)).spread.high).toBe(false); // default 1.0
  });

  it('fails the item, naming the member, when a value is a label', () => {
    expect(() => agg('mean', members(['a', 1], ['b', 'active']))).toThrow(/member 'b' gave "active".*majority-vote/);
  });
});

describe('weighted-mean', () => {
  it('weights by the configured member weight', () => {
    // (1·1 + 2·1 + 4·2) / (1 + 1 + 2) = 11/4
    expect(agg('weighted-mean', members(['a', 1], ['b', 2], ['c', 4, 2])).value).toBe(2.75);
  });

  it('lets params.weights override by member name, and keeps the spread unweighted', () => {
    // weights a 3 (param), b 1, c 2 → (3 + 2 + 8) / 6 = 13/6
    const out = agg('weighted-mean', members(['a', 1], ['b', 2], ['c', 4, 2]), { weights: { a: 3 } });
    expect(out.value).toBeCloseTo(13 / 6, 12);
    expect(out.spread.std).toBeCloseTo(Math.sqrt(14) / 3, 12); // same as the plain mean of [1, 2, 4]
  });

  it('rejects weights of unknown members or below 0', () => {
    const s = getStrategy('weighted-mean');
    expect(() => s.validateParams({ weights: { z: 1 } }, ['a', 'b'])).toThrow(/'z'.*not a member.*a, b/);
    expect(() => s.validateParams({ weights: { a: -1 } }, ['a', 'b'])).toThrow(/params.weights.a must be a finite number ≥ 0/);
    expect(() => s.aggregate(numbers(1, 2), { weights: { a: 0, b: 0 } })).toThrow(/total weight of 0/);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count', () => {
    expect(agg('median', numbers(5, 1, 3)).value).toBe(3);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(agg('median', numbers(4, 1, 3, 2)).value).toBe(2.5); // sorted 1 2 | 3 4 → (2 + 3) / 2
    expect(agg('median', numbers(1, 10)).value).toBe(5.5);
  });
});

describe('trimmed-mean', () => {
  it('cuts floor(trim × n) from each end, 0.2 by default', () => {
    expect(agg('trimmed-mean', numbers(1, 2, 3, 4, 100)).value).toBe(3); // cut 1 each end → (2 + 3 + 4) / 3
    expect(agg('trimmed-mean', numbers(1, 2, 3, 4, 100), { trim: 0 }).value).toBe(22); // 110 / 5
    // 10 values at 0.25: floor(2.5) = 2 cut each end → 3..8 → 33 / 6 = 5.5
    expect(agg('trimmed-mean', numbers(1, 2, 3, 4, 5, 6, 7, 8, 9, 1000), { trim: 0.25 }).value).toBe(5.5);
    expect(agg('trimmed-mean', numbers(1, 2, 30), { trim: 0.4 }).value).toBe(2); // floor(1.2) = 1
  });

  it('is the plain mean with fewer than 3 values, or when nothing rounds to a cut', () => {
    expect(agg('trimmed-mean', numbers(1, 5), { trim: 0.4 }).value).toBe(3);
    expect(agg('trimmed-mean', numbers(1, 2, 3, 10)).value).toBe(4); // floor(0.8) = 0 → 16 / 4
  });

  it('does not lose a cut to rounding (0.29 × 100 = 28.999…)', () => {
    // 71 ones then 29 thousands: cutting 29 each end keeps only ones; cutting 28 would keep a 1000
    const xs = [...new Array<number>(71).fill(1), ...new Array<number>(29).fill(1000)];
    expect(agg('trimmed-mean', numbers(...xs), { trim: 0.29 }).value).toBe(1);
  });

  it('rejects a trim outside [0, 0.5)', () => {
    const s = getStrategy('trimmed-mean');
    expect(() => s.validateParams({ trim: 0.5 }, ['a', 'b'])).toThrow(/params.trim.*\[0, 0.5\), got 0.5/);
    expect(() => s.validateParams({ trim: '0.2' as unknown as number }, ['a', 'b'])).toThrow(/params.trim/);
    expect(() => s.validateParams({ trim: 0.1 }, ['a', 'b'])).not.toThrow();
  });
});

describe('min and max', () => {
  it('pick the extremes and still report the spread', () => {
    expect(agg('min', numbers(-7.2, -9.1, -8))).toMatchObject({ value: -9.1, spread: { range: 9.1 - 7.2 } });
    expect(agg('max', numbers(0.1, 0.7, 0.3)).value).toBe(0.7);
  });
});

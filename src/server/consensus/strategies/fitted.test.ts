import { describe, expect, it } from 'vitest';
import { getStrategy } from '../strategy';
import { members } from '../../../../test/strategy-values';

describe('inverse-error', () => {
  const s = getStrategy('inverse-error');

  it('weights each member by 1/err²', () => {
    // weights a 1/1² = 1, b 1/2² = 0.25 → (1·1 + 0.25·3) / 1.25 = 1.75 / 1.25 = 1.4
    expect(s.aggregate(members(['a', 1], ['b', 3]), { errors: { a: 1, b: 2 } }).value).toBeCloseTo(1.4, 12);
  });

  it('gives a member without an error the mean weight of the others', () => {
    // a 1, b 0.25, c (no error) (1 + 0.25) / 2 = 0.625 → (1 + 0.5 + 2.5) / 1.875 = 32/15
    const out = s.aggregate(members(['a', 1], ['b', 2], ['c', 4]), { errors: { a: 1, b: 2 } });
    expect(out.value).toBeCloseTo(32 / 15, 12);
  });

  it('ignores the configured member weights', () => {
    expect(s.aggregate(members(['a', 1, 100], ['b', 3]), { errors: { a: 1, b: 1 } }).value).toBe(2);
  });

  it('requires an error for at least one member', () => {
    expect(() => s.validateParams({}, ['a', 'b'])).toThrow(/params.errors is required/);
    expect(() => s.validateParams({ errors: {} }, ['a', 'b'])).toThrow(/at least one of a, b/);
    expect(() => s.validateParams({ errors: { a: 0 } }, ['a', 'b'])).toThrow(/params.errors.a must be a finite number > 0/);
    expect(() => s.validateParams({ errors: { a: 0.5 } }, ['a', 'b'])).not.toThrow();
  });
});

describe('stacking', () => {
  const s = getStrategy('stacking');
  const coefficients = { intercept: 0.5, members: { a: 2, b: -1 } };

  it('applies intercept + Σ coefficient × value', () => {
    expect(s.aggregate(members(['a', 3], ['b', 2]), { coefficients }).value).toBe(4.5); // 0.5 + 6 − 2
  });

  it('rescales the present coefficients to the full sum when a member is missing', () => {
    // full sum 2 − 1 = 1. Only a: scale 1/2 → 0.5 + 1·3 = 3.5. Only b: scale 1/(−1) → 0.5 + 1·3 = 3.5
    expect(s.aggregate(members(['a', 3]), { coefficients }).value).toBe(3.5);
    expect(s.aggregate(members(['b', 3]), { coefficients }).value).toBe(3.5);
  });

  it('fails the item when the coefficients cannot be rescaled', () => {
    const zeroSum = { intercept: 0, members: { a: 1, b: -1, c: 1 } };
    expect(() => s.aggregate(members(['a', 1], ['b', 2]), { coefficients: zeroSum })).toThrow(/coefficient sum is 0/);
  });

  it('reports the spread of the raw member values', () => {
    expect(s.aggregate(members(['a', 3], ['b', 2]), { coefficients }).spread).toEqual({ std: 0.5, range: 1, high: false });
  });

  it('requires a coefficient for every member', () => {
    expect(() => s.validateParams({}, ['a', 'b'])).toThrow(/params.coefficients .* is required; fit them with fitStacking/);
    const partial = { intercept: 0, members: { a: 1 } };
    expect(() => s.validateParams({ coefficients: partial }, ['a', 'b', 'c'])).toThrow(/no coefficient for b, c/);
    expect(() => s.validateParams({ coefficients: { intercept: Number.NaN, members: { a: 1 } } }, ['a'])).toThrow(/intercept/);
    expect(() => s.validateParams({ coefficients }, ['a', 'b'])).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { getStrategy } from '../strategy';
import { members } from '../../../../test/strategy-values';

const majority = getStrategy('majority-vote');
const weighted = getStrategy('weighted-vote');

describe('majority-vote', () => {
  it('picks the label most members gave; agreement is the fraction that gave it', () => {
    const out = majority.aggregate(members(['a', 'active'], ['b', 'active'], ['c', 'inactive']), {});
    expect(out).toEqual({ value: 'active', spread: { agreement: 2 / 3, high: false }, memberCount: 3 });
  });

  it('breaks a tie by the higher total weight', () => {
    expect(majority.aggregate(members(['a', 'x', 1], ['b', 'y', 2]), {}).value).toBe('y');
    expect(majority.aggregate(members(['a', 'x', 1], ['b', 'y', 2]), { weights: { a: 5 } }).value).toBe('x');
  });

  it('then by the label in code-point order', () => {
    expect(majority.aggregate(members(['a', 'toxic'], ['b', 'safe']), {}).value).toBe('safe');
    // numbers compare as text: '10' < '9'
    expect(majority.aggregate(members(['a', 9], ['b', 10]), {}).value).toBe(10);
  });

  it('gives agreement 1 for a single member', () => {
    expect(majority.aggregate(members(['a', 1]), {}).spread).toEqual({ agreement: 1, high: false });
  });

  it('flags high spread strictly below params.minAgreement', () => {
    const split = members(['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'z']); // x by 2 of 4 = 0.5
    expect(majority.aggregate(split, {}).spread).toEqual({ agreement: 0.5, high: false }); // default 0.5
    expect(majority.aggregate(split, { minAgreement: 0.6 }).spread.high).toBe(true);
  });

  it('rejects a minAgreement outside [0, 1]', () => {
    expect(() => majority.validateParams({ minAgreement: 1.5 }, ['a', 'b'])).toThrow(/params.minAgreement .*\[0, 1\]/);
  });
});

describe('weighted-vote', () => {
  it('lets weight overturn the count', () => {
    // x: 2 votes, weight 2; y: 1 vote, weight 3
    const values = members(['a', 'x'], ['b', 'x'], ['c', 'y', 3]);
    expect(majority.aggregate(values, {}).value).toBe('x');
    const out = weighted.aggregate(values, {});
    expect(out.value).toBe('y');
    expect(out.spread).toEqual({ agreement: 1 / 3, high: true }); // agreement counts members, not weight
  });

  it('takes weights from params.weights by member name', () => {
    expect(weighted.aggregate(members(['a', 'x'], ['b', 'y']), { weights: { a: 0.5 } }).value).toBe('y');
  });

  it('breaks a weight tie by count (within rounding), then by label', () => {
    // x: 0.1 + 0.2 over two votes; y: 0.3 in one vote → equal weight, x has more votes
    expect(weighted.aggregate(members(['a', 'x', 0.1], ['b', 'x', 0.2], ['c', 'y', 0.3]), {}).value).toBe('x');
    expect(weighted.aggregate(members(['a', 'b-label'], ['b', 'a-label']), {}).value).toBe('a-label');
  });
});

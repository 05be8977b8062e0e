import { describe, expect, it } from 'vitest';
import { getStrategy, listStrategies } from './strategy';

describe('the strategy registry', () => {
  it('lists every strategy once', () => {
    const names = listStrategies().map((s) => s.name);
    expect(names).toEqual([
      'mean', 'weighted-mean', 'median', 'trimmed-mean', 'min', 'max',
      'inverse-error', 'stacking', 'majority-vote', 'weighted-vote',
    ]);
    expect(listStrategies().filter((s) => s.kind === 'label').map((s) => s.name)).toEqual(['majority-vote', 'weighted-vote']);
  });

  it('throws for an unknown name, listing the known ones', () => {
    expect(() => getStrategy('nope')).toThrow("unknown consensus strategy 'nope'; use one of: mean, weighted-mean, median");
    expect(() => getStrategy('nope')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('checks the shared params in every strategy', () => {
    for (const s of listStrategies()) {
      expect(() => s.validateParams({ highSpread: -1 }, ['a', 'b']), s.name).toThrow(new RegExp(`^${s.name}: params.highSpread`));
      expect(() => s.validateParams({}, []), s.name).toThrow(/at least one member/);
    }
  });
});

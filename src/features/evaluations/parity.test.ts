import { describe, expect, it } from 'vitest';
import { parityAxis } from './parity';

describe('parityAxis', () => {
  it('covers every value with whole steps, the same for both axes', () => {
    expect(parityAxis([-11.6, 1.58])).toEqual({ lo: -12, hi: 2, ticks: [-12, -10, -8, -6, -4, -2, 0, 2] });
  });

  it('widens a single value into a usable range', () => {
    const a = parityAxis([3, 3]);
    expect(a.lo).toBeLessThan(3);
    expect(a.hi).toBeGreaterThan(3);
  });
});

import { describe, expect, it } from 'vitest';
import { formatSpread, readConsensusOutput } from './consensus-output';

describe('readConsensusOutput', () => {
  it('reads the value, members, spread and failures of a consensus answer', () => {
    const c = readConsensusOutput({
      logS: -1.6,
      members: { ocl: -1.3, esol: null },
      spread: { std: 0, range: 0, high: false },
      memberCount: 1,
      highSpread: false,
      failedMembers: { esol: 'MODEL_ERROR: boom' },
    });
    expect(c).toMatchObject({ field: 'logS', value: -1.6, memberCount: 1, highSpread: false, failedMembers: { esol: 'MODEL_ERROR: boom' } });
  });

  it('is null for an ordinary output', () => {
    expect(readConsensusOutput({ logS: -1.6, members: 3 })).toBeNull();
    expect(readConsensusOutput(null)).toBeNull();
  });

  it('formats σ and range for numbers, agreement for labels', () => {
    expect(formatSpread({ std: 0.1234, range: 0.5 })).toBe('σ 0.123 · range 0.500');
    expect(formatSpread({ agreement: 2 / 3 })).toBe('agreement 67%');
  });
});

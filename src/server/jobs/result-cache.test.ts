import { describe, expect, it } from 'vitest';
import { inputKey } from './result-cache.repository';
import { usesCache } from './result-cache';
import { resultRow } from './result-row';

describe('the result cache key', () => {
  it('is the same for the same input whatever its key order, and differs for other options', () => {
    expect(inputKey({ smiles: 'CCO', pH: 7 })).toBe(inputKey({ pH: 7, smiles: 'CCO' }));
    expect(inputKey({ smiles: 'CCO', pH: 7 })).not.toBe(inputKey({ smiles: 'CCO', pH: 7.4 }));
    expect(inputKey({ smiles: 'CCO' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is used only by versions with the cache on, never by an aggregation or a program reaching the network', () => {
    const process = { kind: 'process' as const, command: ['x'] };
    expect(usesCache({ cacheEnabled: true, runtime: process })).toBe(true);
    expect(usesCache({ cacheEnabled: false, runtime: process })).toBe(false);
    expect(usesCache({ cacheEnabled: true, runtime: { ...process, network: true } })).toBe(false);
    expect(usesCache({ cacheEnabled: true, runtime: { kind: 'consensus' } as never })).toBe(false);
  });

  it('makes a cached outcome a result that took no model time and says where it came from', () => {
    const row = resultRow('job', { index: 3, input: { smiles: 'CCO' } }, { index: 3, output: { v: 1 }, cachedFrom: { jobId: 'src', index: 0 } }, { versionDigest: 'd', executor: 'process' });
    expect(row).toMatchObject({ status: 'succeeded', executor: 'cache', duration_ms: 0, cached_from: JSON.stringify({ jobId: 'src', index: 0 }) });
    expect(row.model_ms).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { attributeBatch, resourceUnits } from './attribution';
import type { ModelVersion } from '../models/models.types';

const version = (resources: Record<string, unknown>, kind = 'process') => ({ resources, runtime: { kind } }) as unknown as Pick<ModelVersion, 'resources' | 'runtime'>;

describe('cost attribution', () => {
  it('reads cores (1 by default) and GPUs (0 by default) from resources; a consensus has none of its own', () => {
    expect(resourceUnits(version({}))).toEqual({ cpu: 1, gpu: 0 });
    expect(resourceUnits(version({ cpu: 4, gpu: { count: 2, type: 'a100' } }))).toEqual({ cpu: 4, gpu: 2 });
    expect(resourceUnits(version({ cpu: 4, gpu: { count: 2 } }, 'consensus'))).toEqual({ cpu: 0, gpu: 0 });
  });

  it('splits a batch\'s longest item time equally over the items that ran', () => {
    // Three items sent together to one process answered at 100, 200 and 300 ms: the batch took 300 ms.
    const shares = attributeBatch(
      [
        { index: 0, output: {}, durationMs: 100 },
        { index: 1, output: {}, durationMs: 200 },
        { index: 2, code: 'MODEL_ERROR', error: 'x', durationMs: 300 },
        { index: 3, code: 'UNAVAILABLE', error: 'nothing ran' },
      ],
      { cpu: 2, gpu: 1 },
    );
    expect([...shares.keys()]).toEqual([0, 1, 2]);
    expect(shares.get(0)).toEqual({ modelMs: 100, cpuSeconds: 0.2, gpuSeconds: 0.1 });
    const total = [...shares.values()].reduce((s, t) => s + t.modelMs, 0);
    expect(total).toBe(300);
  });

  it('gives nothing when nothing ran', () => {
    expect(attributeBatch([{ index: 0, code: 'UNAVAILABLE', error: 'no executor' }], { cpu: 1, gpu: 0 }).size).toBe(0);
  });
});

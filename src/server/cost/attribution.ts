import type { ItemOutcome } from '../jobs/jobs.types';
import type { ModelVersion } from '../models/models.types';

/** What one second of a version's model time occupies: its cores and its GPUs. */
export interface ResourceUnits {
  cpu: number;
  gpu: number;
}

/**
 * A version's units from its `resources`: `cpu` cores (1 when unset) and `gpu.count` GPUs (0 when
 * unset). A consensus runs no model of its own: its members' jobs carry the time.
 */
export function resourceUnits(version: Pick<ModelVersion, 'resources' | 'runtime'>): ResourceUnits {
  if (version.runtime.kind === 'consensus') return { cpu: 0, gpu: 0 };
  const r = version.resources as { cpu?: unknown; gpu?: { count?: unknown } };
  const cpu = typeof r.cpu === 'number' && r.cpu > 0 ? r.cpu : 1;
  const gpu = typeof r.gpu?.count === 'number' && r.gpu.count > 0 ? r.gpu.count : 0;
  return { cpu, gpu };
}

export interface ItemTime {
  modelMs: number;
  cpuSeconds: number;
  gpuSeconds: number;
}

/**
 * Splits one executor run's measured time over its items. A batch's items run together (sent at
 * once to one process, posted in one request, run by one pod), and each item's timer runs from
 * when the batch started, so the batch's model time is its longest item time, not their sum;
 * each item that ran gets an equal share of it. Items nothing ran for (refused, given up) get none.
 */
export function attributeBatch(outcomes: ItemOutcome[], units: ResourceUnits): Map<number, ItemTime> {
  const timed = outcomes.filter((o) => o.durationMs !== undefined && Number.isFinite(o.durationMs));
  const shares = new Map<number, ItemTime>();
  if (timed.length === 0) return shares;
  const batchMs = Math.max(0, ...timed.map((o) => o.durationMs!));
  const modelMs = batchMs / timed.length;
  for (const o of timed) shares.set(o.index, { modelMs, cpuSeconds: (modelMs / 1000) * units.cpu, gpuSeconds: (modelMs / 1000) * units.gpu });
  return shares;
}

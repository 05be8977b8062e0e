import { attributeBatch, type ResourceUnits } from '../cost/attribution';
import { readPricing } from '../cost/pricing';
import type { NewResult } from '../db/types';
import type { ItemOutcome } from './jobs.types';

/** Result rows of one executor run with each item's share of the batch's model time (see `attributeBatch`). */
export function withModelTime(rows: NewResult[], outcomes: ItemOutcome[], units: ResourceUnits | undefined): NewResult[] {
  if (!units) return rows;
  const times = attributeBatch(outcomes, units);
  return rows.map((row) => {
    const t = times.get(row.item_index);
    return t ? { ...row, model_ms: t.modelMs, cpu_seconds: t.cpuSeconds, gpu_seconds: t.gpuSeconds } : row;
  });
}

/**
 * What `insertResults` needs to charge the model time of the rows it writes (never those another
 * attempt wrote first) to the job, the consensus jobs above it, and its owner's and team's day
 * and month, at the prices in force now; in the caller's transaction, with the rows.
 */
export function chargeTo(jobId: string): { jobId: string; cpuSecond: number; gpuSecond: number } {
  const { cpuSecond, gpuSecond } = readPricing();
  return { jobId, cpuSecond, gpuSecond };
}

import { attributeBatch, type ResourceUnits } from '../cost/attribution';
import { costOf, readPricing } from '../cost/pricing';
import { chargeJob } from '../cost/usage.repository';
import type { DbOrTx } from '../db/client';
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

const sum = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);

/**
 * Charges the model time of the result rows a call actually wrote (never those another attempt
 * wrote first) to the job, the consensus jobs above it, its owner's and its team's month, at the
 * prices in force now; in the caller's transaction, with the rows.
 */
export async function chargeWritten(tx: DbOrTx, jobId: string, written: { cpu_seconds: number | null; gpu_seconds: number | null }[]): Promise<void> {
  const used = { cpuSeconds: sum(written.map((w) => w.cpu_seconds)), gpuSeconds: sum(written.map((w) => w.gpu_seconds)) };
  if (used.cpuSeconds <= 0 && used.gpuSeconds <= 0) return;
  await chargeJob(tx, jobId, { ...used, cost: costOf(used, readPricing()) });
}

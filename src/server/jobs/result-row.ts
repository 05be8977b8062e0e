import type { NewResult, TaskItem } from '../db/types';
import type { ItemOutcome } from './jobs.types';

/** Where a result came from: which task and attempt, which executor, which version content. */
export interface Provenance {
  versionDigest: string;
  executor?: string;
  taskId?: string;
  attempt?: number;
}

/**
 * The one way a result row is built, for an item refused at submission, an item a model ran,
 * and an aggregated consensus item alike.
 */
export function resultRow(jobId: string, item: Pick<TaskItem, 'index' | 'input' | 'submitted' | 'externalId'>, outcome: ItemOutcome, p: Provenance): NewResult {
  const ok = 'output' in outcome;
  return {
    job_id: jobId,
    item_index: item.index,
    status: ok ? 'succeeded' : 'failed',
    input: JSON.stringify(item.input),
    submitted: JSON.stringify(item.submitted ?? item.input),
    output: ok ? JSON.stringify(outcome.output) : null,
    error_code: ok ? null : outcome.code,
    error: ok ? null : outcome.error,
    duration_ms: outcome.durationMs === undefined ? null : Math.round(outcome.durationMs),
    version_digest: p.versionDigest,
    ...(item.externalId === undefined ? {} : { external_id: item.externalId }),
    ...(p.executor ? { executor: p.executor } : {}),
    ...(p.taskId ? { task_id: p.taskId } : {}),
    ...(p.attempt ? { attempt: p.attempt } : {}),
  };
}

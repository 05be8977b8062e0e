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
 * The one way a result row is built, for an item refused at submission, an item a model ran, an
 * item answered from the result cache (an outcome with `cachedFrom`) and an aggregated consensus
 * item alike.
 */
export function resultRow(jobId: string, item: Pick<TaskItem, 'index' | 'input' | 'submitted' | 'externalId'>, outcome: ItemOutcome, p: Provenance): NewResult {
  const ok = 'output' in outcome;
  const cachedFrom = ok ? outcome.cachedFrom : undefined;
  return {
    job_id: jobId,
    item_index: item.index,
    status: ok ? 'succeeded' : 'failed',
    input: JSON.stringify(item.input),
    submitted: JSON.stringify(item.submitted ?? item.input),
    output: ok ? JSON.stringify(outcome.output) : null,
    error_code: ok ? null : outcome.code,
    error: ok ? null : outcome.error,
    // An answer from the cache took no model time.
    duration_ms: cachedFrom ? 0 : outcome.durationMs === undefined ? null : Math.round(outcome.durationMs),
    version_digest: p.versionDigest,
    ...(item.externalId === undefined ? {} : { external_id: item.externalId }),
    ...(cachedFrom ? { executor: 'cache', cached_from: JSON.stringify(cachedFrom) } : p.executor ? { executor: p.executor } : {}),
    ...(p.taskId ? { task_id: p.taskId } : {}),
    ...(p.attempt ? { attempt: p.attempt } : {}),
  };
}

import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import { checkOutput } from '../server/chem/inputs';
import type { Db } from '../server/db/client';
import type { TaskItem } from '../server/db/types';
import { toAppError } from '../server/errors';
import * as jobsRepo from '../server/jobs/jobs.repository';
import { recordTaskOutcomes } from '../server/jobs/jobs.service';
import type { ItemOutcome } from '../server/jobs/jobs.types';
import { getVersionById } from '../server/models/models.service';
import type { ModelVersion } from '../server/models/models.types';
import { queueCatalog } from '../server/queue/catalog';
import type { Executor } from './executors/executor';

export interface WorkerDeps {
  db: Db;
  boss: PgBoss;
  executors: Map<string, Executor>;
  log: (line: string) => void;
  /** Published versions are immutable, so a worker may keep them for its lifetime. */
  versions: Map<string, ModelVersion>;
}

export async function versionOf(deps: WorkerDeps, id: string): Promise<ModelVersion> {
  const cached = deps.versions.get(id);
  if (cached) return cached;
  const v = await getVersionById(deps.db, id);
  // Drafts change while their owner edits them; only published content is kept.
  if (v.status === 'published' || v.status === 'deprecated') deps.versions.set(id, v);
  return v;
}

/**
 * Runs one `task.run` queue job: claims the task, runs the items that have no result yet,
 * checks outputs against the version's schema and records them. Model failures are item
 * results; only a failure of our own (database, executor) fails the queue job for a retry.
 */
export async function handleTask(deps: WorkerDeps, job: JobWithMetadata<unknown>): Promise<JobResult> {
  const parsed = queueCatalog['task.run'].schema.safeParse(job.data);
  if (!parsed.success) {
    deps.log(`task.run ${job.id}: payload does not match the catalog, dead-lettered: ${parsed.error.message}`);
    return { id: job.id, status: 'deadletter', output: { error: 'payload does not match the task.run schema' } };
  }
  const { taskId } = parsed.data;
  const lastAttempt = job.retryCount >= job.retryLimit;
  try {
    const task = await jobsRepo.claimTask(deps.db, taskId);
    if (!task) return { id: job.id, status: 'completed', output: { skipped: 'task no longer exists' } };
    if (task.alreadyClosed) return { id: job.id, status: 'completed', output: { skipped: 'task already closed' } };
    if (task.jobStatus === 'cancelled') {
      await jobsRepo.finishTask(deps.db, taskId, 'failed', 'job cancelled');
      return { id: job.id, status: 'completed', output: { skipped: 'job cancelled' } };
    }
    const version = await versionOf(deps, task.modelVersionId);
    // Only a repeated attempt can find results already written (they are unique per item anyway).
    const done = task.attempts > 1 ? await jobsRepo.existingResultIndexes(deps.db, task.jobId, task.items.map((i) => i.index)) : new Set<number>();
    const remaining = task.items.filter((i) => !done.has(i.index));

    let outcomes: ItemOutcome[];
    const executor = deps.executors.get(version.runtime.kind);
    if (!executor) {
      outcomes = remaining.map((i) => ({
        index: i.index,
        code: 'UNAVAILABLE',
        error: `no executor for runtime "${version.runtime.kind}" on this worker`,
        durationMs: 0,
      }));
    } else {
      try {
        outcomes = await executor.run(version, remaining);
      } catch (e) {
        // Transient trouble is retried by the queue; anything else, or the last attempt, fails
        // the items with the reason, so the job still ends.
        const err = toAppError(e);
        if (err.transient && !lastAttempt) throw err;
        outcomes = remaining.map((i) => ({ index: i.index, code: err.code, error: err.message, durationMs: 0 }));
      }
    }
    outcomes = outcomes.map((o) => {
      if (!('output' in o)) return o;
      const problem = checkOutput(version.outputSchema, o.output);
      return problem
        ? { index: o.index, code: 'MODEL_PROTOCOL', error: `the model's output does not match its output schema: ${problem}`, durationMs: o.durationMs }
        : o;
    });

    const items = new Map<number, TaskItem>(task.items.map((i) => [i.index, i]));
    await recordTaskOutcomes(deps.db, deps.boss, { id: task.id, jobId: task.jobId, attempt: task.attempts }, outcomes, {
      executor: executor?.kind ?? 'none',
      versionDigest: version.digest,
      items,
    });
    return { id: job.id, status: 'completed', output: { items: outcomes.length } };
  } catch (e) {
    const err = toAppError(e);
    deps.log(`task ${taskId} attempt ${job.retryCount + 1} failed (${err.code}): ${err.message}`);
    // A bad request cannot get better by retrying; our own trouble can.
    return { id: job.id, status: err.transient ? 'failed' : 'deadletter', output: { code: err.code, error: err.message } };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import { resourceUnits } from '../cost/attribution';
import { chargeTo, withModelTime } from '../jobs/charge';
import { AppError } from '../errors';
import * as jobs from '../jobs/jobs.repository';
import { onJobSettled } from '../jobs/jobs.service';
import type { ItemOutcome } from '../jobs/jobs.types';
import { resultRow } from '../jobs/result-row';
import { usesCache } from '../jobs/result-cache';
import { cacheEntries, checkedOutput } from '../jobs/run-task.service';
import { getVersionById } from '../models/models.service';
import { emitJobEvents } from '../webhooks/events';
import * as repo from './task-tokens.repository';
import type { TaskInputs, TPostTaskResultsInput } from './tasks.schema';

/**
 * Who is calling the task endpoint: a pod holding the token of exactly one task. It is the
 * endpoint's viewer; it can read that task's inputs and post that task's results, nothing else.
 */
export interface TaskPrincipal {
  taskId: string;
  jobId: string;
}

const TOKEN_PREFIX = 'mgt_';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A fresh token for one task, valid for `ttlMs`; an earlier token of the task stops working.
 * The token itself is returned once (for the pod's environment); only its hash is stored.
 */
export async function issueTaskToken({ db }: Pick<Deps, 'db'>, { taskId, ttlMs }: { taskId: string; ttlMs: number }): Promise<string> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  await repo.replaceTaskToken(db, { taskId, hash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/** Ends every token of a task (it is over, or its pod is gone). */
export async function revokeTaskTokens({ db }: Pick<Deps, 'db'>, taskId: string): Promise<void> {
  await repo.deleteTaskTokens(db, taskId);
}

/** The principal a bearer token names, or null for anything that is not a live task token. */
export async function taskPrincipalFromToken({ db }: Pick<Deps, 'db'>, token: string): Promise<TaskPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await repo.findLiveTaskToken(db, hashToken(token));
  return row ? { taskId: row.taskId, jobId: row.jobId } : null;
}

/** Indexes of a task's items that already have a result (posted by its pod, or by an earlier attempt). */
export async function postedItemIndexes({ db }: Pick<Deps, 'db'>, taskId: string): Promise<Set<number>> {
  const task = await jobs.findTask(db, taskId);
  if (!task) return new Set();
  return jobs.existingResultIndexes(db, task.job_id, task.items.map((i) => i.index));
}

/** Whether tasks are still open and wanted (not closed, their job not cancelled); unknown ids are absent. */
export async function taskStates({ db }: Pick<Deps, 'db'>, taskIds: string[]) {
  return repo.taskStates(db, taskIds);
}

/** The task the principal may act on; any other task is invisible to it. */
async function ownTask(db: Deps['db'], principal: TaskPrincipal, taskId: string) {
  const task = principal.taskId === taskId ? await jobs.findTask(db, taskId) : undefined;
  if (!task) throw new AppError('NOT_FOUND', `no task ${taskId} for this token; a task token reaches only its own task`);
  const status = await jobs.jobStatus(db, task.job_id);
  if (status === 'cancelled') throw new AppError('CANCELLED', 'the job of this task was cancelled; stop working on it');
  return task;
}

/** The items of the principal's task that have no result yet (a re-run pod skips what was posted). */
export async function readTaskInputs({ db }: Pick<Deps, 'db'>, principal: TaskPrincipal, { taskId }: { taskId: string }): Promise<TaskInputs> {
  const task = await ownTask(db, principal, taskId);
  const done = await jobs.existingResultIndexes(db, task.job_id, task.items.map((i) => i.index));
  return { taskId, jobId: task.job_id, items: task.items.filter((i) => !done.has(i.index)).map((i) => ({ index: i.index, input: i.input })) };
}

/**
 * Records answers a pod posted, in one transaction: results are unique per item and inserted
 * with ON CONFLICT DO NOTHING, and the job's counts grow only by the rows this call wrote, so a
 * batch posted twice (a retry after a lost response, a re-run pod) counts once. Outputs are
 * checked against the version's output schema, exactly as the worker checks its own.
 */
export async function postTaskResults(
  deps: Pick<Deps, 'db' | 'boss'>,
  principal: TaskPrincipal,
  { taskId, results }: { taskId: string } & TPostTaskResultsInput,
): Promise<{ received: number; written: number }> {
  const task = await ownTask(deps.db, principal, taskId);
  if (task.status === 'done' || task.status === 'failed') throw new AppError('CONFLICT', `task ${taskId} is already closed; nothing more can be posted to it`);
  const items = new Map(task.items.map((i) => [i.index, i]));
  const unknown = results.filter((r) => !items.has(r.index)).map((r) => r.index);
  if (unknown.length) throw new AppError('INVALID_INPUT', `items ${unknown.slice(0, 10).join(', ')} are not part of task ${taskId}`);

  const job = (await jobs.findJob(deps.db, task.job_id))!;
  const version = await getVersionById(deps.db, job.modelVersionId);
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const outcomes: ItemOutcome[] = [...byIndex.values()].map((r) =>
    checkedOutput(
      version,
      r.output !== undefined
        ? { index: r.index, output: r.output, durationMs: r.durationMs }
        : { index: r.index, error: r.error!, code: r.code ?? 'MODEL_ERROR', durationMs: r.durationMs },
    ),
  );
  const provenance = { executor: 'kubernetes', versionDigest: version.digest, taskId, attempt: task.attempts };
  // One post is one batch the pod ran: its items share its measured time.
  const rows = withModelTime(outcomes.map((o) => resultRow(task.job_id, items.get(o.index)!, o, provenance)), outcomes, resourceUnits(version));
  const written = await deps.db.transaction().execute(async (tx) => {
    const cache = usesCache(version) ? { versionDigest: version.digest, entries: cacheEntries(task.job_id, { items }, outcomes) } : undefined;
    const w = await jobs.insertResults(tx, rows, { cache, charge: chargeTo(task.job_id) });
    if (w.length === 0) return 0;
    const { justFinished, parentJobId, endedBefore, heard } = await jobs.addToJobCounts(tx, task.job_id, {
      done: w.filter((r) => r.status === 'succeeded').length,
      failed: w.filter((r) => r.status === 'failed').length,
      tasks: 0,
    });
    if (heard) await emitJobEvents(tx, deps.boss, task.job_id, { kind: 'counted', endedBefore, justFinished });
    if (justFinished) await onJobSettled(tx, deps.boss, parentJobId);
    return w.length;
  });
  return { received: outcomes.length, written };
}

import type { PgBoss } from 'pg-boss';
import { checkOutput } from '../chem/inputs';
import type { Db, DbOrTx } from '../db/client';
import type { TaskItem } from '../db/types';
import { resourceUnits, type ResourceUnits } from '../cost/attribution';
import { toAppError, type ErrorCode } from '../errors';
import { getVersionById } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import type { TTaskRunPayload } from '../queue/catalog';
import { isRunnable } from '../../shared/version-status';
import { emitJobEvents } from '../webhooks/events';
import { chargeTo, withModelTime } from './charge';
import type { Executor } from './executor';
import * as repo from './jobs.repository';
import { onJobSettled } from './jobs.service';
import type { ItemOutcome, Job } from './jobs.types';
import { inputKey } from './result-cache.repository';
import { splitByCache, usesCache } from './result-cache';
import { resultRow } from './result-row';
import { prepareRawItems, rawKeysOf } from '../uploads/raw-items';

/** What the worker gives the task lifecycle: the database, the queue, its executors. */
export interface WorkerDeps {
  db: Db;
  boss: PgBoss;
  executors: Map<string, Executor>;
  log: (line: string) => void;
  /** Published versions are immutable, so a worker may keep them for its lifetime. */
  versions: Map<string, ModelVersion>;
}

/** Which attempt of a queue job this is (1-based), and whether the queue will try again. */
export interface Attempt {
  number: number;
  last: boolean;
}

/** How a queue job ended: done, to be retried (our own trouble), or dead-lettered (it can never succeed). */
export type Verdict = { status: 'completed' | 'failed' | 'deadletter'; output: Record<string, unknown> };

/**
 * A version as the worker runs it: published content is kept by id; what can change after
 * publishing (`now`, read with the task's claim) is taken fresh, so an owner's cache setting
 * holds from the next task on, and content replaced in place (a built-in's) is read again.
 */
export async function versionOf(deps: Pick<WorkerDeps, 'db' | 'versions'>, id: string, now?: repo.VersionNow): Promise<ModelVersion> {
  const cached = deps.versions.get(id);
  if (cached && (!now || cached.digest === now.digest)) return { ...cached, ...now };
  const v = await getVersionById(deps.db, id);
  // Drafts change while their owner edits them; only published content is kept.
  if (isRunnable(v.status)) deps.versions.set(id, v);
  return v;
}

/**
 * Runs one task: claims it, runs the items that have no result yet through the executor of the
 * version's runtime, checks outputs against the output schema and records them. Model failures
 * are item results; only trouble of our own (database, executor) asks the queue for a retry, and
 * on the last attempt even that fails the remaining items with the reason, so every job ends.
 */
export async function runTask(deps: WorkerDeps, { taskId, cacheChecked, urgent }: TTaskRunPayload, attempt: Attempt): Promise<Verdict> {
  try {
    const task = await claim(deps, taskId);
    if (!task) return { status: 'completed', output: { skipped: 'task no longer exists' } };
    if (task.alreadyClosed) return { status: 'completed', output: { skipped: 'task already closed' } };
    if (task.jobStatus === 'cancelled') {
      await repo.finishTask(deps.db, taskId, 'failed', 'job cancelled');
      return { status: 'completed', output: { skipped: 'job cancelled' } };
    }
    const version = await versionOf(deps, task.modelVersionId, task.versionNow);
    // Only a repeated attempt can find results already written (they are unique per item anyway).
    const done = task.attempts > 1 ? await repo.existingResultIndexes(deps.db, task.jobId, task.items.map((i) => i.index)) : new Set<number>();
    // An uploaded file's items are canonicalised here rather than at submission; then those the
    // result cache holds are answered from it (tasks written at submission were looked up there).
    const pending = task.items.filter((i) => !done.has(i.index));
    const { items: prepared, refused } = await prepareRawItems(version, pending, `job:${task.jobId}`);
    const { hits: cached, misses: remaining } = cacheChecked ? { hits: [], misses: prepared } : await answerFromCache(deps, version, prepared);

    let outcomes: ItemOutcome[];
    let gaveUp = false;
    const executor = deps.executors.get(version.runtime.kind);
    const cancellation = watchCancellation(deps, task.jobId);
    try {
      if (remaining.length === 0) {
        outcomes = [];
      } else if (!executor) {
        outcomes = remaining.map((i) => ({ index: i.index, code: 'UNAVAILABLE', error: `no executor for runtime "${version.runtime.kind}" on this worker` }));
      } else {
        try {
          outcomes = await executor.run(version, remaining, { signal: cancellation.signal, task: { id: task.id, jobId: task.jobId, attempt: task.attempts }, urgent });
        } catch (e) {
          // Transient trouble is retried by the queue; anything else, or the last attempt, fails
          // the items with the reason, so the job still ends.
          const err = toAppError(e);
          if (err.transient && !attempt.last) throw err;
          // Our own trouble on the last attempt: the queue has given up on this task.
          gaveUp = err.transient;
          outcomes = remaining.map((i) => ({ index: i.index, code: err.code, error: err.message }));
        }
      }
    } finally {
      cancellation.stop();
    }
    if (cancellation.signal.aborted) {
      await repo.finishTask(deps.db, taskId, 'failed', 'job cancelled');
      return { status: 'completed', output: { skipped: 'job cancelled while running' } };
    }
    outcomes = [...refused, ...cached, ...outcomes.map((o) => checkedOutput(version, o))];
    const caching = usesCache(version);
    await recordTaskOutcomes(deps, { id: task.id, jobId: task.jobId, attempt: task.attempts }, outcomes, {
      executor: executor?.kind ?? 'none',
      versionDigest: version.digest,
      items: new Map([...task.items, ...prepared].map((i) => [i.index, i])),
      units: resourceUnits(version),
      deadLettered: gaveUp,
      cache: caching,
      rawKeys: caching ? rawKeysOf(version, pending) : undefined,
    });
    return { status: 'completed', output: { items: outcomes.length } };
  } catch (e) {
    const err = toAppError(e);
    deps.log(`task ${taskId} attempt ${attempt.number} failed (${err.code}): ${err.message}`);
    await repo.recordTaskError(deps.db, taskId, `${err.code}: ${err.message}`).catch(() => {});
    if (attempt.last || !err.transient) {
      // No attempt is coming after this one: the items end now, with the reason.
      const ended = await failTaskItems(deps, taskId, { code: err.code, error: `the task failed on its last attempt: ${err.message}` }, { deadLettered: true }).then(
        () => true,
        () => false,
      );
      if (ended) return { status: 'completed', output: { code: err.code, error: err.message, itemsFailed: true } };
    }
    // A bad request cannot get better by retrying; our own trouble can.
    return { status: err.transient ? 'failed' : 'deadletter', output: { code: err.code, error: err.message } };
  }
}

/**
 * Claims a task in one statement; only when a job it starts has webhooks, in a transaction that
 * also writes their 'started' deliveries.
 */
async function claim(deps: Pick<WorkerDeps, 'db' | 'boss'>, taskId: string): Promise<repo.ClaimedTask | undefined> {
  const tellStarted = async (tx: DbOrTx, task: repo.ClaimedTask | undefined) => {
    for (const jobId of task?.startedJobsHeard ?? []) await emitJobEvents(tx, deps.boss, jobId, { kind: 'started' });
  };
  const claimed = await repo.claimTask(deps.db, taskId, { unlessHeard: true });
  if (claimed === 'heard') {
    return deps.db.transaction().execute(async (tx) => {
      const task = await repo.claimTask(tx, taskId);
      await tellStarted(tx, task);
      return task;
    });
  }
  // A webhook of the job created while this statement waited for the job's row: its snapshot
  // did not hold it, the row it updated did (jobs.webhooked), so it hears the start just after.
  if (claimed?.startedJobsHeard.length) await deps.db.transaction().execute((tx) => tellStarted(tx, claimed));
  return claimed;
}

/**
 * The items of a task created without a look in the result cache (a file's rows, written by the
 * database): those the cache holds are answered from it, the rest are left for the model. Items
 * are looked up as the task holds them, prepared.
 */
async function answerFromCache<T extends TaskItem>(deps: Pick<WorkerDeps, 'db'>, version: ModelVersion, items: T[]): Promise<{ hits: ItemOutcome[]; misses: T[] }> {
  return splitByCache(deps.db, version, items);
}

/**
 * A task the queue gave up on (its attempts all failed, or every worker running it died): its
 * items without a result fail with the last reason known, so its job ends.
 */
export async function endDeadTask(deps: WorkerDeps, { taskId }: TTaskRunPayload): Promise<Verdict> {
  const task = await repo.findTask(deps.db, taskId);
  if (!task || task.status === 'done' || task.status === 'failed') return { status: 'completed', output: { skipped: 'task already closed' } };
  const why = task.error ?? 'the worker running it stopped each time (killed, or out of memory)';
  await failTaskItems(deps, taskId, { code: 'UNAVAILABLE', error: `the task could not finish after ${task.attempts} attempts: ${why}` }, { deadLettered: true });
  deps.log(`task ${taskId} given up after ${task.attempts} attempts: ${why}`);
  return { status: 'completed', output: { failed: true } };
}

/** Fails every item of a task that has no result yet, closes the task and settles its job. */
export async function failTaskItems(deps: Pick<WorkerDeps, 'db' | 'boss'>, taskId: string, why: { code: ErrorCode; error: string }, o: { deadLettered?: boolean } = {}): Promise<void> {
  const task = await repo.findTask(deps.db, taskId);
  if (!task) return;
  const job = await repo.findJob(deps.db, task.job_id);
  if (!job) return;
  const done = await repo.existingResultIndexes(deps.db, task.job_id, task.items.map((i) => i.index));
  const outcomes = task.items.filter((i) => !done.has(i.index)).map((i) => ({ index: i.index, ...why }));
  const digest = (await getVersionById(deps.db, job.modelVersionId)).digest;
  await recordTaskOutcomes(deps, { id: task.id, jobId: task.job_id, attempt: task.attempts }, outcomes, {
    executor: 'none',
    versionDigest: digest,
    items: new Map(task.items.map((i) => [i.index, i])),
    deadLettered: o.deadLettered,
  });
}

/** An output that does not fit the version's output schema is the model's protocol error. */
export function checkedOutput(version: ModelVersion, o: ItemOutcome): ItemOutcome {
  if (!('output' in o)) return o;
  let problem: string | null;
  try {
    problem = checkOutput(version.outputSchema, o.output);
  } catch (e) {
    return { index: o.index, code: 'MODEL_PROTOCOL', error: `the version's output schema cannot be used to check outputs: ${(e as Error).message}`, durationMs: o.durationMs };
  }
  if (problem) return { index: o.index, code: 'MODEL_PROTOCOL', error: `the model's output does not match its output schema: ${problem}`, durationMs: o.durationMs };
  // PostgreSQL cannot store NUL characters: such an output could never be written.
  if (holdsNul(o.output)) {
    return { index: o.index, code: 'MODEL_PROTOCOL', error: 'the model\'s output contains NUL characters (\\u0000), which cannot be stored; remove them', durationMs: o.durationMs };
  }
  return o;
}

/** Whether any string (or key) in a JSON value holds a NUL character. */
function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\0')) return true;
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\0')) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

const CANCEL_POLL_MS = 1000;

/** Aborts while the task's job gets cancelled, checking its status every second. */
function watchCancellation(deps: Pick<WorkerDeps, 'db'>, jobId: string): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    repo.jobStatus(deps.db, jobId).then(
      (status) => status === 'cancelled' && controller.abort(),
      () => {}, // the database is briefly away: check again next time
    );
  }, CANCEL_POLL_MS);
  timer.unref();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/**
 * Writes one task's outcomes and closes the task, in one transaction. Results are unique per
 * item, so a retried task adds only what was not written before and never counts twice.
 */
export async function recordTaskOutcomes(
  deps: Pick<WorkerDeps, 'db' | 'boss'>,
  task: { id: string; jobId: string; attempt: number },
  outcomes: ItemOutcome[],
  meta: {
    executor: string;
    versionDigest: string;
    items: Map<number, TaskItem>;
    units?: ResourceUnits;
    deadLettered?: boolean;
    /** Keep the successful outputs a model computed in the result cache (the version's setting). */
    cache?: boolean;
    /** Uploaded items' raw keys by index: their outputs are kept under these too, with the canonical input. */
    rawKeys?: Map<number, string>;
  },
): Promise<Job['status']> {
  const provenance = { executor: meta.executor, versionDigest: meta.versionDigest, taskId: task.id, attempt: task.attempt };
  const rows = withModelTime(
    outcomes.map((o) => resultRow(task.jobId, meta.items.get(o.index) ?? { index: o.index, input: {} }, o, provenance)),
    // Answers from the cache took no model time and share none of the batch's.
    outcomes.filter((o) => !('cachedFrom' in o && o.cachedFrom)),
    meta.units,
  );
  return deps.db.transaction().execute(async (tx) => {
    // With the results, in one statement: the cache entries of those written, and their model time charged.
    const cache = meta.cache ? { versionDigest: meta.versionDigest, entries: cacheEntries(task.jobId, meta, outcomes) } : undefined;
    const written = await repo.insertResults(tx, rows, { cache, charge: chargeTo(task.jobId) });
    // One statement closes the task (once) and counts what it wrote.
    const { status, justFinished, parentJobId, endedBefore, closed, heard } = await repo.addToJobCounts(
      tx,
      task.jobId,
      { done: written.filter((w) => w.status === 'succeeded').length, failed: written.filter((w) => w.status === 'failed').length, tasks: 0 },
      { closeTask: task.id },
    );
    // Given up on: listed in the admin console's dead letters, from where it can be sent again.
    if (closed && meta.deadLettered) {
      const failed = outcomes.find((o): o is Extract<ItemOutcome, { code: ErrorCode }> => 'code' in o);
      await repo.markDeadLettered(tx, task.id, failed ? `${failed.code}: ${failed.error}` : null);
    }
    if (heard) await emitJobEvents(tx, deps.boss, task.jobId, { kind: 'counted', endedBefore, justFinished });
    if (justFinished) await onJobSettled(tx, deps.boss, parentJobId);
    return status;
  });
}

/**
 * The outputs to keep in the result cache (insertResults keeps those whose results it writes as
 * succeeded): those a model computed under their canonical input's key, and every item's
 * (computed or answered from the cache) under its raw key, the input as it was sent or as the
 * file had it, with the canonical input it became; each pointing where it was first computed.
 */
export function cacheEntries(jobId: string, meta: { items: Map<number, TaskItem>; rawKeys?: Map<number, string> }, outcomes: ItemOutcome[]): repo.CacheEntryOf[] {
  return outcomes.flatMap((o) => {
    const item = meta.items.get(o.index);
    if (!('output' in o) || !item) return [];
    const from = o.cachedFrom ?? { jobId, index: o.index };
    const raw = meta.rawKeys?.get(o.index);
    return [
      ...(o.cachedFrom ? [] : [{ item: o.index, key: inputKey(item.input), output: o.output, ...from }]),
      ...(raw ? [{ item: o.index, key: raw, output: o.output, ...from, input: item.input }] : []),
    ];
  });
}

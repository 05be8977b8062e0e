import type { Deps } from '../deps';
import { prepareInputs, type PreparedItem } from '../chem/inputs';
import { AppError, type ErrorCode } from '../errors';
import { getVersionById, resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import type { Viewer } from '../users/viewer';
import * as repo from './jobs.repository';
import { createJob, replayOf, requestHash, withVisibleProvenance } from './jobs.service';
import { TERMINAL_STATUSES, type Job, type JobResult } from './jobs.types';

export interface Prediction {
  jobId: string;
  model: string;
  version: number;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: { code: ErrorCode; message: string } | null;
  durationMs: number | null;
  /** Set when the output came from the result cache (see `JobResult.cachedFrom`). */
  cachedFrom: JobResult['cachedFrom'];
  /** Set when the version is deprecated. */
  warning: string | null;
}

/** A refused single input's message, without the "item 0:" a list of inputs would need. */
export function singleItemMessage(prepared: PreparedItem): string {
  return prepared.error!.message.replace(/^item 0: /, '');
}

/**
 * Runs one prepared input as a one-item job and waits until it ends, woken by the worker's
 * NOTIFY. `done` is false when it did not end within `waitMs`; `result` is missing then, or when
 * the job was cancelled.
 */
export async function runOne(
  deps: Deps,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem,
  o: { waitMs: number; label?: string; idempotency?: { key: string; hash: string }; audit?: boolean; cache?: boolean },
): Promise<{ job: Job; done: boolean; result?: JobResult }> {
  const listening = await deps.watcher.listening();
  const job = await createJob(deps, viewer, version, [prepared], { label: o.label, idempotency: o.idempotency, audit: o.audit, cache: o.cache });
  // Each check reads the status and the result together: woken, one query answers.
  let now: Awaited<ReturnType<typeof repo.findJobEnding>>;
  const ended = async () => {
    now = await repo.findJobEnding(deps.db, job.id);
    return !now || TERMINAL_STATUSES.includes(now.status);
  };
  // Answered from the cache (or refused) at creation, it has ended already: no waiting. Otherwise
  // it was created while the watcher listened, so the first look waits for the worker's NOTIFY.
  const done = TERMINAL_STATUSES.includes(job.status) ? await ended() : await deps.watcher.waitFor(job.id, ended, o.waitMs, { createdWhileListening: listening });
  const found = done ? now?.result ?? undefined : undefined;
  const result = found && (await withVisibleProvenance(deps.db, viewer, [found]))[0];
  return { job, done, result };
}

/**
 * One input, answered synchronously: a one-item job through the same queue and worker as any
 * screen (so it is permission-checked and counted alike), awaited here.
 */
export async function predictOne(deps: Deps, viewer: Viewer, req: { model: string; input: Record<string, unknown>; idempotencyKey?: string }): Promise<Prediction> {
  const idempotency = req.idempotencyKey ? { key: req.idempotencyKey, hash: requestHash(req) } : undefined;
  // A retry of a prediction already made waits for (or reads) the first one's job.
  const replay = idempotency && (await replayOf(deps, viewer, idempotency));
  const version = replay ? await getVersionById(deps.db, replay.modelVersionId) : await resolveModelRef(deps.db, viewer, req.model);
  const [prepared] = await prepareInputs(version.inputSchema, [req.input], { requester: viewer.id });
  if (prepared.error) throw new AppError('INVALID_INPUT', singleItemMessage(prepared));

  const waitMs = version.timeoutMs + 30_000;
  const { job, done, result } = await runOne(deps, viewer, version, prepared, { waitMs, idempotency });
  if (!done) {
    throw new AppError('TIMEOUT', `no answer within ${Math.round(waitMs / 1000)} s; the job ${job.id} continues, read it from the jobs list`, {
      jobId: job.id,
    });
  }
  return {
    jobId: job.id,
    model: version.slug,
    version: version.version,
    input: result?.input ?? prepared.input!,
    output: result?.output ?? null,
    error: result?.error ? { code: result.errorCode ?? 'MODEL_ERROR', message: result.error } : result ? null : { code: 'CANCELLED', message: 'the job was cancelled' },
    durationMs: result?.durationMs ?? null,
    cachedFrom: result?.cachedFrom ?? null,
    warning: job.warning,
  };
}

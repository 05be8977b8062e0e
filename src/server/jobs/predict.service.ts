import type { PgBoss } from 'pg-boss';
import type { Db } from '../db/client';
import { prepareInputs } from '../chem/inputs';
import { AppError } from '../errors';
import { resolveModelRef } from '../models/models.service';
import type { Viewer } from '../users/viewer';
import type { JobWatcher } from './job-watcher';
import * as repo from './jobs.repository';
import { createJob } from './jobs.service';
import { TERMINAL_STATUSES } from './jobs.types';

export interface Prediction {
  jobId: string;
  model: string;
  version: number;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  durationMs: number | null;
  /** Set when the version is deprecated. */
  warning: string | null;
}

/**
 * One input, answered synchronously: a one-item job through the same queue and worker as any
 * screen (so it is audited, cached and counted alike), awaited here.
 */
export async function predictOne(
  db: Db,
  boss: PgBoss,
  watcher: JobWatcher,
  viewer: Viewer,
  req: { model: string; input: Record<string, unknown> },
): Promise<Prediction> {
  const version = await resolveModelRef(db, req.model);
  const [prepared] = await prepareInputs(version.inputSchema, [req.input]);
  if (prepared.error) throw new AppError('INVALID_INPUT', prepared.error.message.replace(/^item 0: /, ''));

  const job = await createJob(db, boss, viewer, version, [prepared]);
  const waitMs = version.timeoutMs + 30_000;
  const done = await watcher.waitFor(
    job.id,
    async () => TERMINAL_STATUSES.includes((await repo.findJob(db, job.id))!.status),
    waitMs,
  );
  if (!done) {
    throw new AppError('TIMEOUT', `no answer within ${Math.round(waitMs / 1000)} s; the job ${job.id} continues, read it from the jobs list`, {
      jobId: job.id,
    });
  }
  const { items } = await repo.listResults(db, { jobId: job.id, limit: 1, offset: 0 });
  const result = items[0];
  return {
    jobId: job.id,
    model: version.slug,
    version: version.version,
    input: result?.input ?? prepared.input!,
    output: result?.output ?? null,
    error: result?.error ? { code: result.errorCode ?? 'MODEL_ERROR', message: result.error } : result ? null : { code: 'CANCELLED', message: 'the job was cancelled' },
    durationMs: result?.durationMs ?? null,
    warning: job.warning,
  };
}

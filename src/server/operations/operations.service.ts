import { requireAdmin } from '../admin/require-admin';
import { audit } from '../audit/audit.service';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { enqueueMany } from '../queue/boss';
import { queueCatalog, type QueueName } from '../queue/catalog';
import type { Viewer } from '../users/viewer';
import { listWorkers, WORKER_GONE_AFTER_MS } from './heartbeat.repository';
import * as repo from './operations.repository';

/** Queue depth per pg-boss queue: waiting (ready and deferred for a retry), active, failed. */
export async function queueDepth({ boss }: Pick<Deps, 'boss'>, viewer: Viewer) {
  requireAdmin(viewer, 'the queues');
  const names = Object.keys(queueCatalog) as QueueName[];
  const queues = await boss.getQueues(names);
  return names.map((name) => {
    const q = queues.find((x) => x.name === name);
    return {
      name,
      ready: q?.readyCount ?? 0,
      deferred: q?.deferredCount ?? 0,
      queued: q?.queuedCount ?? 0,
      active: q?.activeCount ?? 0,
      failed: q?.failedCount ?? 0,
      total: q?.totalCount ?? 0,
    };
  });
}

export async function workerHealth({ db }: Pick<Deps, 'db'>, viewer: Viewer) {
  requireAdmin(viewer, 'worker health');
  return { goneAfterSeconds: WORKER_GONE_AFTER_MS / 1000, workers: await listWorkers(db) };
}

export async function deadLetters({ db }: Pick<Deps, 'db'>, viewer: Viewer) {
  requireAdmin(viewer, 'dead-lettered tasks');
  return repo.listDeadLetters(db);
}

/**
 * Sends a dead-lettered task to the queue again (with a fresh set of attempts): in one
 * transaction its failed results are removed, its job reopened and the queue message written,
 * so a retry is all or nothing and a second click finds nothing to retry.
 */
export async function retryDeadLetter({ db, boss }: Pick<Deps, 'db' | 'boss'>, viewer: Viewer, { taskId }: { taskId: string }) {
  requireAdmin(viewer, 'dead-lettered tasks');
  const listed = (await repo.listDeadLetters(db, 1000)).find((d) => d.taskId === taskId);
  if (!listed) throw new AppError('NOT_FOUND', `no dead-lettered task ${taskId} (it may have been retried already)`);
  if (listed.blocked) throw new AppError('CONFLICT', `task ${taskId} cannot be retried: ${listed.blocked}`);
  return db.transaction().execute(async (tx) => {
    const reopened = await repo.reopenDeadTask(tx, taskId, viewer.id);
    if (!reopened) throw new AppError('CONFLICT', `task ${taskId} was retried by someone else a moment ago`);
    const version = await tx.selectFrom('jobs').select('model_version_id').where('id', '=', reopened.jobId).executeTakeFirstOrThrow();
    await enqueueMany(boss, 'task.run', [{ taskId, jobId: reopened.jobId }], tx, { group: version.model_version_id });
    const answer = { taskId, jobId: reopened.jobId, itemsReopened: reopened.removed };
    await audit(tx, viewer, { action: 'task.retry', entity: { type: 'task', id: taskId }, before: { deadLetteredAt: listed.deadLetteredAt, error: listed.error }, after: answer });
    return answer;
  });
}

export async function modelStats({ db }: Pick<Deps, 'db'>, viewer: Viewer, { days }: { days: number }) {
  requireAdmin(viewer, 'model statistics');
  return { days, models: await repo.modelStats(db, days) };
}

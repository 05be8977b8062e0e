import type { PgBoss } from 'pg-boss';
import type { DbOrTx } from '../db/client';
import type { JobStatus, WebhookEvent } from '../db/types';
import { enqueueMany } from '../queue/boss';
import * as repo from './webhooks.repository';
import type { WebhookPayload } from './webhooks.types';

/** What just happened to a job, as the transaction that changed it saw it. */
export type JobChange =
  /** Its first task was claimed: queued → running. */
  | { kind: 'started' }
  /** Items ended: `endedBefore` is items_done + items_failed before this transaction's update. */
  | { kind: 'counted'; endedBefore: number; justFinished: boolean }
  | { kind: 'cancelled' };

/** The progress bucket `ended` items of `total` fall in, for a step of `step` percent. */
export function progressBucket(ended: number, total: number, step: number): number {
  return total > 0 ? Math.floor((ended * 100) / (total * step)) : 0;
}

function eventFor(change: JobChange, job: { status: string; items_total: number; items_done: number; items_failed: number }, step: number): WebhookEvent | null {
  if (change.kind !== 'counted') return change.kind;
  if (change.justFinished) return job.status === 'succeeded' ? 'succeeded' : job.status === 'failed' ? 'failed' : null;
  if (job.status !== 'running') return null;
  // The job's row is locked by the update that moved its counts: each bucket is crossed by exactly one transaction.
  const ended = job.items_done + job.items_failed;
  return progressBucket(ended, job.items_total, step) > progressBucket(change.endedBefore, job.items_total, step) ? 'progress' : null;
}

/**
 * Writes a delivery for each webhook that hears of this change of the job (the job's own and its
 * submitting token's) and queues it, in the caller's transaction: the deliveries exist exactly when
 * the change does. One indexed query when no webhook listens.
 */
export async function emitJobEvents(tx: DbOrTx, boss: PgBoss, jobId: string, change: JobChange): Promise<void> {
  const hooks = await repo.webhooksOfJob(tx, jobId);
  if (hooks.length === 0) return;
  const occurredAt = new Date().toISOString();
  const rows = [];
  for (const h of hooks) {
    const event = eventFor(change, h, h.progress_step);
    if (!event || !h.events.includes(event)) continue;
    const payload: WebhookPayload = {
      event,
      jobId,
      job: { status: h.status, itemsTotal: h.items_total, itemsDone: h.items_done, itemsFailed: h.items_failed },
      occurredAt,
      ...(event === 'progress' ? { progress: Math.floor(((h.items_done + h.items_failed) * 100) / Math.max(1, h.items_total)) } : {}),
    };
    rows.push({ webhookId: h.id, jobId, event, payload });
  }
  await queueDeliveries(tx, boss, rows);
}

/**
 * Tells a webhook just put on a job where the job already stands. A job's webhook can only be made
 * once the job exists, often after a worker has picked it up or even after it ended, and would
 * otherwise never hear `started` (or anything at all): so one delivery, flagged `catchUp`, of
 * `started` while the job runs or of how it ended, with today's counts (progress steps already
 * crossed are not sent). The caller holds the job's row (`markJobWebhooked`) in the transaction that
 * creates the webhook, so a claim or count running meanwhile either sees the webhook or is seen by
 * it: each event reaches it once.
 */
export async function emitCatchUp(
  tx: DbOrTx,
  boss: PgBoss,
  webhook: { id: string; events: WebhookEvent[] },
  jobId: string,
  job: { status: JobStatus; items_total: number; items_done: number; items_failed: number; started_at: Date | null; finished_at: Date | null },
): Promise<void> {
  if (job.status === 'queued') return;
  const event: WebhookEvent = job.status === 'running' ? 'started' : job.status;
  if (!webhook.events.includes(event)) return;
  const at = (event === 'started' ? job.started_at : job.finished_at) ?? new Date();
  const payload: WebhookPayload = {
    event,
    jobId,
    job: { status: job.status, itemsTotal: job.items_total, itemsDone: job.items_done, itemsFailed: job.items_failed },
    occurredAt: new Date(at).toISOString(),
    catchUp: true,
  };
  await queueDeliveries(tx, boss, [{ webhookId: webhook.id, jobId, event, payload }]);
}

/** Writes deliveries and their queue entries in the caller's transaction; returns their ids. */
export async function queueDeliveries(tx: DbOrTx, boss: PgBoss, rows: Parameters<typeof repo.insertDeliveries>[1]): Promise<string[]> {
  const ids = await repo.insertDeliveries(tx, rows);
  if (ids.length) await enqueueMany(boss, 'webhook.deliver', ids.map((deliveryId) => ({ deliveryId })), tx);
  return ids;
}

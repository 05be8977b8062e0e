import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { WebhookEvent } from '../db/types';
import type { Webhook, WebhookDelivery, WebhookPayload } from './webhooks.types';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

type WebhookRow = { id: string; url: string; job_id: string | null; token_id: string | null; events: WebhookEvent[]; progress_step: number; created_at: Date };

function toWebhook(r: WebhookRow): Webhook {
  return { id: r.id, url: r.url, jobId: r.job_id, tokenId: r.token_id, events: r.events, progressStep: r.progress_step, createdAt: iso(r.created_at)! };
}

const WEBHOOK_COLUMNS = ['id', 'url', 'job_id', 'token_id', 'events', 'progress_step', 'created_at'] as const;

export async function insertWebhook(
  db: DbOrTx,
  w: { ownerId: string; url: string; sealedSecret: string; jobId: string | null; tokenId: string | null; events: WebhookEvent[]; progressStep: number },
): Promise<Webhook> {
  const row = await db
    .insertInto('webhooks')
    .values({
      owner_id: w.ownerId,
      url: w.url,
      secret: w.sealedSecret,
      job_id: w.jobId,
      token_id: w.tokenId,
      events: sql<WebhookEvent[]>`${w.events}::text[]`,
      progress_step: w.progressStep,
    })
    .returning(WEBHOOK_COLUMNS)
    .executeTakeFirstOrThrow();
  return toWebhook(row);
}

export async function countActiveWebhooks(db: DbOrTx, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('webhooks')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('owner_id', '=', ownerId)
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An owner's active webhooks, newest first. */
export async function listWebhooks(db: DbOrTx, ownerId: string, f: { jobId?: string; tokenId?: string } = {}): Promise<Webhook[]> {
  let q = db.selectFrom('webhooks').select(WEBHOOK_COLUMNS).where('owner_id', '=', ownerId).where('disabled_at', 'is', null);
  if (f.jobId) q = q.where('job_id', '=', f.jobId);
  if (f.tokenId) q = q.where('token_id', '=', f.tokenId);
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute()).map(toWebhook);
}

/** An owner's webhook (deleted ones too: their log stays readable). */
export async function findOwnWebhook(db: DbOrTx, ownerId: string, id: string): Promise<(Webhook & { disabled: boolean }) | undefined> {
  const row = await db.selectFrom('webhooks').select([...WEBHOOK_COLUMNS, 'disabled_at']).where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst();
  return row && { ...toWebhook(row), disabled: row.disabled_at !== null };
}

/** Disables an owner's active webhook; false when there is none. */
export async function disableWebhook(db: DbOrTx, ownerId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('webhooks')
    .set({ disabled_at: new Date() })
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .where('disabled_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/**
 * Whether any active webhook hears of the job row `alias` names (its own: the row's mark, set by
 * markJobWebhooked when one is created; or its submitting token's), as a condition to fold into the
 * statement that changes the job: a job nobody listens to then costs no query of its own.
 */
export function jobIsHeard(alias: string) {
  const token = sql.ref(`${alias}.token_id`);
  const marked = sql.ref(`${alias}.webhooked`);
  return sql<boolean>`(${marked} or (${token} is not null and exists (select 1 from webhooks w where w.token_id = ${token} and w.disabled_at is null)))`;
}

/** A job's counts and the active webhooks that hear of it: its own, and its submitting token's. */
export async function webhooksOfJob(db: DbOrTx, jobId: string) {
  return db
    .selectFrom('jobs as j')
    .innerJoin('webhooks as w', (join) =>
      join.on((eb) => eb.or([eb('w.job_id', '=', eb.ref('j.id')), eb.and([eb('j.token_id', 'is not', null), eb('w.token_id', '=', eb.ref('j.token_id'))])])),
    )
    .select(['w.id', 'w.events', 'w.progress_step', 'j.status', 'j.items_total', 'j.items_done', 'j.items_failed'])
    .where('j.id', '=', jobId)
    .where('w.disabled_at', 'is', null)
    .execute();
}

/**
 * Marks the job as having a webhook of its own and returns its status and counts, its row locked
 * until the transaction ends: a claim, a count or a cancel of the job waits for it, and then
 * works on the row this wrote, so it sees the mark (jobIsHeard) and the webhook hears it.
 */
export async function markJobWebhooked(tx: DbOrTx, jobId: string) {
  return tx
    .updateTable('jobs')
    .set({ webhooked: true })
    .where('id', '=', jobId)
    .returning(['status', 'items_total', 'items_done', 'items_failed', 'started_at', 'finished_at'])
    .executeTakeFirst();
}

type DeliveryRow = {
  id: string;
  webhook_id: string;
  job_id: string | null;
  event: WebhookEvent;
  payload: Record<string, unknown>;
  status: WebhookDelivery['status'];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  replay_of: string | null;
  created_at: Date;
  delivered_at: Date | null;
};

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    jobId: r.job_id,
    event: r.event,
    payload: r.payload as WebhookPayload,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: iso(r.next_attempt_at),
    replayOf: r.replay_of,
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
  };
}

const DELIVERY_COLUMNS = [
  'd.id',
  'd.webhook_id',
  'd.job_id',
  'd.event',
  'd.payload',
  'd.status',
  'd.attempts',
  'd.last_status_code',
  'd.last_error',
  'd.next_attempt_at',
  'd.replay_of',
  'd.created_at',
  'd.delivered_at',
] as const;

export async function insertDeliveries(
  db: DbOrTx,
  rows: { webhookId: string; jobId: string | null; event: WebhookEvent; payload: WebhookPayload; replayOf?: string }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const out = await db
    .insertInto('webhook_deliveries')
    .values(rows.map((r) => ({ webhook_id: r.webhookId, job_id: r.jobId, event: r.event, payload: JSON.stringify(r.payload), replay_of: r.replayOf ?? null })))
    .returning('id')
    .execute();
  return out.map((r) => r.id);
}

/** A delivery of one of the owner's webhooks. */
export async function findOwnDelivery(db: DbOrTx, ownerId: string, id: string): Promise<(WebhookDelivery & { webhookDisabled: boolean }) | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([...DELIVERY_COLUMNS, 'w.disabled_at'])
    .where('d.id', '=', id)
    .where('w.owner_id', '=', ownerId)
    .executeTakeFirst();
  return row && { ...toDelivery(row), webhookDisabled: row.disabled_at !== null };
}

/** A page of an owner's deliveries, newest first, after the keyset `after` (created_at, id). */
export async function listDeliveries(
  db: DbOrTx,
  ownerId: string,
  q: { webhookId?: string; jobId?: string; after?: { createdAt: string; id: string }; limit: number },
): Promise<WebhookDelivery[]> {
  let list = db.selectFrom('webhook_deliveries as d').innerJoin('webhooks as w', 'w.id', 'd.webhook_id').select(DELIVERY_COLUMNS).where('w.owner_id', '=', ownerId);
  if (q.webhookId) list = list.where('d.webhook_id', '=', q.webhookId);
  if (q.jobId) list = list.where('d.job_id', '=', q.jobId);
  if (q.after) {
    const after = q.after;
    // The cursor's time has milliseconds, the column microseconds: the cursor's own row gives the
    // exact key, so a delivery made in the same millisecond is not skipped.
    const at = sql`coalesce((select c.created_at from webhook_deliveries c where c.id = ${after.id}::uuid), ${after.createdAt}::timestamptz)`;
    list = list.where((eb) => eb(sql`(d.created_at, d.id)`, '<', sql`(${at}, ${after.id}::uuid)`));
  }
  const rows = await list.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(q.limit).execute();
  return rows.map(toDelivery);
}

/** What a send needs: the delivery, its webhook's URL and sealed secret, and whether the webhook is still active. */
export async function deliveryToSend(db: DbOrTx, id: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.event', 'd.payload', 'd.status', 'd.attempts', 'w.url', 'w.secret', 'w.disabled_at'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** Records one attempt: delivered, or still pending (retried) or failed (given up), with what the receiver said. */
export async function recordAttempt(
  db: DbOrTx,
  id: string,
  a: { status: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null; nextAttemptAt?: Date | null },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: a.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: a.statusCode,
      last_error: a.error?.slice(0, 1000) ?? null,
      next_attempt_at: a.nextAttemptAt ?? null,
      delivered_at: a.status === 'delivered' ? new Date() : null,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Gives up on a delivery still pending (the queue dead-lettered it), keeping why. */
export async function failPendingDelivery(db: DbOrTx, id: string, why: string): Promise<boolean> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ status: 'failed', next_attempt_at: null, last_error: eb.fn.coalesce('last_error', sql<string>`${why}`) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

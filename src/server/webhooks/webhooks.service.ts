import type { Deps } from '../deps';
import { inTransaction, type DbOrTx } from '../db/client';
import { AppError } from '../errors';
import { readableJob } from '../jobs/jobs.service';
import { checkOutboundUrl } from '../outbound/outbound-hosts';
import { sealSecret } from '../secrets/seal';
import type { Viewer } from '../users/viewer';
import { emitCatchUp, queueDeliveries } from './events';
import * as repo from './webhooks.repository';
import { newWebhookSecret } from './signature';
import { MAX_WEBHOOKS_PER_OWNER, WEBHOOK_EVENTS, ZListDeliveriesInput, type TCreateWebhookInput, type TListDeliveriesInput, type TListWebhooksInput } from './webhooks.schema';
import type { Webhook, WebhookDelivery } from './webhooks.types';

type DbDeps = { db: DbOrTx };

/** A token of the viewer's own that still works; anyone else's is missing. */
async function ownToken(db: DbOrTx, viewer: Viewer, tokenId: string): Promise<void> {
  const row = await db.selectFrom('api_tokens').select('id').where('id', '=', tokenId).where('user_id', '=', viewer.id).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `no API token ${tokenId} of yours`);
}

/**
 * Creates a webhook on one of the viewer's jobs or on one of their tokens (every job submitted
 * with it). Returns the signing secret this once; it is stored sealed and never shown again.
 * A job's webhook made after the job started is told at once where it stands (`emitCatchUp`);
 * a token's hears of what happens after it is made.
 */
export async function createWebhook({ db, boss }: DbDeps & Pick<Deps, 'boss'>, viewer: Viewer, input: TCreateWebhookInput): Promise<Webhook & { secret: string }> {
  if ((input.jobId === undefined) === (input.tokenId === undefined)) {
    throw new AppError('INVALID_INPUT', 'give exactly one of jobId (this job\'s events) or tokenId (the events of every job that token submits)');
  }
  const url = input.url.trim();
  const allowed = checkOutboundUrl(url);
  if (!allowed.ok) throw new AppError('INVALID_INPUT', `url: ${allowed.reason}`, { field: 'url' });
  if (input.jobId) await readableJob(db, viewer, input.jobId);
  if (input.tokenId) await ownToken(db, viewer, input.tokenId);
  return inTransaction(db, async (tx) => {
    const job = input.jobId ? await repo.markJobWebhooked(tx, input.jobId) : undefined;
    if ((await repo.countActiveWebhooks(tx, viewer.id)) >= MAX_WEBHOOKS_PER_OWNER) {
      throw new AppError('INVALID_INPUT', `you already have ${MAX_WEBHOOKS_PER_OWNER} webhooks, the most one account may have; delete some first`, { limit: MAX_WEBHOOKS_PER_OWNER });
    }
    const secret = newWebhookSecret();
    const webhook = await repo.insertWebhook(tx, {
      ownerId: viewer.id,
      url: allowed.url.href,
      sealedSecret: sealSecret(secret),
      jobId: input.jobId ?? null,
      tokenId: input.tokenId ?? null,
      events: [...new Set(input.events ?? WEBHOOK_EVENTS)],
      progressStep: input.progressStep ?? 10,
    });
    if (input.jobId && job) await emitCatchUp(tx, boss, webhook, input.jobId, job);
    return { ...webhook, secret };
  });
}

export async function listWebhooks({ db }: DbDeps, viewer: Viewer, input: TListWebhooksInput): Promise<Webhook[]> {
  return repo.listWebhooks(db, viewer.id, input ?? {});
}

/** Deletes (disables) one of the viewer's webhooks: nothing more is sent; its log stays. */
export async function deleteWebhook({ db }: DbDeps, viewer: Viewer, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
  if (!(await repo.disableWebhook(db, viewer.id, id))) throw new AppError('NOT_FOUND', `no webhook ${id} of yours`);
  return { id, deleted: true };
}

const encodeCursor = (d: WebhookDelivery) => Buffer.from(`${d.createdAt}|${d.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor this list gave; pass nextCursor from the previous page');
  }
  return { createdAt, id };
}

/** The log of one of the viewer's webhooks, or of the deliveries about one job they may read; newest first. */
export async function listDeliveries({ db }: DbDeps, viewer: Viewer, raw: TListDeliveriesInput): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
  const input = ZListDeliveriesInput.parse(raw);
  if ((input.webhookId === undefined) === (input.jobId === undefined)) throw new AppError('INVALID_INPUT', 'give exactly one of webhookId or jobId');
  if (input.webhookId && !(await repo.findOwnWebhook(db, viewer.id, input.webhookId))) throw new AppError('NOT_FOUND', `no webhook ${input.webhookId} of yours`);
  if (input.jobId) await readableJob(db, viewer, input.jobId);
  const items = await repo.listDeliveries(db, viewer.id, {
    webhookId: input.webhookId,
    jobId: input.jobId,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: input.limit + 1,
  });
  const more = items.length > input.limit;
  const page = more ? items.slice(0, input.limit) : items;
  return { items: page, nextCursor: more ? encodeCursor(page.at(-1)!) : null };
}

/** Sends a delivery's payload again, as a new delivery (a new id, `replayOf` the original). */
export async function replayDelivery({ db, boss }: DbDeps & Pick<Deps, 'boss'>, viewer: Viewer, { deliveryId }: { deliveryId: string }): Promise<WebhookDelivery> {
  const original = await repo.findOwnDelivery(db, viewer.id, deliveryId);
  if (!original) throw new AppError('NOT_FOUND', `no webhook delivery ${deliveryId} of yours`);
  if (original.webhookDisabled) throw new AppError('CONFLICT', `the webhook of delivery ${deliveryId} was deleted; create a new webhook to receive events again`);
  const row = { webhookId: original.webhookId, jobId: original.jobId, event: original.event, payload: original.payload, replayOf: original.id };
  const [id] = await inTransaction(db, (tx) => queueDeliveries(tx, boss, [row]));
  return (await repo.findOwnDelivery(db, viewer.id, id))!;
}

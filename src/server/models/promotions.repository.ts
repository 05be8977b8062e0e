import type { DbOrTx } from '../db/client';
import type { PromotionStatus } from '../db/types';
import { visibleModels } from './model-access';
import type { ViewerLike } from '../../shared/permissions';

export interface PromotionRequest {
  id: string;
  modelId: string;
  slug: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number;
  toVersionId: string;
  requestedById: string | null;
  requestedBy: string | null;
  reason: string;
  status: PromotionStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string;
  createdAt: string;
}

function requestQuery(db: DbOrTx) {
  return db
    .selectFrom('promotion_requests as p')
    .innerJoin('models as m', 'm.id', 'p.model_id')
    .innerJoin('model_versions as tv', 'tv.id', 'p.to_version_id')
    .leftJoin('model_versions as fv', 'fv.id', 'p.from_version_id')
    .leftJoin('users as rb', 'rb.id', 'p.requested_by')
    .leftJoin('users as dby', 'dby.id', 'p.decided_by')
    .select([
      'p.id',
      'p.model_id',
      'm.slug',
      'p.alias',
      'fv.version as from_version',
      'tv.version as to_version',
      'p.to_version_id',
      'p.requested_by',
      'rb.email as requested_by_email',
      'p.reason',
      'p.status',
      'dby.email as decided_by_email',
      'p.decided_at',
      'p.decision_note',
      'p.created_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof requestQuery>['executeTakeFirstOrThrow']>>;

const toRequest = (r: Row): PromotionRequest => ({
  id: r.id,
  modelId: r.model_id,
  slug: r.slug,
  alias: r.alias,
  fromVersion: r.from_version,
  toVersion: r.to_version,
  toVersionId: r.to_version_id,
  requestedById: r.requested_by,
  requestedBy: r.requested_by_email,
  reason: r.reason,
  status: r.status,
  decidedBy: r.decided_by_email,
  decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  decisionNote: r.decision_note,
  createdAt: new Date(r.created_at).toISOString(),
});

/** A new pending request; null when one is already pending for that alias. */
export async function insertRequest(
  db: DbOrTx,
  r: { modelId: string; alias: string; fromVersionId: string | null; toVersionId: string; requestedBy: string; reason: string },
): Promise<PromotionRequest | null> {
  const row = await db
    .insertInto('promotion_requests')
    .values({ model_id: r.modelId, alias: r.alias, from_version_id: r.fromVersionId, to_version_id: r.toVersionId, requested_by: r.requestedBy, reason: r.reason })
    .onConflict((oc) => oc.columns(['model_id', 'alias']).where('status', '=', 'pending').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? (await findRequest(db, row.id))! : null;
}

export async function findRequest(db: DbOrTx, id: string): Promise<PromotionRequest | undefined> {
  const row = await requestQuery(db).where('p.id', '=', id).executeTakeFirst();
  return row && toRequest(row);
}

export async function findPendingRequest(db: DbOrTx, modelId: string, alias: string): Promise<PromotionRequest | undefined> {
  const row = await requestQuery(db).where('p.model_id', '=', modelId).where('p.alias', '=', alias).where('p.status', '=', 'pending').executeTakeFirst();
  return row && toRequest(row);
}

/** Closes a pending request; false when it was no longer pending (someone decided first). */
export async function decideRequest(db: DbOrTx, id: string, d: { status: Exclude<PromotionStatus, 'pending'>; by: string; note: string }): Promise<boolean> {
  const row = await db
    .updateTable('promotion_requests')
    .set({ status: d.status, decided_by: d.by, decided_at: new Date(), decision_note: d.note })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Requests on models the viewer may see, newest first; of one model, or of every model. */
export async function listRequests(
  db: DbOrTx,
  viewer: ViewerLike,
  q: { modelId?: string; status?: PromotionStatus; limit: number },
): Promise<PromotionRequest[]> {
  let query = requestQuery(db).where(visibleModels(viewer));
  if (q.modelId) query = query.where('p.model_id', '=', q.modelId);
  if (q.status) query = query.where('p.status', '=', q.status);
  const rows = await query.orderBy('p.created_at', 'desc').limit(q.limit).execute();
  return rows.map(toRequest);
}

import type { DbOrTx } from '../db/client';
import { toModelVersion } from './models.repository';
import type { ModelVersion } from './models.types';

export async function listAliases(db: DbOrTx, modelId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('model_aliases as a')
    .innerJoin('model_versions as v', 'v.id', 'a.version_id')
    .select(['a.name', 'v.version'])
    .where('a.model_id', '=', modelId)
    .orderBy('a.name')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.version]));
}

export async function upsertAlias(db: DbOrTx, a: { modelId: string; name: string; versionId: string; userId: string | null }) {
  await db
    .insertInto('model_aliases')
    .values({ model_id: a.modelId, name: a.name, version_id: a.versionId, updated_by: a.userId })
    .onConflict((oc) => oc.columns(['model_id', 'name']).doUpdateSet({ version_id: a.versionId, updated_by: a.userId, updated_at: new Date() }))
    .execute();
}

export async function deleteAlias(db: DbOrTx, modelId: string, name: string): Promise<boolean> {
  const row = await db.deleteFrom('model_aliases').where('model_id', '=', modelId).where('name', '=', name).returning('name').executeTakeFirst();
  return !!row;
}

export async function findVersionByAlias(db: DbOrTx, slug: string, alias: string): Promise<ModelVersion | undefined> {
  const row = await db
    .selectFrom('model_aliases as a')
    .innerJoin('models as m', 'm.id', 'a.model_id')
    .innerJoin('model_versions as v', 'v.id', 'a.version_id')
    .selectAll('v')
    .select('m.slug')
    .where('m.slug', '=', slug)
    .where('a.name', '=', alias)
    .executeTakeFirst();
  return row && toModelVersion(row);
}

/** The version an alias points at now, or undefined. */
export async function findAlias(db: DbOrTx, modelId: string, name: string) {
  return db
    .selectFrom('model_aliases as a')
    .innerJoin('model_versions as v', 'v.id', 'a.version_id')
    .select(['a.version_id', 'v.version'])
    .where('a.model_id', '=', modelId)
    .where('a.name', '=', name)
    .executeTakeFirst();
}

export interface AliasEvent {
  id: number;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  actor: string | null;
  approvedBy: string | null;
  requestId: string | null;
  reason: string;
  at: string;
}

export async function insertAliasEvent(
  db: DbOrTx,
  e: {
    modelId: string;
    alias: string;
    from: { id: string; version: number } | null;
    to: { id: string; version: number } | null;
    actorId: string | null;
    approvedBy: string | null;
    requestId: string | null;
    reason: string;
  },
): Promise<void> {
  await db
    .insertInto('alias_events')
    .values({
      model_id: e.modelId,
      alias: e.alias,
      from_version_id: e.from?.id ?? null,
      from_version: e.from?.version ?? null,
      to_version_id: e.to?.id ?? null,
      to_version: e.to?.version ?? null,
      actor_id: e.actorId,
      approved_by: e.approvedBy,
      request_id: e.requestId,
      reason: e.reason,
    })
    .execute();
}

/** A model's alias moves, newest first, with who made and who approved each. */
export async function listAliasEvents(db: DbOrTx, modelId: string, limit: number): Promise<AliasEvent[]> {
  const rows = await db
    .selectFrom('alias_events as e')
    .leftJoin('users as actor', 'actor.id', 'e.actor_id')
    .leftJoin('users as approver', 'approver.id', 'e.approved_by')
    .select(['e.id', 'e.alias', 'e.from_version', 'e.to_version', 'e.reason', 'e.created_at', 'e.request_id', 'actor.email as actor', 'approver.email as approver'])
    .where('e.model_id', '=', modelId)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    alias: r.alias,
    fromVersion: r.from_version,
    toVersion: r.to_version,
    actor: r.actor,
    approvedBy: r.approver,
    requestId: r.request_id,
    reason: r.reason,
    at: new Date(r.created_at).toISOString(),
  }));
}

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

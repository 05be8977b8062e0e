import type { DbOrTx } from '../db/client';
import type { SmokeTestRecord, VersionStatus } from '../db/types';
import { versionContentColumns, type VersionContent } from './models.repository';

// Writes of a version's lifecycle: numbering, editing drafts, moving status.

export async function nextVersionNumber(db: DbOrTx, modelId: string): Promise<number> {
  const row = await db
    .selectFrom('model_versions')
    .select((e) => e.fn.max('version').as('max'))
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

/** Changes a draft's content; the caller has checked that it is still a draft. */
export async function updateVersionContent(
  db: DbOrTx,
  id: string,
  v: VersionContent,
): Promise<void> {
  await db
    .updateTable('model_versions')
    .set({
      ...versionContentColumns(v),
      status: 'draft',
      smoke_test: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'validated'])
    .execute();
}

export async function setVersionStatus(
  db: DbOrTx,
  id: string,
  from: VersionStatus[],
  to: VersionStatus,
  extra: { smokeTest?: SmokeTestRecord } = {},
): Promise<boolean> {
  const row = await db
    .updateTable('model_versions')
    .set({
      status: to,
      updated_at: new Date(),
      ...(to === 'published' ? { published_at: new Date() } : {}),
      ...(extra.smokeTest ? { smoke_test: JSON.stringify(extra.smokeTest) } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function listDraftsOf(db: DbOrTx, ownerId: string) {
  const rows = await db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select(['m.slug', 'm.name', 'v.id', 'v.version', 'v.status', 'v.smoke_test', 'v.updated_at'])
    .where('m.owner_id', '=', ownerId)
    .where('v.status', 'in', ['draft', 'validated'])
    .orderBy('v.updated_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    versionId: r.id,
    version: r.version,
    status: r.status,
    smokeTestOk: r.smoke_test?.ok ?? null,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

import type { DbOrTx } from '../db/client';
import type { SmokeTestRecord, VersionStatus } from '../db/types';
import { EDITABLE_STATUSES } from '../../shared/version-status';
import { toModelVersion, versionContentColumns, type VersionContent } from './models.repository';
import type { ModelVersion } from './models.types';

// Writes of a version's lifecycle: numbering, editing drafts, moving status.

export async function nextVersionNumber(db: DbOrTx, modelId: string): Promise<number> {
  const row = await db
    .selectFrom('model_versions')
    .select((e) => e.fn.max('version').as('max'))
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

/** Changes a draft's content (back to draft: its smoke test no longer applies); undefined when it is no longer a draft. */
export async function updateVersionContent(db: DbOrTx, slug: string, id: string, v: VersionContent & { cache?: boolean }): Promise<ModelVersion | undefined> {
  const row = await db
    .updateTable('model_versions')
    .set({ ...versionContentColumns(v), ...(v.cache === undefined ? {} : { cache_enabled: v.cache }), status: 'draft', smoke_test: null, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', 'in', [...EDITABLE_STATUSES])
    .returningAll()
    .executeTakeFirst();
  return row && toModelVersion({ ...row, slug });
}

/** Moves a version from one of `from` to `to`; undefined when it was in none of them. */
export async function setVersionStatus(
  db: DbOrTx,
  version: { id: string; slug: string },
  from: readonly VersionStatus[],
  to: VersionStatus,
  extra: { smokeTest?: SmokeTestRecord } = {},
): Promise<ModelVersion | undefined> {
  const row = await db
    .updateTable('model_versions')
    .set({
      status: to,
      updated_at: new Date(),
      ...(to === 'published' ? { published_at: new Date() } : {}),
      ...(extra.smokeTest ? { smoke_test: JSON.stringify(extra.smokeTest) } : {}),
    })
    .where('id', '=', version.id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
  return row && toModelVersion({ ...row, slug: version.slug });
}

export async function listDraftsOf(db: DbOrTx, ownerId: string) {
  const rows = await db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select(['m.slug', 'm.name', 'v.id', 'v.version', 'v.status', 'v.smoke_test', 'v.updated_at'])
    .where('m.owner_id', '=', ownerId)
    .where('v.status', 'in', [...EDITABLE_STATUSES])
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

export async function setNetworkAllowed(db: DbOrTx, version: { id: string; slug: string }, allowed: boolean): Promise<ModelVersion | undefined> {
  const row = await db.updateTable('model_versions').set({ network_allowed: allowed }).where('id', '=', version.id).returningAll().executeTakeFirst();
  return row && toModelVersion({ ...row, slug: version.slug });
}

export async function setCacheEnabled(db: DbOrTx, version: { id: string; slug: string }, enabled: boolean): Promise<ModelVersion | undefined> {
  const row = await db.updateTable('model_versions').set({ cache_enabled: enabled }).where('id', '=', version.id).returningAll().executeTakeFirst();
  return row && toModelVersion({ ...row, slug: version.slug });
}

/** What the worker's sandbox reads fresh before starting a process: the admin's network leave. */
export async function findNetworkAllowed(db: DbOrTx, versionId: string): Promise<boolean> {
  const row = await db.selectFrom('model_versions').select('network_allowed').where('id', '=', versionId).executeTakeFirst();
  return row?.network_allowed ?? false;
}

/** Whether a version belongs to a built-in model (trusted code that ships with the gateway). */
export async function isBuiltInVersion(db: DbOrTx, versionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select('m.built_in')
    .where('v.id', '=', versionId)
    .executeTakeFirst();
  return row?.built_in ?? false;
}

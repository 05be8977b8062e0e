import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { Selectable } from 'kysely';
import type { ModelsTable, ModelVersionRow, ModelVisibility } from '../db/types';
import { modelAccess, type ViewerLike } from '../../shared/permissions';
import { viewerGrant, visibleModels } from './model-access';
import type { TRuntimeSpec } from './models.schema';
import { RUNNABLE_STATUSES } from '../../shared/version-status';
import type { ModelSummary, ModelVersion } from './models.types';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function toModelVersion(row: ModelVersionRow & { slug: string }): ModelVersion {
  return {
    id: row.id,
    modelId: row.model_id,
    slug: row.slug,
    version: row.version,
    status: row.status,
    runtime: row.runtime as TRuntimeSpec,
    inputSchema: row.input_schema,
    outputSchema: row.output_schema,
    resources: row.resources,
    batchSize: row.batch_size,
    timeoutMs: row.timeout_ms,
    example: row.example,
    digest: row.digest,
    createdAt: iso(row.created_at),
    publishedAt: row.published_at ? iso(row.published_at) : null,
    smokeTest: row.smoke_test,
    networkAllowed: row.network_allowed ?? false,
    cacheEnabled: row.cache_enabled ?? true,
    provenance: row.provenance ?? null,
  };
}

function summaryQuery(db: DbOrTx, viewer: ViewerLike | null) {
  return db
    .selectFrom('models as m')
    .leftJoin('users as u', 'u.id', 'm.owner_id')
    .leftJoin('teams as t', 't.id', 'm.team_id')
    .select([
      'm.visibility',
      'm.team_id',
      't.name as team_name',
      'm.production_requires_approval',
      viewerGrant(viewer).as('viewer_grant'),
      'm.id',
      'm.slug',
      'm.name',
      'm.task',
      'm.description',
      'm.tags',
      'm.built_in',
      'm.owner_id',
      'm.created_at',
      'u.email as owner_email',
      (eb) =>
        eb
          .selectFrom('model_versions as v')
          .whereRef('v.model_id', '=', 'm.id')
          .where('v.status', 'in', [...RUNNABLE_STATUSES])
          .select((e) => e.fn.max('v.version').as('latest'))
          .as('latest_version'),
      (eb) =>
        eb
          .selectFrom('model_versions as v')
          .whereRef('v.model_id', '=', 'm.id')
          .select(sql<string>`v.runtime->>'kind'`.as('kind'))
          .orderBy(sql`v.status in (${sql.join([...RUNNABLE_STATUSES])})`, 'desc')
          .orderBy('v.version', 'desc')
          .limit(1)
          .as('runtime_kind'),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow, viewer: ViewerLike | null): ModelSummary {
  const facts = { builtIn: r.built_in, ownerId: r.owner_id, visibility: r.visibility, teamId: r.team_id, viewerGrant: r.viewer_grant };
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    task: r.task,
    description: r.description,
    tags: r.tags,
    builtIn: r.built_in,
    ownerId: r.owner_id,
    ownerEmail: r.owner_email,
    latestVersion: r.latest_version ?? null,
    runtimeKind: (r.runtime_kind as ModelSummary['runtimeKind']) ?? null,
    createdAt: iso(r.created_at),
    visibility: r.visibility,
    teamId: r.team_id,
    teamName: r.team_name,
    productionRequiresApproval: r.production_requires_approval,
    viewerGrant: r.viewer_grant,
    access: modelAccess(viewer, facts),
  };
}

export interface ModelFilters {
  search?: string;
  task?: string;
  tag?: string;
  ownerId?: string;
  ownerEmail?: string;
  status?: 'published' | 'draft' | 'deprecated';
}

function statusFilter(status: NonNullable<ModelFilters['status']>) {
  const has = (states: string[]) =>
    sql<boolean>`exists (select 1 from model_versions v where v.model_id = m.id and v.status in (${sql.join(states)}))`;
  if (status === 'published') return has(['published']);
  if (status === 'deprecated') return sql<boolean>`(${has(['deprecated'])} and not ${has(['published'])})`;
  return sql<boolean>`not ${has([...RUNNABLE_STATUSES])}`;
}

/** Models the viewer may see, filtered and paged. */
export async function listModels(
  db: DbOrTx,
  viewer: ViewerLike | null,
  q: ModelFilters & { limit: number; offset: number },
): Promise<{ items: ModelSummary[]; total: number }> {
  const conditions = [visibleModels(viewer)];
  if (q.search) {
    const pattern = `%${q.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql<boolean>`(m.slug ilike ${pattern} or m.name ilike ${pattern} or m.description ilike ${pattern} or ${q.search} = any(m.tags))`);
  }
  if (q.task) conditions.push(sql<boolean>`m.task = ${q.task}`);
  if (q.tag) conditions.push(sql<boolean>`${q.tag} = any(m.tags)`);
  if (q.ownerId) conditions.push(sql<boolean>`m.owner_id = ${q.ownerId}`);
  if (q.ownerEmail) conditions.push(sql<boolean>`m.owner_id = (select id from users where email = ${q.ownerEmail.toLowerCase()})`);
  if (q.status) conditions.push(statusFilter(q.status));
  const where = sql<boolean>`${sql.join(conditions, sql` and `)}`;
  const [rows, total] = await Promise.all([
    summaryQuery(db, viewer).where(where).orderBy('m.built_in', 'desc').orderBy('m.slug').limit(q.limit).offset(q.offset).execute(),
    db.selectFrom('models as m').select((e) => e.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => toSummary(r, viewer)), total: Number(total.n) };
}

/** Distinct tags of the models the viewer may see, for the catalog's filter. */
export async function listTags(db: DbOrTx, viewer: ViewerLike | null): Promise<string[]> {
  const rows = await sql<{ tag: string }>`select distinct unnest(tags) as tag from models m where ${visibleModels(viewer)} order by tag`.execute(db);
  return rows.rows.map((r) => r.tag);
}

/**
 * A model by slug with the viewer's access to it (`access: 'none'` when they may not see it: the
 * caller answers that as NOT_FOUND). Undefined when no model has the slug.
 */
export async function findModelBySlug(db: DbOrTx, slug: string, viewer: ViewerLike | null): Promise<ModelSummary | undefined> {
  const row = await summaryQuery(db, viewer).where('m.slug', '=', slug).executeTakeFirst();
  return row && toSummary(row, viewer);
}

export async function findModelById(db: DbOrTx, id: string, viewer: ViewerLike | null): Promise<ModelSummary | undefined> {
  const row = await summaryQuery(db, viewer).where('m.id', '=', id).executeTakeFirst();
  return row && toSummary(row, viewer);
}

/** The slugs of the models the viewer may see, for suggesting the closest ones to a name that does not exist. */
export async function listSlugs(db: DbOrTx, viewer: ViewerLike | null): Promise<string[]> {
  const rows = await db.selectFrom('models as m').select('m.slug').where(visibleModels(viewer)).orderBy('m.slug').execute();
  return rows.map((r) => r.slug);
}

export async function listVersions(db: DbOrTx, modelId: string): Promise<ModelVersion[]> {
  const rows = await db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .selectAll('v')
    .select('m.slug')
    .where('v.model_id', '=', modelId)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map(toModelVersion);
}

export async function findVersion(
  db: DbOrTx,
  by: { id: string } | { slug: string; version: number | 'latest' },
): Promise<ModelVersion | undefined> {
  let q = db.selectFrom('model_versions as v').innerJoin('models as m', 'm.id', 'v.model_id').selectAll('v').select('m.slug');
  if ('id' in by) q = q.where('v.id', '=', by.id);
  else {
    q = q.where('m.slug', '=', by.slug);
    q =
      by.version === 'latest'
        ? q.where('v.status', '=', 'published').orderBy('v.version', 'desc').limit(1)
        : q.where('v.version', '=', by.version);
  }
  const row = await q.executeTakeFirst();
  return row && toModelVersion(row);
}

/** A model row just written, as its owner sees it: a new model has no versions or grants yet. */
function writtenSummary(r: Selectable<ModelsTable>, ownerEmail: string | null, viewer: ViewerLike | null): ModelSummary {
  return toSummary({ ...r, owner_email: ownerEmail, latest_version: null, runtime_kind: null, team_name: null, viewer_grant: null }, viewer);
}

/** Creates a model; null when the slug (whatever its case) is taken. */
export async function insertModel(
  db: DbOrTx,
  m: {
    slug: string;
    name: string;
    task: string;
    description: string;
    tags: string[];
    ownerId: string | null;
    ownerEmail: string | null;
    builtIn: boolean;
    visibility: ModelVisibility;
    teamId: string | null;
  },
): Promise<ModelSummary | null> {
  const row = await db
    .insertInto('models')
    .values({
      slug: m.slug,
      name: m.name,
      task: m.task,
      description: m.description,
      tags: m.tags,
      owner_id: m.ownerId,
      built_in: m.builtIn,
      visibility: m.visibility,
      team_id: m.teamId,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? writtenSummary(row, m.ownerEmail, m.ownerId ? { id: m.ownerId, role: 'member' } : null) : null;
}

/** Creates or refreshes a built-in model's info (built-ins ship with the code); returns its id. */
export async function upsertBuiltInModel(
  db: DbOrTx,
  m: { slug: string; name: string; task: string; description: string; tags: string[] },
): Promise<string> {
  const row = await db
    .insertInto('models')
    .values({ slug: m.slug, name: m.name, task: m.task, description: m.description, tags: m.tags, owner_id: null, built_in: true, visibility: 'organisation' })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ name: m.name, task: m.task, description: m.description, tags: m.tags, updated_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type VersionContent = Pick<ModelVersion, 'runtime' | 'inputSchema' | 'outputSchema' | 'resources' | 'batchSize' | 'timeoutMs' | 'example' | 'digest'> & {
  provenance?: Record<string, unknown> | null;
};

/** A version's content as columns: what digest covers, written alike on insert and on a draft's edit. */
export function versionContentColumns(v: VersionContent) {
  return {
    runtime: JSON.stringify(v.runtime),
    input_schema: JSON.stringify(v.inputSchema),
    output_schema: JSON.stringify(v.outputSchema),
    resources: JSON.stringify(v.resources),
    batch_size: v.batchSize,
    timeout_ms: v.timeoutMs,
    example: v.example ? JSON.stringify(v.example) : null,
    digest: v.digest,
    ...(v.provenance !== undefined ? { provenance: v.provenance ? JSON.stringify(v.provenance) : null } : {}),
  };
}

export async function insertVersion(
  db: DbOrTx,
  slug: string,
  v: Omit<ModelVersion, 'id' | 'slug' | 'createdAt' | 'publishedAt' | 'smokeTest' | 'networkAllowed' | 'provenance' | 'cacheEnabled'> & {
    createdBy: string | null;
    provenance?: Record<string, unknown> | null;
    /** The manifest's or spec's `cache` setting; unset: on. */
    cache?: boolean;
  },
): Promise<ModelVersion> {
  const row = await db
    .insertInto('model_versions')
    .values({
      model_id: v.modelId,
      version: v.version,
      status: v.status,
      ...versionContentColumns(v),
      created_by: v.createdBy,
      ...(v.cache === undefined ? {} : { cache_enabled: v.cache }),
      published_at: v.status === 'published' ? new Date() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toModelVersion({ ...row, slug });
}

/** Replaces the content of a built-in version in place (built-ins ship with the code). */
export async function replaceBuiltInVersion(db: DbOrTx, slug: string, id: string, v: VersionContent): Promise<ModelVersion> {
  const row = await db.updateTable('model_versions').set(versionContentColumns(v)).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toModelVersion({ ...row, slug });
}

/** Versions whose runtime has `env` or `headers` (secret maps), and whether their model is a built-in. */
export async function listVersionsWithSecretMaps(db: DbOrTx): Promise<(ModelVersion & { builtIn: boolean })[]> {
  const rows = await db
    .selectFrom('model_versions as v')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .selectAll('v')
    .select(['m.slug', 'm.built_in'])
    .where(sql<boolean>`(v.runtime ? 'env' or v.runtime ? 'headers')`)
    .execute();
  return rows.map((r) => ({ ...toModelVersion(r), builtIn: r.built_in }));
}

/** Rewrites how a version's runtime is stored (its secrets sealed), not what it means. */
export async function replaceStoredRuntime(db: DbOrTx, id: string, runtime: TRuntimeSpec, digest: string): Promise<void> {
  await db.updateTable('model_versions').set({ runtime: JSON.stringify(runtime), digest }).where('id', '=', id).execute();
}

/** Every task the models the viewer may see declare, for the catalog's filter. */
export async function listTasks(db: DbOrTx, viewer: ViewerLike | null): Promise<string[]> {
  const rows = await db.selectFrom('models as m').select('m.task').distinct().where(visibleModels(viewer)).orderBy('m.task').execute();
  return rows.map((r) => r.task);
}

/** Whether any model (visible or not) has this slug: slugs are unique across the organisation. */
export async function slugTaken(db: DbOrTx, slug: string): Promise<boolean> {
  return !!(await db.selectFrom('models').select('id').where(sql`lower(slug)`, '=', slug.toLowerCase()).executeTakeFirst());
}

/** Who may see and run a model, and whether moving `production` waits for an approver. */
export async function updateModelAccess(
  db: DbOrTx,
  modelId: string,
  a: { visibility?: ModelVisibility; teamId?: string | null; productionRequiresApproval?: boolean },
): Promise<void> {
  await db
    .updateTable('models')
    .set({
      ...(a.visibility ? { visibility: a.visibility } : {}),
      ...(a.teamId === undefined ? {} : { team_id: a.teamId }),
      ...(a.productionRequiresApproval === undefined ? {} : { production_requires_approval: a.productionRequiresApproval }),
      updated_at: new Date(),
    })
    .where('id', '=', modelId)
    .execute();
}

export async function updateModelInfo(
  db: DbOrTx,
  modelId: string,
  info: { name: string; task: string; description: string; tags: string[] },
  viewer: ViewerLike | null,
): Promise<ModelSummary | undefined> {
  await db
    .updateTable('models')
    .set({ name: info.name, task: info.task, description: info.description, tags: info.tags, updated_at: new Date() })
    .where('id', '=', modelId)
    .execute();
  // The summary also carries the owner's email and the latest version, which the update does not touch.
  return findModelById(db, modelId, viewer);
}

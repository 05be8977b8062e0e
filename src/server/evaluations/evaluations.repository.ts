import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import { visibleModels } from '../models/model-access';
import type { ViewerLike } from '../../shared/permissions';

export async function insertEvaluation(
  db: DbOrTx,
  e: { ownerId: string; datasetId: string; jobId: string; outputField: string; folds?: number | null; seed?: number },
): Promise<string> {
  const { id } = await db
    .insertInto('evaluations')
    .values({ owner_id: e.ownerId, dataset_id: e.datasetId, job_id: e.jobId, output_field: e.outputField, folds: e.folds ?? null, ...(e.seed !== undefined ? { seed: e.seed } : {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function findEvaluation(db: DbOrTx, id: string) {
  return db.selectFrom('evaluations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The viewer's evaluations of models they may still see, newest first. */
export async function listEvaluations(db: DbOrTx, viewer: ViewerLike, limit: number, offset: number) {
  return db
    .selectFrom('evaluations as e')
    .innerJoin('datasets as d', 'd.id', 'e.dataset_id')
    .innerJoin('jobs as j', 'j.id', 'e.job_id')
    .innerJoin('model_versions as v', 'v.id', 'j.model_version_id')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select(['e.id', 'e.created_at', 'e.output_field', 'e.folds', 'd.name as dataset', 'm.slug', 'v.version', 'j.status', 'j.id as job_id'])
    .where('e.owner_id', '=', viewer.id)
    .where(visibleModels(viewer))
    .orderBy('e.created_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Item index → output (null when the item failed) of one job. */
export async function outputsByItem(db: DbOrTx, jobId: string): Promise<Map<number, Record<string, unknown> | null>> {
  const rows = await db.selectFrom('results').select(['item_index', 'output']).where('job_id', '=', jobId).execute();
  return new Map(rows.map((r) => [r.item_index, r.output]));
}

export interface VersionEvaluation {
  id: string;
  versionId: string;
  version: number;
  ownerId: string;
  dataset: string;
  field: string;
  status: string;
  createdAt: string;
  /** Molecules with both a measured and a predicted value. */
  n: number;
  rmse: number | null;
  mae: number | null;
  r2: number | null;
}

/**
 * Every evaluation run on a model's versions, with its metrics computed in the database (the
 * predicted field against the dataset's measured values, item by item), newest first.
 */
export async function listModelEvaluations(db: DbOrTx, modelId: string): Promise<VersionEvaluation[]> {
  const rows = await sql<{
    id: string;
    version_id: string;
    version: number;
    owner_id: string;
    dataset: string;
    field: string;
    status: string;
    created_at: Date;
    n: number;
    rmse: number | null;
    mae: number | null;
    r2: number | null;
  }>`
    with pairs as (
      select e.id, d.measured, (r.output ->> e.output_field)::double precision as predicted
      from evaluations e
      join jobs j on j.id = e.job_id
      join model_versions v on v.id = j.model_version_id
      join results r on r.job_id = e.job_id and r.status = 'succeeded' and jsonb_typeof(r.output -> e.output_field) = 'number'
      join dataset_rows d on d.dataset_id = e.dataset_id and d.row_index = r.item_index
      where v.model_id = ${modelId}
    ), stats as (
      select id, count(*)::int as n,
        sqrt(avg((predicted - measured) ^ 2)) as rmse,
        avg(abs(predicted - measured)) as mae,
        case when count(*) > 1 and var_pop(measured) > 0 then 1 - avg((predicted - measured) ^ 2) / var_pop(measured) end as r2
      from pairs group by id
    )
    select e.id, v.id as version_id, v.version, e.owner_id, ds.name as dataset, e.output_field as field, j.status, e.created_at,
      coalesce(s.n, 0) as n, s.rmse, s.mae, s.r2
    from evaluations e
    join jobs j on j.id = e.job_id
    join model_versions v on v.id = j.model_version_id
    join datasets ds on ds.id = e.dataset_id
    left join stats s on s.id = e.id
    where v.model_id = ${modelId}
    order by v.version desc, e.created_at desc
    limit 500`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    versionId: r.version_id,
    version: r.version,
    ownerId: r.owner_id,
    dataset: r.dataset,
    field: r.field,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    n: r.n,
    rmse: r.rmse === null ? null : Number(r.rmse),
    mae: r.mae === null ? null : Number(r.mae),
    r2: r.r2 === null ? null : Number(r.r2),
  }));
}

import type { DbOrTx } from '../db/client';

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

export async function listEvaluations(db: DbOrTx, ownerId: string, limit: number, offset: number) {
  return db
    .selectFrom('evaluations as e')
    .innerJoin('datasets as d', 'd.id', 'e.dataset_id')
    .innerJoin('jobs as j', 'j.id', 'e.job_id')
    .innerJoin('model_versions as v', 'v.id', 'j.model_version_id')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select(['e.id', 'e.created_at', 'e.output_field', 'e.folds', 'd.name as dataset', 'm.slug', 'v.version', 'j.status', 'j.id as job_id'])
    .where('e.owner_id', '=', ownerId)
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

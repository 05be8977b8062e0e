import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

export interface ModelUsage {
  days: number;
  invocations: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lastErrors: { at: string; version: number; code: string | null; message: string | null }[];
}

/** Item-level usage of every version of a model over the last `days` days. */
export async function modelUsage(db: DbOrTx, modelId: string, days = 30): Promise<ModelUsage> {
  const since = sql<Date>`now() - make_interval(days => ${days})`;
  const recent = db
    .selectFrom('results as r')
    .innerJoin('jobs as j', 'j.id', 'r.job_id')
    .innerJoin('model_versions as v', 'v.id', 'j.model_version_id')
    .where('v.model_id', '=', modelId)
    .where('j.created_at', '>', since);
  const [agg, errors] = await Promise.all([
    recent
      .select([
        sql<number>`count(*)::int`.as('n'),
        sql<number>`count(*) filter (where r.status = 'succeeded')::int`.as('ok'),
        sql<number | null>`percentile_cont(0.5) within group (order by r.duration_ms)`.as('p50'),
        sql<number | null>`percentile_cont(0.95) within group (order by r.duration_ms)`.as('p95'),
      ])
      .executeTakeFirstOrThrow(),
    recent
      .select(['r.created_at', 'v.version', 'r.error_code', 'r.error'])
      .where('r.status', '=', 'failed')
      .orderBy('r.created_at', 'desc')
      .limit(5)
      .execute(),
  ]);
  return {
    days,
    invocations: agg.n,
    succeeded: agg.ok,
    failed: agg.n - agg.ok,
    successRate: agg.n ? agg.ok / agg.n : null,
    p50Ms: agg.p50 === null ? null : Number(agg.p50),
    p95Ms: agg.p95 === null ? null : Number(agg.p95),
    lastErrors: errors.map((e) => ({ at: new Date(e.created_at).toISOString(), version: e.version, code: e.error_code, message: e.error })),
  };
}

export interface ItemTimes {
  /** Median time a succeeded item of this version took, over the sample. */
  medianMs: number | null;
  /** How many item timings the median is taken over. */
  sample: number;
}

/** The median item time of one version, over the succeeded items of its most recent jobs (at most 2,000 items). */
export async function versionItemTimes(db: DbOrTx, versionId: string): Promise<ItemTimes> {
  const recentJobs = db.selectFrom('jobs').select('id').where('model_version_id', '=', versionId).orderBy('created_at', 'desc').limit(50);
  const sample = db
    .selectFrom('results')
    .select('duration_ms')
    .where('job_id', 'in', recentJobs)
    .where('status', '=', 'succeeded')
    .where('duration_ms', 'is not', null)
    .limit(2000)
    .as('s');
  const row = await db
    .selectFrom(sample)
    .select([sql<number>`count(*)::int`.as('n'), sql<number | null>`percentile_cont(0.5) within group (order by s.duration_ms)`.as('p50')])
    .executeTakeFirstOrThrow();
  return { medianMs: row.p50 === null ? null : Number(row.p50), sample: row.n };
}

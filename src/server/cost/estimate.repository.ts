import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

/** How many past results a version's time per item is averaged over, at most. */
export const ESTIMATE_SAMPLE = 2000;

/**
 * The mean model time per item of a version (each result's share of its batch), over its most
 * recent results that a model ran for, succeeded or failed: both took the model's time.
 */
export async function versionTimePerItem(db: DbOrTx, versionId: string): Promise<{ meanMs: number | null; sample: number }> {
  const { rows } = await sql<{ n: number; mean: number | null }>`
    select count(*)::int as n, avg(s.model_ms) as mean from (
      select r.model_ms from jobs j join results r on r.job_id = j.id
      where j.model_version_id = ${versionId} and r.model_ms is not null
      order by j.created_at desc
      limit ${ESTIMATE_SAMPLE}
    ) s`.execute(db);
  const row = rows[0];
  return { meanMs: row.mean === null ? null : Number(row.mean), sample: row.n };
}

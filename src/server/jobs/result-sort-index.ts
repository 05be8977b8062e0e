import { sql } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Db, DbOrTx } from '../db/client';
import type { ResultRow } from '../db/types';
import { enqueueMany } from '../queue/boss';
import type { TSortIndexPayload } from '../queue/catalog';
import type { Verdict } from './run-task.service';
import { numberAt, type Cursor, type ResolvedQuery } from './results-query';

/**
 * Sort keys of a large job's numeric output field (db/migrations/0067). A page sorted by an output
 * field otherwise costs a pass over all of the job's rows (a top-N heapsort: seconds on a million
 * rows); once a finished job is sorted by a field, the worker copies that field out into an
 * indexed table, and every page after is an index range scan joined to its results.
 */

/** Jobs with fewer results than this are sorted by the heap: it is fast enough (GATEWAY_SORT_INDEX_MIN_ROWS). */
export function sortIndexMinRows(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GATEWAY_SORT_INDEX_MIN_ROWS ?? 50_000);
  return Number.isFinite(n) && n >= 0 ? n : 50_000;
}

/** A build asked for this long ago and not ready is taken to have died with its worker, and asked again. */
const BUILD_STALE_MINUTES = 15;

/**
 * Whether the field's sort keys are ready for a finished job; when they are not, asks the worker
 * to write them (once: a concurrent request finds the row already there) and says not yet.
 */
export async function sortKeysReady(deps: { db: DbOrTx; boss: PgBoss }, jobId: string, field: string): Promise<boolean> {
  const row = await deps.db.selectFrom('result_sort_fields').select(['status', 'requested_at']).where('job_id', '=', jobId).where('field', '=', field).executeTakeFirst();
  if (row?.status === 'ready') return true;
  if (row && row.requested_at.getTime() > Date.now() - BUILD_STALE_MINUTES * 60_000) return false;
  const asked = await sql<{ job_id: string }>`
    insert into result_sort_fields (job_id, field) values (${jobId}, ${field})
    on conflict (job_id, field) do update set requested_at = now()
      where result_sort_fields.status = 'building' and result_sort_fields.requested_at < now() - make_interval(mins => ${BUILD_STALE_MINUTES})
    returning job_id`.execute(deps.db);
  if (asked.rows.length) await enqueueMany(deps.boss, 'results.sort-index', [{ jobId, field }], deps.db);
  return false;
}

/** The worker's side: the job's values of the field, copied out in one transaction, then marked ready. */
export async function buildSortKeys(deps: { db: Db }, { jobId, field }: TSortIndexPayload): Promise<Verdict> {
  const rows = await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('result_sort_keys').where('job_id', '=', jobId).where('field', '=', field).execute();
    const r = await sql`
      insert into result_sort_keys (job_id, field, item_index, num)
      select job_id, ${field}, item_index, ${numberAt(field)} from results where job_id = ${jobId}::uuid`.execute(tx);
    const n = Number(r.numAffectedRows ?? 0);
    await tx.updateTable('result_sort_fields').set({ status: 'ready', rows: n }).where('job_id', '=', jobId).where('field', '=', field).execute();
    return n;
  });
  await sql`analyze result_sort_keys`.execute(deps.db).catch(() => {});
  return { status: 'completed', output: { rows } };
}

/**
 * A page of results sorted by the field through its sort keys, in the same order as the heap's
 * (results-query.ts orderedResults): numbers in the direction asked, ties in input order, items
 * without a number last in input order. Filters apply to the joined results.
 */
export async function indexedPage(db: DbOrTx, q: ResolvedQuery, after: Cursor | undefined, limit: number, offset: number): Promise<(ResultRow & { sort_key: unknown })[]> {
  const numbered = async (n: number, skip: number) => {
    if (after?.value === null) return [];
    const { rows } = await sql<ResultRow & { sort_key: unknown }>`
      select r.*, k.num as sort_key ${numberedAfter(q, after)}
       order by ${sortKey(q)}, k.item_index limit ${n} offset ${skip}`.execute(db);
    return rows;
  };
  const unnumbered = async (n: number, skip: number) => {
    const from = after?.value === null ? sql`and k.item_index > ${after.index}::int` : sql``;
    const { rows } = await sql<ResultRow & { sort_key: unknown }>`
      select r.*, null as sort_key ${joined(q)} and k.num is null ${from} ${filterSql(q)}
       order by k.item_index limit ${n} offset ${skip}`.execute(db);
    return rows;
  };
  const first = await numbered(limit, offset);
  if (first.length === limit) return first;
  // Past the numbers: what is left of the offset once the numbered rows it skipped are counted out.
  const numberedCount = async () => (await sql<{ n: number }>`select count(*)::int as n ${numberedAfter(q, after)}`.execute(db)).rows[0].n;
  let skip = offset;
  if (after?.value !== null && offset > 0) skip = first.length > 0 ? 0 : Math.max(0, offset - (await numberedCount()));
  return [...first, ...(await unnumbered(limit - first.length, skip))];
}

/** The index's key: the number ascending, or its negation for descending (ties in input order either way). */
const sortKey = (q: ResolvedQuery) => (q.sort.direction === 'desc' ? sql`(-k.num)` : sql`k.num`);

/** The job's sort keys of the field, joined to their results. */
const joined = (q: ResolvedQuery) => sql`from result_sort_keys k
  join results r on r.job_id = k.job_id and r.item_index = k.item_index
  where k.job_id = ${q.jobId}::uuid and k.field = ${q.sort.field}`;

/** The rows with a number that pass the filters, after the cursor's (keyset on the index's key). */
function numberedAfter(q: ResolvedQuery, after: Cursor | undefined) {
  const value = after ? (q.sort.direction === 'desc' ? -Number(after.value) : Number(after.value)) : 0;
  const from = after ? sql`and (${sortKey(q)}, k.item_index) > (${value}::double precision, ${after.index}::int)` : sql``;
  return sql`${joined(q)} and k.num is not null ${from} ${filterSql(q)}`;
}

/**
 * The listing's filters, as results-query.ts applies them: a range on the sorted field bounds the
 * sort key itself (so it is a range of the index, in its direction), others read the joined row.
 */
function filterSql(q: ResolvedQuery) {
  const parts = [sql``];
  if (q.status?.length) parts.push(sql`and r.status = any(${q.status}::text[])`);
  const desc = q.sort.direction === 'desc';
  for (const r of q.ranges ?? []) {
    if (r.field === q.sort.field) {
      if (r.min !== undefined) parts.push(desc ? sql`and (-k.num) <= ${-r.min}::double precision` : sql`and k.num >= ${r.min}::double precision`);
      if (r.max !== undefined) parts.push(desc ? sql`and (-k.num) >= ${-r.max}::double precision` : sql`and k.num <= ${r.max}::double precision`);
      continue;
    }
    const num = numberAt(r.field, 'r.output');
    if (r.min !== undefined) parts.push(sql`and ${num} >= ${r.min}`);
    if (r.max !== undefined) parts.push(sql`and ${num} <= ${r.max}`);
  }
  return sql.join(parts, sql` `);
}

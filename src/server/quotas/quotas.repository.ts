import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { QuotasTable, UsageSubject } from '../db/types';
import type { Subject } from '../cost/usage.repository';

/** A subject's limits; null is no limit. */
export interface Limits {
  concurrentJobs: number | null;
  itemsPerDay: number | null;
  cpuSecondsPerMonth: number | null;
  gpuSecondsPerMonth: number | null;
}

export interface QuotaRow extends Limits {
  subjectType: 'default' | UsageSubject;
  subjectId: string | null;
  updatedBy: string | null;
  updatedAt: string;
}

export const NO_LIMITS: Limits = { concurrentJobs: null, itemsPerDay: null, cpuSecondsPerMonth: null, gpuSecondsPerMonth: null };

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toQuota(r: Selectable<QuotasTable>): QuotaRow {
  return {
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    concurrentJobs: num(r.concurrent_jobs),
    itemsPerDay: num(r.items_per_day),
    cpuSecondsPerMonth: num(r.cpu_seconds_per_month),
    gpuSecondsPerMonth: num(r.gpu_seconds_per_month),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The row of a subject (or of the default), if one was ever set. */
export async function findQuota(db: DbOrTx, subject: Subject | 'default'): Promise<QuotaRow | undefined> {
  let q = db.selectFrom('quotas').selectAll();
  q = subject === 'default' ? q.where('subject_type', '=', 'default') : q.where('subject_type', '=', subject.type).where('subject_id', '=', subject.id);
  const row = await q.executeTakeFirst();
  return row && toQuota(row);
}

/** The row whose limits apply to a subject: its own, else (a user's) the default's. */
function applyingQuota(db: DbOrTx, s: Subject) {
  return db
    .selectFrom('quotas')
    .selectAll()
    .where((eb) => {
      const own = eb.and([eb('subject_type', '=', s.type), eb('subject_id', '=', s.id)]);
      // A team without a row of its own has no limits.
      return s.type === 'user' ? eb.or([own, eb('subject_type', '=', 'default')]) : own;
    })
    .orderBy(sql`subject_type = 'default'`)
    .limit(1);
}

/** The row whose limits apply to a subject, in one query (see `applyingQuota`). */
export async function findApplyingQuota(db: DbOrTx, s: Subject): Promise<QuotaRow | undefined> {
  const row = await applyingQuota(db, s).executeTakeFirst();
  return row && toQuota(row);
}

export async function listQuotas(db: DbOrTx): Promise<QuotaRow[]> {
  const rows = await db.selectFrom('quotas').selectAll().orderBy('subject_type').orderBy('updated_at', 'desc').execute();
  return rows.map(toQuota);
}

/** Sets a subject's limits (null: no limit), returning the row as written. */
export async function upsertQuota(db: DbOrTx, subject: Subject | 'default', limits: Limits, by: string): Promise<QuotaRow> {
  const values = {
    concurrent_jobs: limits.concurrentJobs,
    items_per_day: limits.itemsPerDay,
    cpu_seconds_per_month: limits.cpuSecondsPerMonth,
    gpu_seconds_per_month: limits.gpuSecondsPerMonth,
    updated_by: by,
    updated_at: new Date(),
  };
  if (subject === 'default') {
    const row = await db.updateTable('quotas').set(values).where('subject_type', '=', 'default').returningAll().executeTakeFirstOrThrow();
    return toQuota(row);
  }
  const { rows } = await sql<Parameters<typeof toQuota>[0]>`
    insert into quotas (subject_type, subject_id, concurrent_jobs, items_per_day, cpu_seconds_per_month, gpu_seconds_per_month, updated_by, updated_at)
    values (${subject.type}, ${subject.id}, ${values.concurrent_jobs}, ${values.items_per_day}, ${values.cpu_seconds_per_month}, ${values.gpu_seconds_per_month}, ${by}, now())
    on conflict (subject_type, coalesce(subject_id, '00000000-0000-0000-0000-000000000000')) do update set
      concurrent_jobs = excluded.concurrent_jobs, items_per_day = excluded.items_per_day,
      cpu_seconds_per_month = excluded.cpu_seconds_per_month, gpu_seconds_per_month = excluded.gpu_seconds_per_month,
      updated_by = excluded.updated_by, updated_at = excluded.updated_at
    returning *`.execute(db);
  return toQuota(rows[0]);
}

/** Removes a subject's own limits (a user falls back to the default). */
export async function deleteQuota(db: DbOrTx, subject: Subject): Promise<QuotaRow | undefined> {
  const row = await db.deleteFrom('quotas').where('subject_type', '=', subject.type).where('subject_id', '=', subject.id).returningAll().executeTakeFirst();
  return row && toQuota(row);
}

export interface ActiveJobs {
  count: number;
  outstandingCpuSeconds: number;
  outstandingGpuSeconds: number;
}

/**
 * What the subject's jobs still running may add: how many there are (top-level jobs; a consensus's
 * members are part of it), and the CPU-/GPU-seconds their estimates hold beyond what they
 * measured. Read from the sums a trigger keeps (db/migrations/0070: a few rows per subject, one
 * per connection that changed its jobs), not from the jobs: the cost does not grow with a backlog.
 */
function activeJobsQuery(db: DbOrTx, s: Subject) {
  return db
    .selectFrom('active_counters')
    .select([
      sql<number>`coalesce(sum(jobs), 0)::int`.as('n'),
      sql<number>`coalesce(sum(cpu_seconds), 0)::double precision`.as('cpu'),
      sql<number>`coalesce(sum(gpu_seconds), 0)::double precision`.as('gpu'),
    ])
    .where('subject_type', '=', s.type)
    .where('subject_id', '=', s.id);
}

const toActive = (r: { n: number; cpu: number; gpu: number }): ActiveJobs => ({ count: r.n, outstandingCpuSeconds: Number(r.cpu), outstandingGpuSeconds: Number(r.gpu) });

export async function activeJobs(db: DbOrTx, s: Subject): Promise<ActiveJobs> {
  return toActive(await activeJobsQuery(db, s).executeTakeFirstOrThrow());
}

/** The quota row that applies to the subject and its active jobs (see `activeJobsQuery`), in one query. */
export async function activeJobsAndQuota(db: DbOrTx, s: Subject): Promise<{ active: ActiveJobs; quota: QuotaRow | undefined }> {
  const { rows } = await sql<Record<string, unknown> & { n: number; cpu: number; gpu: number }>`
    select q.*, a.n, a.cpu, a.gpu from (select 1) one
      left join lateral (${applyingQuota(db, s)}) q on true
      cross join lateral (${activeJobsQuery(db, s)}) a`.execute(db);
  const { n, cpu, gpu, ...quota } = rows[0];
  return { active: toActive({ n, cpu, gpu }), quota: quota.subject_type === null ? undefined : toQuota(quota as Parameters<typeof toQuota>[0]) };
}

/** Folds the counters of connections that are gone into one row per subject (the worker, every minute); how many rows it folded. */
export async function foldActiveCounters(db: DbOrTx): Promise<number> {
  const { rows } = await sql<{ folded: number }>`select fold_active_counters() as folded`.execute(db);
  return rows[0].folded;
}

export interface QuotaTableRow {
  subject: Subject;
  name: string;
  own: Limits | null;
  itemsToday: number;
  cpuSecondsMonth: number;
  gpuSecondsMonth: number;
  costMonth: number;
  activeJobs: number;
}

/** Every user with their own limits (if set) and their usage of the current UTC day and month. */
export async function userQuotaTable(db: DbOrTx): Promise<QuotaTableRow[]> {
  const { rows } = await sql<{
    id: string;
    email: string;
    concurrent_jobs: number | null;
    items_per_day: number | null;
    cpu_seconds_per_month: number | null;
    gpu_seconds_per_month: number | null;
    has_own: boolean;
    items_today: number;
    cpu_month: number;
    gpu_month: number;
    cost_month: string;
    active: number;
  }>`
    select u.id, u.email, q.concurrent_jobs, q.items_per_day, q.cpu_seconds_per_month, q.gpu_seconds_per_month, (q.subject_id is not null) as has_own,
      coalesce(d.items, 0) as items_today, coalesce(t.cpu_seconds, 0) as cpu_month, coalesce(t.gpu_seconds, 0) as gpu_month, coalesce(t.cost, 0) as cost_month,
      (select coalesce(sum(a.jobs), 0)::int from active_counters a where a.subject_type = 'user' and a.subject_id = u.id) as active
    from users u
    left join quotas q on q.subject_type = 'user' and q.subject_id = u.id
    left join usage_counters d on d.subject_type = 'user' and d.subject_id = u.id and d.period = 'day' and d.period_start = (now() at time zone 'utc')::date
    left join usage_time t on t.subject_type = 'user' and t.subject_id = u.id and t.period = 'month' and t.period_start = date_trunc('month', now() at time zone 'utc')::date
    order by u.email`.execute(db);
  return rows.map((r) => ({
    subject: { type: 'user', id: r.id },
    name: r.email,
    own: r.has_own
      ? { concurrentJobs: num(r.concurrent_jobs), itemsPerDay: num(r.items_per_day), cpuSecondsPerMonth: num(r.cpu_seconds_per_month), gpuSecondsPerMonth: num(r.gpu_seconds_per_month) }
      : null,
    itemsToday: Number(r.items_today),
    cpuSecondsMonth: Number(r.cpu_month),
    gpuSecondsMonth: Number(r.gpu_month),
    costMonth: Number(r.cost_month),
    activeJobs: r.active,
  }));
}

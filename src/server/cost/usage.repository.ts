import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { UsagePeriod, UsageSubject } from '../db/types';

/** Who usage is counted for: a user, or the team a job is charged to. */
export interface Subject {
  type: UsageSubject;
  id: string;
}

/** A subject's counters for the current UTC day and month. */
export interface PeriodUsage {
  period: UsagePeriod;
  /** The period's first day (UTC), YYYY-MM-DD. */
  start: string;
  /** When the period ends (the next one starts), ISO 8601. */
  resetsAt: string;
  items: number;
  cpuSeconds: number;
  gpuSeconds: number;
  cost: number;
}

const DAY = sql`(now() at time zone 'utc')::date`;
const MONTH = sql`date_trunc('month', now() at time zone 'utc')::date`;

type CounterRow = { period: UsagePeriod; start: string; resets_at: Date; items: number; cpu_seconds: number; gpu_seconds: number; cost: string };

function toUsage(r: CounterRow): PeriodUsage {
  return { period: r.period, start: r.start, resetsAt: new Date(r.resets_at).toISOString(), items: Number(r.items), cpuSeconds: Number(r.cpu_seconds), gpuSeconds: Number(r.gpu_seconds), cost: Number(r.cost) };
}

/** A period's row: its items (usage_counters, as c) beside its measured time and cost (usage_time, as t). */
const periodColumns = sql`p.period, to_char(p.start, 'YYYY-MM-DD') as start,
  ((p.start + case when p.period = 'day' then interval '1 day' else interval '1 month' end)::timestamp at time zone 'utc') as resets_at,
  coalesce(c.items, 0) as items, coalesce(t.cpu_seconds, 0) as cpu_seconds, coalesce(t.gpu_seconds, 0) as gpu_seconds, coalesce(t.cost, 0) as cost`;

const samePeriod = (alias: string) => sql.raw(`${alias}.subject_type = p.subject_type and ${alias}.subject_id = p.subject_id and ${alias}.period = p.period and ${alias}.period_start = p.start`);

/**
 * Adds a submission's items to the subject's day and month counters and returns them, with the
 * time measured in each. The upsert locks both item rows until the transaction ends: every
 * submission of one subject passes here one at a time, so a quota check made after it sees every
 * job admitted before. Measured time has rows of its own (usage_time), so the worker's charge
 * never waits for a submission's transaction.
 */
export async function countSubmission(tx: DbOrTx, s: Subject, items: number): Promise<{ day: PeriodUsage; month: PeriodUsage }> {
  const { rows } = await sql<CounterRow>`
    with c as (
      insert into usage_counters (subject_type, subject_id, period, period_start, items)
      values (${s.type}, ${s.id}, 'day', ${DAY}, ${items}), (${s.type}, ${s.id}, 'month', ${MONTH}, ${items})
      on conflict (subject_type, subject_id, period, period_start) do update set items = usage_counters.items + excluded.items
      returning subject_type, subject_id, period, period_start, items
    ), p as (select subject_type, subject_id, period, period_start as start from c)
    select ${periodColumns} from p join c on ${samePeriod('c')} left join usage_time t on ${samePeriod('t')}`.execute(tx);
  return { day: toUsage(rows.find((r) => r.period === 'day')!), month: toUsage(rows.find((r) => r.period === 'month')!) };
}

/**
 * The common table expressions that add the model time in `used` (a CTE of the same statement
 * with one row: cpu, gpu, cost) to a job, to every consensus job above it (whose cost includes
 * its members'), and to the day and month of the job's owner and team. Nothing when it is zero.
 * For a statement that begins `with recursive`.
 */
export function chargeCtes(jobId: string, used: string) {
  const u = sql.ref(used);
  return sql`
    chain(id) as (
      select id from jobs where id = ${jobId}
      union all
      select j.parent_job_id from jobs j join chain c on j.id = c.id where j.parent_job_id is not null
    ), charged as (
      update jobs set cpu_seconds = jobs.cpu_seconds + u.cpu, gpu_seconds = jobs.gpu_seconds + u.gpu, cost = jobs.cost + u.cost
      from ${u} u
      where jobs.id in (select id from chain) and (u.cpu > 0 or u.gpu > 0)
      returning jobs.id, jobs.owner_id, jobs.team_id
    ), subjects(type, id) as (
      select 'user', owner_id from charged where id = ${jobId}
      union all
      select 'team', team_id from charged where id = ${jobId} and team_id is not null
    ), timed as (
      insert into usage_time (subject_type, subject_id, period, period_start, cpu_seconds, gpu_seconds, cost)
      select s.type, s.id, p.period, p.start, u.cpu, u.gpu, u.cost
      from subjects s cross join ${u} u cross join (values ('day', ${DAY}), ('month', ${MONTH})) as p(period, start)
      on conflict (subject_type, subject_id, period, period_start) do update set
        cpu_seconds = usage_time.cpu_seconds + excluded.cpu_seconds,
        gpu_seconds = usage_time.gpu_seconds + excluded.gpu_seconds,
        cost = usage_time.cost + excluded.cost
      returning 1
    )`;
}

/** The subject's counters now (zeros for a period with nothing counted yet). */
export async function readUsage(db: DbOrTx, s: Subject): Promise<{ day: PeriodUsage; month: PeriodUsage }> {
  const { rows } = await sql<CounterRow>`
    with p(subject_type, subject_id, period, start) as (values (${s.type}, ${s.id}::uuid, 'day', ${DAY}), (${s.type}, ${s.id}::uuid, 'month', ${MONTH}))
    select ${periodColumns} from p left join usage_counters c on ${samePeriod('c')} left join usage_time t on ${samePeriod('t')}`.execute(db);
  return { day: toUsage(rows.find((r) => r.period === 'day')!), month: toUsage(rows.find((r) => r.period === 'month')!) };
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A result's share of its batch's measured model time, and the CPU- and GPU-seconds that makes
    -- with the version's resources (cpu × time, gpu.count × time). Null when no model ran for it.
    alter table results
      add column model_ms double precision,
      add column cpu_seconds double precision,
      add column gpu_seconds double precision;

    -- A job's measured use and cost so far (a consensus job's include its members'), what was
    -- estimated when it was submitted, and the team it is charged to.
    alter table jobs
      add column cpu_seconds double precision not null default 0,
      add column gpu_seconds double precision not null default 0,
      add column cost numeric(20, 8) not null default 0,
      add column estimated_cpu_seconds double precision,
      add column estimated_gpu_seconds double precision,
      add column estimated_cost numeric(20, 8),
      add column currency text,
      add column team_id uuid;
    create index jobs_active_owner_idx on jobs(owner_id) where status in ('queued', 'running') and parent_job_id is null;
    create index jobs_active_team_idx on jobs(team_id) where status in ('queued', 'running') and parent_job_id is null and team_id is not null;

    -- One row per subject (a user or a team), period (a UTC day or month) and its start: items
    -- submitted, and CPU-/GPU-seconds and cost measured. Submissions lock their subject's rows, so
    -- a quota check and the job it admits are one step.
    create table usage_counters (
      subject_type text not null check (subject_type in ('user', 'team')),
      subject_id uuid not null,
      period text not null check (period in ('day', 'month')),
      period_start date not null,
      items bigint not null default 0,
      cpu_seconds double precision not null default 0,
      gpu_seconds double precision not null default 0,
      cost numeric(20, 8) not null default 0,
      primary key (subject_type, subject_id, period, period_start)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table usage_counters;
    drop index jobs_active_owner_idx, jobs_active_team_idx;
    alter table jobs drop column cpu_seconds, drop column gpu_seconds, drop column cost, drop column estimated_cpu_seconds,
      drop column estimated_gpu_seconds, drop column estimated_cost, drop column currency, drop column team_id;
    alter table results drop column model_ms, drop column cpu_seconds, drop column gpu_seconds;
  `.execute(db);
}

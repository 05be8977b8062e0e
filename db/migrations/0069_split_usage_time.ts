import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Measured model time and its cost get rows of their own, apart from the items submitted.
    -- A submission locks its subject's item rows until its transaction ends (the quota check is
    -- ordered by that lock); the worker's charge for finished tasks no longer waits behind it.
    create table usage_time (
      subject_type text not null check (subject_type in ('user', 'team')),
      subject_id uuid not null,
      period text not null check (period in ('day', 'month')),
      period_start date not null,
      cpu_seconds double precision not null default 0,
      gpu_seconds double precision not null default 0,
      cost numeric(20, 8) not null default 0,
      primary key (subject_type, subject_id, period, period_start)
    );
    insert into usage_time (subject_type, subject_id, period, period_start, cpu_seconds, gpu_seconds, cost)
      select subject_type, subject_id, period, period_start, cpu_seconds, gpu_seconds, cost from usage_counters
      where cpu_seconds <> 0 or gpu_seconds <> 0 or cost <> 0;
    alter table usage_counters drop column cpu_seconds, drop column gpu_seconds, drop column cost;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table usage_counters
      add column cpu_seconds double precision not null default 0,
      add column gpu_seconds double precision not null default 0,
      add column cost numeric(20, 8) not null default 0;
    insert into usage_counters (subject_type, subject_id, period, period_start, cpu_seconds, gpu_seconds, cost)
      select subject_type, subject_id, period, period_start, cpu_seconds, gpu_seconds, cost from usage_time
    on conflict (subject_type, subject_id, period, period_start) do update set
      cpu_seconds = excluded.cpu_seconds, gpu_seconds = excluded.gpu_seconds, cost = excluded.cost;
    drop table usage_time;
  `.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Limits per user or team; a null limit is no limit. The 'default' row (subject_id null)
    -- applies to every user without a row of their own.
    create table quotas (
      subject_type text not null check (subject_type in ('default', 'user', 'team')),
      subject_id uuid,
      concurrent_jobs integer check (concurrent_jobs >= 0),
      items_per_day bigint check (items_per_day >= 0),
      cpu_seconds_per_month double precision check (cpu_seconds_per_month >= 0),
      gpu_seconds_per_month double precision check (gpu_seconds_per_month >= 0),
      updated_by uuid,
      updated_at timestamptz not null default now(),
      check ((subject_type = 'default') = (subject_id is null))
    );
    create unique index quotas_subject_idx on quotas(subject_type, coalesce(subject_id, '00000000-0000-0000-0000-000000000000'));
    insert into quotas (subject_type, subject_id) values ('default', null);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table quotas`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A large finished job's numeric output field, copied out of its results once someone sorts
    -- by it, so that every page after is an index range scan instead of a pass over the job.
    -- num is null where the item has no number there (those rows sort last).
    create table result_sort_keys (
      job_id uuid not null references jobs(id) on delete cascade,
      field text not null,
      item_index int not null,
      num double precision,
      primary key (job_id, field, item_index)
    );
    -- Ascending, and descending (as ascending on -num): ties in input order both ways.
    create index result_sort_keys_asc_idx on result_sort_keys (job_id, field, num, item_index) where num is not null;
    create index result_sort_keys_desc_idx on result_sort_keys (job_id, field, (-num), item_index) where num is not null;
    create index result_sort_keys_null_idx on result_sort_keys (job_id, field, item_index) where num is null;

    -- Which (job, field) sort keys exist or are being written, and when they were asked for.
    create table result_sort_fields (
      job_id uuid not null references jobs(id) on delete cascade,
      field text not null,
      status text not null default 'building' check (status in ('building', 'ready')),
      rows integer,
      requested_at timestamptz not null default now(),
      primary key (job_id, field)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table result_sort_fields; drop table result_sort_keys`.execute(db);
}

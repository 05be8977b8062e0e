import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Slugs keep their case, as chemists write it (logS-consensus).
    alter table models drop constraint models_slug_check;
    alter table models add constraint models_slug_check check (slug ~ '^[a-zA-Z0-9][a-zA-Z0-9-]{1,62}$');

    -- A consensus job fans out into one member job per member; the parent's results are
    -- aggregated item by item from its members' results.
    alter table jobs
      add column parent_job_id uuid references jobs(id) on delete cascade,
      add column member_key text,
      add constraint jobs_member_key_with_parent check ((parent_job_id is null) = (member_key is null));
    create index jobs_parent_idx on jobs(parent_job_id) where parent_job_id is not null;
    create unique index jobs_parent_member_idx on jobs(parent_job_id, member_key) where parent_job_id is not null;

    -- Reference data with measured values, to evaluate models against experiment.
    create table datasets (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid references users(id) on delete cascade,
      name text not null,
      source text not null,
      value_name text not null,
      units text,
      row_count integer not null,
      created_at timestamptz not null default now()
    );
    create table dataset_rows (
      dataset_id uuid not null references datasets(id) on delete cascade,
      row_index integer not null,
      smiles text not null,
      measured double precision not null,
      primary key (dataset_id, row_index)
    );

    -- An evaluation is an ordinary job on a dataset's molecules, plus what to compare with.
    create table evaluations (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users(id) on delete cascade,
      dataset_id uuid not null references datasets(id) on delete cascade,
      job_id uuid not null references jobs(id) on delete cascade,
      output_field text not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table evaluations, dataset_rows, datasets;
    alter table jobs drop constraint jobs_member_key_with_parent, drop column member_key, drop column parent_job_id;
  `.execute(db);
}

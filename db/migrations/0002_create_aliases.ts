import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table model_aliases (
      model_id uuid not null references models(id) on delete cascade,
      name text not null check (name ~ '^[a-z][a-z0-9-]{0,31}$' and name <> 'latest'),
      version_id uuid not null references model_versions(id) on delete cascade,
      updated_by uuid references users(id) on delete set null,
      updated_at timestamptz not null default now(),
      primary key (model_id, name)
    );

    alter table model_versions
      add column smoke_test jsonb,
      add column published_at timestamptz,
      add column updated_at timestamptz not null default now();

    create index jobs_version_created_idx on jobs(model_version_id, created_at desc);

    update model_versions set published_at = created_at where status in ('published', 'deprecated');
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table model_aliases;
    drop index jobs_version_created_idx;
    alter table model_versions drop column smoke_test, drop column published_at, drop column updated_at;
  `.execute(db);
}

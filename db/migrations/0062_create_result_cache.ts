import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A model's successful outputs, keyed by the version's content digest and the sha256 of the
    -- canonical input: the same input to the same content is answered without running it again.
    create table result_cache (
      version_digest text not null,
      input_key text not null,
      output jsonb not null,
      source_job_id uuid not null,
      source_item_index int not null,
      created_at timestamptz not null default now(),
      primary key (version_digest, input_key)
    );
    -- The owner's opt-out, for a model whose outputs are not a function of its input (random seeds).
    alter table model_versions add column cache_enabled boolean not null default true;
    -- Where a result answered from the cache was first computed: {jobId, index}.
    alter table results add column cached_from jsonb;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table results drop column cached_from;
    alter table model_versions drop column cache_enabled;
    drop table result_cache;
  `.execute(db);
}

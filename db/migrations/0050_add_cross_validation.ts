import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Where a version came from: for a trained model its training data's digest, the training
    -- code's digest and the hyper-parameters; for a fitted consensus what it was fitted on and
    -- its cross-validation table. A copy of what its bundle or manifest says, for display.
    alter table model_versions add column provenance jsonb;

    -- k-fold cross-validation of an evaluation: folds dealt from a seeded shuffle of the rows.
    alter table evaluations
      add column folds integer check (folds is null or (folds >= 2 and folds <= 20)),
      add column seed integer not null default 42;

    -- One fold of a trained model (the evaluated model, or a consensus member by its key;
    -- '' for the model itself): retrained on the other folds, its predictions for this fold.
    create table evaluation_folds (
      evaluation_id uuid not null references evaluations(id) on delete cascade,
      member_key text not null,
      fold integer not null,
      model_version_id uuid not null references model_versions(id),
      field text not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      predictions jsonb,
      train_count integer,
      test_count integer,
      failed_count integer,
      error text,
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (evaluation_id, member_key, fold)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table evaluation_folds;
    alter table evaluations drop column seed, drop column folds;
    alter table model_versions drop column provenance;
  `.execute(db);
}

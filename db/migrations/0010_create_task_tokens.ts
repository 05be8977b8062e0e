import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A Kubernetes pod reaches the gateway with a token that names one task: it may read that
    -- task's inputs and post its results, nothing else. Only the SHA-256 of the token is kept.
    create table task_tokens (
      token_hash text primary key,
      task_id uuid not null references tasks(id) on delete cascade,
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    );
    create index task_tokens_task_idx on task_tokens(task_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table task_tokens`.execute(db);
}

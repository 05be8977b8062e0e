import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A client that retries a submission with the same key gets the first job back, never a second.
    alter table jobs add column idempotency_key text, add column request_hash text;
    create unique index jobs_owner_idempotency_idx on jobs(owner_id, idempotency_key) where idempotency_key is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index jobs_owner_idempotency_idx; alter table jobs drop column idempotency_key, drop column request_hash;`.execute(db);
}

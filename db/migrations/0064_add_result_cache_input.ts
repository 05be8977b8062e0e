import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- An entry keyed by a molecule as a file had it (before canonicalisation) keeps the canonical
    -- input it became, so a file screened again is answered without RDKit and without a task:
    -- its results still show the canonical input. Null for entries keyed by the canonical input.
    alter table result_cache add column input jsonb;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table result_cache drop column input`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The caller's own name for an item (a file's id or name column), kept beside its result
    -- and given back in downloads.
    alter table results add column external_id text;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table results drop column external_id`.execute(db);
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
// Slugs keep their case (logS-consensus) but are unique whatever the case, so that
// RDKit-Descriptors cannot stand beside rdkit-descriptors.
export async function up(db: Kysely<any>): Promise<void> {
  const twins = await sql<{ slugs: string }>`
    select string_agg(slug, ', ' order by slug) as slugs from models group by lower(slug) having count(*) > 1
  `.execute(db);
  if (twins.rows.length) {
    throw new Error(`models whose slugs differ only in case must be renamed first: ${twins.rows.map((r) => r.slugs).join('; ')}`);
  }
  await sql`create unique index models_slug_lower_idx on models (lower(slug))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index models_slug_lower_idx`.execute(db);
}

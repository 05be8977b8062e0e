import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A job's results by status in input order, and keyset pages of them, read this index (0001
    -- made it; named here because the results query relies on it, and kept if it exists).
    -- Sorting by an output field has no index of its own, since the field is the caller's choice:
    -- the job's rows are read through (job_id, ...) and a top-N heapsort keeps one page
    -- (measured on a million-row job in docs/downloads.md).
    create index if not exists results_job_status_idx on results (job_id, status, item_index);
  `.execute(db);
}

export async function down(): Promise<void> {
  // The index belongs to 0001.
}

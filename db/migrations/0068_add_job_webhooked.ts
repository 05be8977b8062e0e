import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Set on the job's row by the transaction that creates a webhook of the job. A claim, count
    -- or cancel racing that transaction updates the same row, so it reads the newest version of
    -- it, flag included (an exists() on webhooks would read its statement's older snapshot and
    -- miss a webhook committed while it waited for the row).
    alter table jobs add column webhooked boolean not null default false;
    update jobs set webhooked = true where id in (select job_id from webhooks where job_id is not null);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table jobs drop column webhooked`.execute(db);
}

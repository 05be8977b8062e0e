import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Whoever waits on a job (LISTEN job_finished) is woken by the statement that ends it, whichever
    -- that is (its last result counted, a cancel, a job over at creation): no statement of its own
    -- in the transaction, and no path that ends a job can forget it. Sent at commit, as any NOTIFY.
    create function notify_job_finished() returns trigger language plpgsql as $$
    begin
      perform pg_notify('job_finished', new.id::text);
      return null;
    end
    $$;
    create trigger jobs_notify_finished after update of status on jobs
      for each row when (old.status in ('queued', 'running') and new.status not in ('queued', 'running'))
      execute function notify_job_finished();
    create trigger jobs_notify_finished_at_creation after insert on jobs
      for each row when (new.status not in ('queued', 'running'))
      execute function notify_job_finished();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger jobs_notify_finished on jobs;
    drop trigger jobs_notify_finished_at_creation on jobs;
    drop function notify_job_finished();
  `.execute(db);
}

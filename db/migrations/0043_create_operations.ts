import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A task the queue gave up on (every attempt failed, or every worker running it died): its
    -- items were failed with the reason. An admin may send it again (admin console, Retry).
    alter table tasks
      add column dead_lettered_at timestamptz,
      add column retried_at timestamptz,
      add column retried_by uuid;
    create index tasks_dead_lettered_idx on tasks(dead_lettered_at desc) where dead_lettered_at is not null;

    -- Each worker process writes its row every few seconds; one not seen for a while is gone.
    create table worker_heartbeats (
      id text primary key,
      host text not null,
      pid integer not null,
      started_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      stopped_at timestamptz,
      executors text[] not null default '{}',
      tasks_running integer not null default 0,
      tasks_finished bigint not null default 0
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table worker_heartbeats;
    drop index tasks_dead_lettered_idx;
    alter table tasks drop column dead_lettered_at, drop column retried_at, drop column retried_by;
  `.execute(db);
}

import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

/** How often a worker writes its heartbeat, and after how long without one it counts as gone. */
export const HEARTBEAT_EVERY_MS = 5_000;
export const WORKER_GONE_AFTER_MS = 30_000;

export async function beat(db: DbOrTx, w: { id: string; host: string; pid: number; executors: string[]; tasksRunning: number; tasksFinished: number }): Promise<void> {
  await sql`
    insert into worker_heartbeats (id, host, pid, executors, tasks_running, tasks_finished)
    values (${w.id}, ${w.host}, ${w.pid}, ${w.executors}, ${w.tasksRunning}, ${w.tasksFinished})
    on conflict (id) do update set last_seen_at = now(), tasks_running = excluded.tasks_running, tasks_finished = excluded.tasks_finished, stopped_at = null`.execute(db);
}

export async function markStopped(db: DbOrTx, id: string): Promise<void> {
  await db.updateTable('worker_heartbeats').set({ stopped_at: new Date(), tasks_running: 0 }).where('id', '=', id).execute();
}

export interface WorkerHealth {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  lastSeenAt: string;
  /** Seconds since the last heartbeat, by the database's clock. */
  silentSeconds: number;
  state: 'alive' | 'silent' | 'stopped';
  executors: string[];
  tasksRunning: number;
  tasksFinished: number;
}

/** Workers seen in the last day, newest first: alive (a recent heartbeat), silent (none for a while: killed or hung), or stopped. */
export async function listWorkers(db: DbOrTx): Promise<WorkerHealth[]> {
  const { rows } = await sql<{
    id: string;
    host: string;
    pid: number;
    started_at: Date;
    last_seen_at: Date;
    stopped_at: Date | null;
    executors: string[];
    tasks_running: number;
    tasks_finished: string;
    silent: number;
  }>`
    select *, extract(epoch from now() - last_seen_at)::float8 as silent from worker_heartbeats
    where last_seen_at > now() - interval '1 day'
    order by (stopped_at is null) desc, last_seen_at desc
    limit 200`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    startedAt: new Date(r.started_at).toISOString(),
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
    silentSeconds: Math.round(r.silent),
    state: r.stopped_at ? 'stopped' : r.silent * 1000 > WORKER_GONE_AFTER_MS ? 'silent' : 'alive',
    executors: r.executors,
    tasksRunning: r.tasks_running,
    tasksFinished: Number(r.tasks_finished),
  }));
}

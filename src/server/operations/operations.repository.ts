import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

export interface DeadLetter {
  taskId: string;
  jobId: string;
  taskIndex: number;
  model: string;
  ownerEmail: string;
  items: number;
  attempts: number;
  error: string | null;
  deadLetteredAt: string;
  /** Why it cannot be sent again from the console, if so. */
  blocked: string | null;
}

/** Tasks the queue gave up on and nobody has sent again, newest first. */
export async function listDeadLetters(db: DbOrTx, limit = 100): Promise<DeadLetter[]> {
  const { rows } = await sql<{
    id: string;
    job_id: string;
    task_index: number;
    slug: string;
    version: number;
    email: string;
    n: number;
    attempts: number;
    error: string | null;
    dead_lettered_at: Date;
    parent_job_id: string | null;
    job_status: string;
  }>`
    select t.id, t.job_id, t.task_index, m.slug, v.version, u.email, jsonb_array_length(t.items) as n, t.attempts, t.error, t.dead_lettered_at,
      j.parent_job_id, j.status as job_status
    from tasks t join jobs j on j.id = t.job_id join model_versions v on v.id = j.model_version_id join models m on m.id = v.model_id join users u on u.id = j.owner_id
    where t.dead_lettered_at is not null
    order by t.dead_lettered_at desc limit ${limit}`.execute(db);
  return rows.map((r) => ({
    taskId: r.id,
    jobId: r.job_id,
    taskIndex: r.task_index,
    model: `${r.slug}@${r.version}`,
    ownerEmail: r.email,
    items: Number(r.n),
    attempts: r.attempts,
    error: r.error,
    deadLetteredAt: new Date(r.dead_lettered_at).toISOString(),
    blocked: r.parent_job_id ? 'a member of a consensus job: retry is not offered (the consensus has already been aggregated)' : r.job_status === 'cancelled' ? 'its job was cancelled' : null,
  }));
}

/**
 * Reopens a dead-lettered task under a lock on its row: its items' failed results go (each item
 * gets exactly one result again, from the new run), the job's counts give them back, and the
 * task and job are open again. Undefined when the task is not dead-lettered (any more).
 */
export async function reopenDeadTask(tx: DbOrTx, taskId: string, by: string): Promise<{ jobId: string; removed: number } | undefined> {
  const task = await sql<{ id: string; job_id: string; items: { index: number }[] }>`
    select id, job_id, items from tasks where id = ${taskId} and dead_lettered_at is not null for update`.execute(tx).then((r) => r.rows[0]);
  if (!task) return undefined;
  const indexes = task.items.map((i) => i.index);
  const removed = await tx.deleteFrom('results').where('job_id', '=', task.job_id).where('item_index', 'in', indexes).where('status', '=', 'failed').returning('item_index').execute();
  // Its results change again: sort keys copied from them (jobs/result-sort-index.ts) no longer hold.
  await tx.deleteFrom('result_sort_keys').where('job_id', '=', task.job_id).execute();
  await tx.deleteFrom('result_sort_fields').where('job_id', '=', task.job_id).execute();
  await tx
    .updateTable('tasks')
    .set({ status: 'queued', dead_lettered_at: null, error: null, finished_at: null, retried_at: new Date(), retried_by: by })
    .where('id', '=', taskId)
    .execute();
  await tx
    .updateTable('jobs')
    .set({
      items_failed: sql`items_failed - ${removed.length}`,
      tasks_done: sql`greatest(tasks_done - 1, 0)`,
      status: sql`case when started_at is null then 'queued' else 'running' end`,
      finished_at: null,
      updated_at: new Date(),
    })
    .where('id', '=', task.job_id)
    .execute();
  return { jobId: task.job_id, removed: removed.length };
}

export interface ModelStats {
  model: string;
  name: string;
  results: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lastAt: string | null;
}

/** Per model, over its results of the last `days` days: how many, the share that succeeded, and item latency. */
export async function modelStats(db: DbOrTx, days: number): Promise<ModelStats[]> {
  const { rows } = await sql<{ slug: string; name: string; n: number; ok: number; p50: number | null; p95: number | null; last_at: Date | null }>`
    select m.slug, m.name, count(*)::int as n, count(*) filter (where r.status = 'succeeded')::int as ok,
      percentile_cont(0.5) within group (order by r.duration_ms) as p50,
      percentile_cont(0.95) within group (order by r.duration_ms) as p95,
      max(r.created_at) as last_at
    from results r join jobs j on j.id = r.job_id join model_versions v on v.id = j.model_version_id join models m on m.id = v.model_id
    where r.created_at > now() - make_interval(days => ${days})
    group by m.slug, m.name order by count(*) desc limit 500`.execute(db);
  return rows.map((r) => ({
    model: r.slug,
    name: r.name,
    results: r.n,
    succeeded: r.ok,
    failed: r.n - r.ok,
    successRate: r.n ? r.ok / r.n : null,
    p50Ms: r.p50 === null ? null : Math.round(Number(r.p50)),
    p95Ms: r.p95 === null ? null : Math.round(Number(r.p95)),
    lastAt: r.last_at ? new Date(r.last_at).toISOString() : null,
  }));
}

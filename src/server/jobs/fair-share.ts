import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { EnqueueOptions } from '../queue/boss';

/**
 * The order in which queued tasks start. pg-boss fetches by priority (highest first), then by
 * creation; the gateway uses three bands:
 *  - one-item jobs (predictions, smoke tests): PREDICTION_PRIORITY;
 *  - small jobs (fewer than SMALL_JOB_ITEMS items): SMALL_JOB_PRIORITY;
 *  - screens: 0 and below, fair-shared between their owners.
 *
 * Fair share among screens is start-time fair queuing with priorities as the virtual clock: an
 * owner's tasks take consecutive levels, one task a level, starting below the tasks the owner
 * already has queued, and never above the level the queue is working on now (its head). Two users'
 * screens therefore alternate task by task, whoever came first; a third user joins the rotation
 * where it stands. Nothing is kept beside the queue itself: the head is read from pg-boss and the
 * owner's backlog from the jobs' task counters, so a cancelled job stops counting at once.
 */
export const PREDICTION_PRIORITY = 10;
export const SMALL_JOB_PRIORITY = 5;
/** Jobs with at least this many items are screens. */
export const SMALL_JOB_ITEMS = 1000;
/** The top of the screens' band, where it restarts once the band is empty. */
const SCREEN_TOP = 0;

export interface TaskEnqueueRequest {
  ownerId: string;
  /** Tasks of one version form a group: a worker runs only a few of a group at once (WORKER_VERSION_CONCURRENCY), so one slow model cannot take every slot. */
  versionId: string;
  /** Items of the whole job (its size class). */
  itemCount: number;
  /** The job whose tasks are enqueued: its own tasks are not counted as the owner's backlog. */
  jobId: string;
  /** The index of the first task in this enqueue, when a job's tasks are enqueued in several calls. */
  firstTask?: number;
}

/**
 * The options of one enqueue of a job's `task.run` messages: its version's group and, per task,
 * its priority. Call it in the transaction that enqueues.
 */
export async function taskEnqueueOptions(tx: DbOrTx, r: TaskEnqueueRequest): Promise<EnqueueOptions> {
  const group = r.versionId;
  if (r.itemCount <= 1) return { group, priority: PREDICTION_PRIORITY };
  if (r.itemCount < SMALL_JOB_ITEMS) return { group, priority: SMALL_JOB_PRIORITY };
  const start = await screenStart(tx, r.ownerId, r.jobId);
  const first = r.firstTask ?? 0;
  return { group, priority: (i) => start - first - i };
}

/** The level of an owner's next screen task: below their backlog, and no higher than the queue's head. */
export async function screenStart(tx: DbOrTx, ownerId: string, exceptJobId?: string): Promise<number> {
  const [head, backlog] = await Promise.all([screenHead(tx), queuedTasksOf(tx, ownerId, exceptJobId)]);
  return head - backlog;
}

/** The highest priority among waiting screen tasks (the level being worked on), or the band's top. */
async function screenHead(tx: DbOrTx): Promise<number> {
  // Matches pg-boss's fetch index (name, priority desc, …) where state < 'active' and not blocked.
  const r = await sql<{ priority: number }>`
    select priority from pgboss.job
    where name = 'task.run' and state < 'active' and not blocked and priority <= ${SCREEN_TOP}
    order by priority desc limit 1`.execute(tx);
  return r.rows[0]?.priority ?? SCREEN_TOP;
}

/** Tasks of an owner's open jobs that have not ended (running ones included: they end soon). */
async function queuedTasksOf(tx: DbOrTx, ownerId: string, exceptJobId?: string): Promise<number> {
  let q = tx
    .selectFrom('jobs')
    .select(sql<number>`coalesce(sum(tasks_total - tasks_done), 0)::int`.as('n'))
    .where('owner_id', '=', ownerId)
    .where('status', 'in', ['queued', 'running'])
    .where('items_total', '>=', SMALL_JOB_ITEMS);
  if (exceptJobId) q = q.where('id', '!=', exceptJobId);
  return (await q.executeTakeFirstOrThrow()).n;
}

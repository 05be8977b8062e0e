import { sql, type QueryCreator } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { DB, JobRow, NewResult, ResultRow, TaskItem } from '../db/types';
import type { Job, JobResult } from './jobs.types';
import { visibleModels } from '../models/model-access';
import type { ModelVersion } from '../models/models.types';
import type { ViewerLike } from '../../shared/permissions';
import { jobIsHeard } from '../webhooks/webhooks.repository';
import { chargeCtes } from '../cost/usage.repository';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

type JobWithModel = JobRow & { slug: string; version: number; version_status: string };

function toJob(r: JobWithModel): Job {
  return {
    id: r.id,
    ownerId: r.owner_id,
    model: r.slug,
    version: r.version,
    modelVersionId: r.model_version_id,
    parentJobId: r.parent_job_id,
    memberKey: r.member_key,
    warning: r.version_status === 'deprecated' ? `${r.slug}@${r.version} is deprecated; move to a newer version` : null,
    status: r.status,
    label: r.label,
    itemsTotal: r.items_total,
    itemsDone: r.items_done,
    itemsFailed: r.items_failed,
    tasksTotal: r.tasks_total,
    tasksDone: r.tasks_done,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    teamId: r.team_id,
    cost: {
      cpuSeconds: Number(r.cpu_seconds),
      gpuSeconds: Number(r.gpu_seconds),
      amount: Number(r.cost),
      currency: r.currency,
      estimate:
        r.estimated_cost === null
          ? null
          : { cpuSeconds: Number(r.estimated_cpu_seconds ?? 0), gpuSeconds: Number(r.estimated_gpu_seconds ?? 0), amount: Number(r.estimated_cost) },
    },
  };
}

export function toResult(r: ResultRow): JobResult {
  return {
    index: r.item_index,
    externalId: r.external_id,
    status: r.status,
    input: r.input,
    submitted: r.submitted,
    output: r.output,
    errorCode: r.error_code as JobResult['errorCode'],
    error: r.error,
    durationMs: r.duration_ms,
    modelMs: r.model_ms,
    attempt: r.attempt,
    cachedFrom: r.cached_from,
  };
}

function jobQuery(db: DbOrTx) {
  return db
    .selectFrom('jobs as j')
    .innerJoin('model_versions as v', 'v.id', 'j.model_version_id')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .selectAll('j')
    .select(['m.slug', 'v.version', 'v.status as version_status']);
}

export interface NewJob {
  ownerId: string;
  itemsTotal: number;
  /** Items already answered (from the result cache). */
  itemsDone?: number;
  itemsFailed: number;
  tasksTotal: number;
  label?: string;
  parent?: { jobId: string; key: string };
  idempotency?: { key: string; hash: string };
  teamId?: string | null;
  /** The API token that submitted it (a top-level job only): its webhooks hear of the job. */
  tokenId?: string | null;
  /** The submission's cost estimate (top-level jobs; a consensus's members are part of it). */
  estimate?: { cpuSeconds: number; gpuSeconds: number; cost: number } | null;
  currency?: string;
}

type JobVersion = { id: string; slug: string; version: number; status: string };

function jobInsert(db: QueryCreator<DB>, version: JobVersion, j: NewJob) {
  const finished = j.tasksTotal === 0;
  return (
    db
      .insertInto('jobs')
      .values({
        owner_id: j.ownerId,
        model_version_id: version.id,
        items_total: j.itemsTotal,
        items_done: j.itemsDone ?? 0,
        items_failed: j.itemsFailed,
        tasks_total: j.tasksTotal,
        label: j.label ?? null,
        parent_job_id: j.parent?.jobId ?? null,
        member_key: j.parent?.key ?? null,
        idempotency_key: j.idempotency?.key ?? null,
        request_hash: j.idempotency?.hash ?? null,
        team_id: j.teamId ?? null,
        token_id: j.tokenId ?? null,
        estimated_cpu_seconds: j.estimate?.cpuSeconds ?? null,
        estimated_gpu_seconds: j.estimate?.gpuSeconds ?? null,
        estimated_cost: j.estimate?.cost ?? null,
        currency: j.currency ?? null,
        // A job whose every item was refused at submission, or answered from the cache, is over before it starts.
        status: finished ? ((j.itemsDone ?? 0) > 0 ? 'succeeded' : 'failed') : 'queued',
        started_at: finished ? new Date() : null,
        finished_at: finished ? new Date() : null,
      })
      // A concurrent request with the same idempotency key committed first: nothing is written.
      .onConflict((oc) => oc.columns(['owner_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
      .returningAll()
  );
}

export async function insertJob(db: DbOrTx, version: JobVersion, j: NewJob): Promise<Job | undefined> {
  const row = await jobInsert(db, version, j).executeTakeFirst();
  return row && toJob({ ...row, slug: version.slug, version: version.version, version_status: version.status });
}

/** A job of one task (a prediction, a small job) and that task, in one statement. */
export async function insertJobWithTask(db: DbOrTx, version: JobVersion, j: NewJob, items: TaskItem[]): Promise<{ job: Job; taskId: string } | undefined> {
  const row = await db
    .with('job', (qb) => jobInsert(qb, version, j))
    .with('task', (qb) =>
      qb
        .insertInto('tasks')
        .columns(['job_id', 'task_index', 'items'])
        .expression((eb) => eb.selectFrom('job').select(['job.id', sql<number>`0`.as('task_index'), sql<string>`${JSON.stringify(items)}::jsonb`.as('items')]))
        .returning('id'),
    )
    .selectFrom('job')
    .selectAll('job')
    .select((eb) => eb.selectFrom('task').select('task.id').as('task_id'))
    .executeTakeFirst();
  if (!row) return undefined;
  const { task_id, ...job } = row;
  return { job: toJob({ ...job, slug: version.slug, version: version.version, version_status: version.status }), taskId: task_id! };
}

/** The job an owner submitted with an idempotency key, with the hash of that request. */
export async function findJobByIdempotencyKey(db: DbOrTx, ownerId: string, key: string): Promise<{ job: Job; requestHash: string | null } | undefined> {
  const row = await jobQuery(db).select('j.request_hash').where('j.owner_id', '=', ownerId).where('j.idempotency_key', '=', key).executeTakeFirst();
  return row && { job: toJob(row), requestHash: row.request_hash };
}

export async function insertTasks(db: DbOrTx, jobId: string, batches: TaskItem[][]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < batches.length; i += 200) {
    const rows = await db
      .insertInto('tasks')
      .values(batches.slice(i, i + 200).map((items, k) => ({ job_id: jobId, task_index: i + k, items: JSON.stringify(items) })))
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

export type WrittenResult = { item_index: number; status: 'succeeded' | 'failed'; cpu_seconds: number | null; gpu_seconds: number | null };

/** An output to keep in the result cache if its item's result is written as succeeded (see `insertResults`). */
export interface CacheEntryOf {
  /** The item whose result it is. */
  item: number;
  key: string;
  output: Record<string, unknown>;
  /** Where the output was first computed. */
  jobId: string;
  index: number;
  /** The canonical input, for an entry keyed by what was sent (a raw key). */
  input?: Record<string, unknown>;
}

/**
 * Inserts results once per (job, item) and returns only the rows this call actually wrote. In
 * the same statement, when asked: keeps `cache` entries of the items it wrote as succeeded (the
 * first output for a key stays), and charges the model time of the rows it wrote, at `charge`'s
 * prices, to the job and everything charged with it (usage.repository.ts chargeCtes). A retry that
 * writes nothing keeps and charges nothing.
 */
export async function insertResults(
  db: DbOrTx,
  rows: NewResult[],
  o: { cache?: { versionDigest: string; entries: CacheEntryOf[] }; charge?: { jobId: string; cpuSecond: number; gpuSecond: number } } = {},
): Promise<WrittenResult[]> {
  const written: WrittenResult[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const insert = db
      .insertInto('results')
      .values(chunk)
      .onConflict((oc) => oc.columns(['job_id', 'item_index']).doNothing())
      .returning(['item_index', 'status', 'cpu_seconds', 'gpu_seconds']);
    if (!o.cache && !o.charge) {
      written.push(...(await insert.execute()));
      continue;
    }
    const items = new Set(chunk.map((r) => r.item_index));
    const entries = o.cache ? o.cache.entries.filter((e) => items.has(e.item)) : [];
    // Of the entries of the items written as succeeded, one per key (the first item's).
    const cached = entries.length
      ? sql`, cached as (
          insert into result_cache (version_digest, input_key, output, source_job_id, source_item_index, input)
          select distinct on (e.key) ${o.cache!.versionDigest}, e.key, e.output, e.job_id, e.idx, e.input
          from jsonb_to_recordset(${JSON.stringify(entries.map((e) => ({ item: e.item, key: e.key, output: e.output, job_id: e.jobId, idx: e.index, input: e.input ?? null })))}::jsonb)
            as e(item integer, key text, output jsonb, job_id uuid, idx integer, input jsonb)
          where e.item in (select item_index from written where status = 'succeeded')
          order by e.key, e.item
          on conflict (version_digest, input_key) do nothing
          returning 1
        )`
      : sql``;
    const charged = o.charge
      ? sql`, used(cpu, gpu, cost) as (
          select s.cpu, s.gpu, (s.cpu * ${o.charge.cpuSecond}::double precision + s.gpu * ${o.charge.gpuSecond}::double precision)::numeric
          from (select coalesce(sum(cpu_seconds), 0)::double precision as cpu, coalesce(sum(gpu_seconds), 0)::double precision as gpu from written) s
        ), ${chargeCtes(o.charge.jobId, 'used')}`
      : sql``;
    const { rows: out } = await sql<WrittenResult>`with recursive written as (${insert})${cached}${charged} select * from written`.execute(db);
    written.push(...out);
  }
  return written;
}

export async function findJob(db: DbOrTx, id: string): Promise<Job | undefined> {
  const row = await jobQuery(db).where('j.id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

/** A job the viewer may read: their own (any job, for an admin) of a model they may still see. */
export async function findReadableJob(db: DbOrTx, viewer: ViewerLike, id: string): Promise<Job | undefined> {
  let q = jobQuery(db).where('j.id', '=', id).where(visibleModels(viewer));
  if (viewer.role !== 'admin') q = q.where('j.owner_id', '=', viewer.id);
  const row = await q.executeTakeFirst();
  return row && toJob(row);
}

/** Which of these jobs the viewer may read (as `findReadableJob` decides), in one query. */
export async function readableJobIds(db: DbOrTx, viewer: ViewerLike, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  let q = jobQuery(db).clearSelect().select('j.id').where('j.id', 'in', ids).where(visibleModels(viewer));
  if (viewer.role !== 'admin') q = q.where('j.owner_id', '=', viewer.id);
  return new Set((await q.execute()).map((r) => r.id));
}

/** An owner's top-level jobs, of the models `viewer` may see. */
export async function listJobs(
  db: DbOrTx,
  viewer: ViewerLike,
  q: { ownerId?: string; limit: number; offset: number },
): Promise<{ items: Job[]; total: number }> {
  // Member jobs of a consensus are listed under their parent, not on their own.
  let list = jobQuery(db).where('j.parent_job_id', 'is', null).where(visibleModels(viewer));
  let count = db
    .selectFrom('jobs as j')
    .innerJoin('model_versions as v', 'v.id', 'j.model_version_id')
    .innerJoin('models as m', 'm.id', 'v.model_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('j.parent_job_id', 'is', null)
    .where(visibleModels(viewer));
  if (q.ownerId) {
    list = list.where('j.owner_id', '=', q.ownerId);
    count = count.where('j.owner_id', '=', q.ownerId);
  }
  const [rows, total] = await Promise.all([
    list.orderBy('j.created_at', 'desc').limit(q.limit).offset(q.offset).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toJob), total: Number(total.n) };
}

export async function listResults(
  db: DbOrTx,
  q: { jobId: string; status?: 'succeeded' | 'failed'; limit: number; offset: number },
): Promise<{ items: JobResult[]; total: number }> {
  let list = db.selectFrom('results').selectAll().where('job_id', '=', q.jobId);
  let count = db.selectFrom('results').select((e) => e.fn.countAll<number>().as('n')).where('job_id', '=', q.jobId);
  if (q.status) {
    list = list.where('status', '=', q.status);
    count = count.where('status', '=', q.status);
  }
  const [rows, total] = await Promise.all([
    list.orderBy('item_index').limit(q.limit).offset(q.offset).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toResult), total: Number(total.n) };
}

/**
 * A job's status with its first result, in one query: what a caller waiting on a one-item job
 * reads when woken. Undefined when the job no longer exists.
 */
export async function findJobEnding(db: DbOrTx, jobId: string): Promise<{ status: Job['status']; result: JobResult | null } | undefined> {
  const { rows } = await sql<{ status: Job['status']; result: ResultRow | null }>`
    select j.status, to_jsonb(r) as result
    from jobs j left join lateral (select * from results where job_id = j.id order by item_index limit 1) r on true
    where j.id = ${jobId}`.execute(db);
  const row = rows[0];
  return row && { status: row.status, result: row.result && toResult(row.result) };
}

export interface ClaimedTask {
  id: string;
  /** Closed by an earlier attempt: nothing is left to run. */
  alreadyClosed: boolean;
  jobId: string;
  jobStatus: Job['status'];
  modelVersionId: string;
  items: TaskItem[];
  attempts: number;
  /** The jobs this claim moved from queued to running (the task's, and consensus jobs above it) that a webhook hears of. */
  startedJobsHeard: string[];
  /** What of the version can change after it is published, read now: its content's digest, its owner's cache setting, its status. */
  versionNow: VersionNow;
}

/** The parts of a version that change after it is published (a worker keeps the rest). */
export interface VersionNow {
  digest: string;
  cacheEnabled: boolean;
  status: ModelVersion['status'];
}

/**
 * Marks a task as running (and its job and the consensus jobs above it, on the first task) and
 * returns its inputs: one statement, so claiming costs the worker one round trip. With
 * `unlessHeard` it claims nothing and answers 'heard' when a job it would start has webhooks (their
 * deliveries belong in the claim's transaction): the caller then claims again in one.
 */
export async function claimTask(db: DbOrTx, taskId: string): Promise<ClaimedTask | undefined>;
export async function claimTask(db: DbOrTx, taskId: string, o: { unlessHeard: true }): Promise<ClaimedTask | 'heard' | undefined>;
export async function claimTask(db: DbOrTx, taskId: string, o: { unlessHeard?: boolean } = {}): Promise<ClaimedTask | 'heard' | undefined> {
  const { rows } = await sql<{
    held: boolean;
    id: string | null;
    job_id: string;
    items: TaskItem[];
    attempts: number;
    status: string;
    job_status: Job['status'];
    model_version_id: string;
    started_jobs_heard: string[];
    version_digest: string;
    version_cache_enabled: boolean;
    version_status: ModelVersion['status'];
  }>`
    with recursive chain(id) as (
      select job_id from tasks where id = ${taskId}
      union all
      select j.parent_job_id from jobs j join chain c on j.id = c.id where j.parent_job_id is not null
    ), held as (
      -- Read before the updates: a job still queued might start now (queued in this snapshot errs towards 'heard').
      select ${o.unlessHeard === true} and exists (select 1 from jobs q where q.id in (select id from chain) and q.status = 'queued' and ${jobIsHeard('q')}) as yes
    ), task as (
      update tasks set
        status = case when status in ('done', 'failed') then status else 'running' end,
        attempts = attempts + 1,
        started_at = coalesce(started_at, now())
      where id = ${taskId} and not (select yes from held)
      returning id, job_id, items, attempts, status
    ), started as (
      -- The job starts running with its first task, and so do the consensus jobs above it.
      update jobs set
        status = case when status = 'queued' then 'running' else status end,
        started_at = coalesce(started_at, now()),
        updated_at = now()
      where id in (select id from chain) and exists (select 1 from task)
      returning id, status, model_version_id, (status = 'running' and started_at = now()) as just_started, ${jobIsHeard('jobs')} as heard
    )
    select held.yes as held, task.*, started.status as job_status, started.model_version_id,
      array(select s.id from started s where s.just_started and s.heard) as started_jobs_heard,
      v.digest as version_digest, v.cache_enabled as version_cache_enabled, v.status as version_status
    from held left join task on true left join started on started.id = task.job_id
      left join model_versions v on v.id = started.model_version_id`.execute(db);
  const task = rows[0];
  if (task?.held) return 'heard';
  if (!task?.id) return undefined;
  return {
    id: task.id,
    alreadyClosed: task.status === 'done' || task.status === 'failed',
    jobId: task.job_id,
    jobStatus: task.job_status,
    modelVersionId: task.model_version_id,
    items: task.items,
    attempts: task.attempts,
    startedJobsHeard: task.started_jobs_heard,
    versionNow: { digest: task.version_digest, cacheEnabled: task.version_cache_enabled, status: task.version_status },
  };
}

export async function existingResultIndexes(db: DbOrTx, jobId: string, indexes: number[]): Promise<Set<number>> {
  if (indexes.length === 0) return new Set();
  const rows = await db
    .selectFrom('results')
    .select('item_index')
    .where('job_id', '=', jobId)
    .where('item_index', 'in', indexes)
    .execute();
  return new Set(rows.map((r) => r.item_index));
}

/** Keeps why an attempt failed, for the message its items get if every attempt fails. */
export async function recordTaskError(db: DbOrTx, taskId: string, error: string): Promise<void> {
  await db.updateTable('tasks').set({ error: error.slice(0, 2000) }).where('id', '=', taskId).execute();
}

export async function findTask(db: DbOrTx, taskId: string) {
  return db.selectFrom('tasks').select(['id', 'job_id', 'items', 'attempts', 'status', 'error']).where('id', '=', taskId).executeTakeFirst();
}

export async function jobStatus(db: DbOrTx, jobId: string): Promise<Job['status'] | undefined> {
  const row = await db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirst();
  return row?.status;
}

/** Closes a task once; true only for the call that closed it. */
export async function finishTask(db: DbOrTx, taskId: string, status: 'done' | 'failed', error?: string): Promise<boolean> {
  const row = await db
    .updateTable('tasks')
    .set({ status, finished_at: new Date(), error: error ?? null })
    .where('id', '=', taskId)
    .where('status', 'not in', ['done', 'failed'])
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Marks a closed task as given up on, keeping why (closing it cleared the last attempt's error). */
export async function markDeadLettered(db: DbOrTx, taskId: string, why: string | null): Promise<void> {
  await db.updateTable('tasks').set({ dead_lettered_at: new Date(), error: why?.slice(0, 2000) ?? null }).where('id', '=', taskId).execute();
}

/**
 * Adds what a task wrote to its job's counts and settles the job when every item has a result.
 * `justFinished` is true only for the call whose update ended the job. With `closeTask`, the same
 * statement closes that task once (as `finishTask` does) and counts it: `closed` says whether
 * this call closed it. `heard` says whether any webhook hears of the job (see `jobIsHeard`).
 */
export async function addToJobCounts(
  db: DbOrTx,
  jobId: string,
  delta: { done: number; failed: number; tasks: number },
  o: { closeTask?: string } = {},
): Promise<{ status: Job['status']; justFinished: boolean; parentJobId: string | null; endedBefore: number; closed: boolean; heard: boolean }> {
  const closing = o.closeTask
    ? sql`with closed as (
        update tasks set status = 'done', finished_at = now(), error = null
        where id = ${o.closeTask} and status not in ('done', 'failed')
        returning id
      ) `
    : sql``;
  const closedCount = o.closeTask ? sql`(select count(*) from closed)::int` : sql`0`;
  const { rows } = await sql<{ status: Job['status']; parent_job_id: string | null; items_done: number; items_failed: number; just_finished: boolean; closed: boolean; heard: boolean }>`${closing}
    update jobs set
      items_done = items_done + ${delta.done},
      items_failed = items_failed + ${delta.failed},
      tasks_done = tasks_done + ${delta.tasks} + ${closedCount},
      status = case
        when status = 'cancelled' then status
        when items_done + items_failed + ${delta.done + delta.failed} >= items_total
          then (case when items_done + ${delta.done} = 0 then 'failed' else 'succeeded' end)
        else 'running' end,
      finished_at = case
        when finished_at is null and items_done + items_failed + ${delta.done + delta.failed} >= items_total then now()
        else finished_at end,
      updated_at = now()
    where id = ${jobId}
    -- now() is this transaction's start: equal only when this very update set it.
    returning status, parent_job_id, items_done, items_failed, coalesce(finished_at = now(), false) as just_finished,
      ${o.closeTask ? sql`exists (select 1 from closed)` : sql`false`} as closed, ${jobIsHeard('jobs')} as heard`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`no job ${jobId} to count results for`);
  return {
    status: row.status,
    justFinished: row.just_finished && row.status !== 'cancelled',
    parentJobId: row.parent_job_id,
    // What had ended before this update (webhooks' progress buckets); the row is locked, so exact.
    endedBefore: row.items_done + row.items_failed - delta.done - delta.failed,
    closed: row.closed,
    heard: row.heard,
  };
}

/** Cancels a job and, for a consensus, its member jobs at every depth; undefined when it had already ended. */
export async function cancelJob(db: DbOrTx, jobId: string): Promise<Job | undefined> {
  const rows = await sql<JobWithModel>`
    with recursive tree(id) as (
      select id from jobs where id = ${jobId}
      union all
      select j.id from jobs j join tree t on j.parent_job_id = t.id
    ), cancelled as (
      update jobs set status = 'cancelled', finished_at = now(), updated_at = now()
      where id in (select id from tree) and status in ('queued', 'running')
      returning *
    )
    select c.*, m.slug, v.version, v.status as version_status
    from cancelled c join model_versions v on v.id = c.model_version_id join models m on m.id = v.model_id
    where c.id = ${jobId}`.execute(db);
  return rows.rows[0] && toJob(rows.rows[0]);
}

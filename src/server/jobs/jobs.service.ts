import type { PgBoss } from 'pg-boss';
import type { Db, DbOrTx } from '../db/client';
import type { NewResult, TaskItem } from '../db/types';
import { prepareInputs, type PreparedItem } from '../chem/inputs';
import { MAX_CONSENSUS_DEPTH, resolveMembers } from '../consensus/consensus.service';
import { AppError } from '../errors';
import { resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { enqueueMany } from '../queue/boss';
import type { Viewer } from '../users/viewer';
import * as repo from './jobs.repository';
import * as memberJobs from './member-jobs.repository';
import type { TSubmitJobInput } from './jobs.schema';
import type { ItemOutcome, Job } from './jobs.types';

/** Validates and canonicalises every input, then creates the job (see `createJob`). */
export async function submitJob(db: Db, boss: PgBoss, viewer: Viewer, input: TSubmitJobInput): Promise<Job> {
  const version = await resolveModelRef(db, input.model);
  const prepared = await prepareInputs(version.inputSchema, input.inputs);
  return createJob(db, boss, viewer, version, prepared, input.label);
}

/**
 * Writes the job, its refused items, its tasks and their queue entries in one transaction:
 * either all of it exists or none of it. A consensus job also gets one member job per member,
 * written the same way; its own results are aggregated when they have all ended.
 */
export async function createJob(
  db: Db,
  boss: PgBoss,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem[],
  label?: string,
): Promise<Job> {
  const jobId = await db.transaction().execute((tx) => insertJobTree(tx, boss, viewer, version, prepared, { label, depth: 0 }));
  return (await repo.findJob(db, jobId))!;
}

function refusedResult(p: PreparedItem, version: ModelVersion): NewResult {
  return {
    job_id: '',
    item_index: p.index,
    status: 'failed',
    input: JSON.stringify(p.submitted),
    submitted: JSON.stringify(p.submitted),
    output: null,
    error_code: p.error!.code,
    error: p.error!.message,
    version_digest: version.digest,
  };
}

async function insertJobTree(
  tx: DbOrTx,
  boss: PgBoss,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem[],
  o: { label?: string; parent?: { jobId: string; key: string }; depth: number },
): Promise<string> {
  const valid: TaskItem[] = [];
  const refused: NewResult[] = [];
  for (const p of prepared) {
    if (p.input) valid.push({ index: p.index, input: p.input, ...(sameJson(p.input, p.submitted) ? {} : { submitted: p.submitted }) });
    else refused.push(refusedResult(p, version));
  }
  const runtime = version.runtime;
  const isConsensus = runtime.kind === 'consensus';
  const batches: TaskItem[][] = [];
  if (!isConsensus) for (let i = 0; i < valid.length; i += version.batchSize) batches.push(valid.slice(i, i + version.batchSize));

  const id = await repo.insertJob(tx, {
    ownerId: viewer.id,
    modelVersionId: version.id,
    itemsTotal: prepared.length,
    itemsFailed: refused.length,
    // A consensus job's one task is the aggregation of its members.
    tasksTotal: isConsensus ? (valid.length ? 1 : 0) : batches.length,
    label: o.label,
    parent: o.parent,
  });
  if (refused.length) await repo.insertResults(tx, refused.map((r) => ({ ...r, job_id: id })));

  if (runtime.kind === 'consensus' && valid.length) {
    if (o.depth >= MAX_CONSENSUS_DEPTH) {
      throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} nests consensus models deeper than ${MAX_CONSENSUS_DEPTH}: an alias was moved into a cycle`);
    }
    // Aliases are resolved now: moving one later never changes this job.
    for (const member of await resolveMembers(tx, runtime)) {
      const memberPrepared = await prepareInputs(member.version.inputSchema, valid.map((v) => v.input));
      const reindexed = memberPrepared.map((p, i) => ({ ...p, index: valid[i].index, submitted: valid[i].submitted ?? valid[i].input }));
      await insertJobTree(tx, boss, viewer, member.version, reindexed, {
        label: `member ${member.key}`,
        parent: { jobId: id, key: member.key },
        depth: o.depth + 1,
      });
    }
    if (await memberJobs.allMembersSettled(tx, id)) await enqueueMany(boss, 'consensus.aggregate', [{ jobId: id }], tx);
  } else {
    const taskIds = await repo.insertTasks(tx, id, batches);
    await enqueueMany(boss, 'task.run', taskIds.map((taskId) => ({ taskId, jobId: id })), tx);
  }
  // A member job's parent checks its members itself once it has created all of them.
  if (valid.length === 0) await onJobSettled(tx, boss, id, null);
  return id;
}

/** After a job ends: wake whoever waits on it, and aggregate its consensus once every member has ended. */
export async function onJobSettled(tx: DbOrTx, boss: PgBoss, jobId: string, parent: string | null): Promise<void> {
  await repo.notifyJobFinished(tx, jobId);
  if (parent && (await memberJobs.allMembersSettled(tx, parent))) {
    await enqueueMany(boss, 'consensus.aggregate', [{ jobId: parent }], tx);
  }
}

function assertCanRead(viewer: Viewer, job: Job | undefined, jobId: string): asserts job is Job {
  // Another user's job is reported as missing, so ids cannot be probed.
  if (!job || (job.ownerId !== viewer.id && viewer.role !== 'admin')) {
    throw new AppError('NOT_FOUND', `no job ${jobId} visible to you`);
  }
}

export async function getJob(db: DbOrTx, viewer: Viewer, jobId: string): Promise<Job> {
  const job = await repo.findJob(db, jobId);
  assertCanRead(viewer, job, jobId);
  return job;
}

/** A job with, for a consensus, the progress of each member job (its own counts move only at aggregation). */
export async function getJobWithMembers(db: DbOrTx, viewer: Viewer, jobId: string) {
  const job = await getJob(db, viewer, jobId);
  return { ...job, members: await memberJobs.listMemberJobs(db, jobId) };
}

export async function listJobs(db: DbOrTx, viewer: Viewer, q: { limit: number; offset: number }) {
  return repo.listJobs(db, { ownerId: viewer.id, ...q });
}

export async function listResults(
  db: DbOrTx,
  viewer: Viewer,
  q: { jobId: string; status?: 'succeeded' | 'failed'; limit: number; offset: number },
) {
  await getJob(db, viewer, q.jobId);
  return repo.listResults(db, q);
}

export async function cancelJob(db: DbOrTx, viewer: Viewer, jobId: string): Promise<Job> {
  const job = await getJob(db, viewer, jobId);
  if (!(await repo.cancelJob(db, jobId))) {
    throw new AppError('CONFLICT', `job ${jobId} is already ${job.status}; only queued or running jobs can be cancelled`);
  }
  await repo.notifyJobFinished(db, jobId);
  return (await repo.findJob(db, jobId))!;
}

/**
 * Writes one task's outcomes and closes the task, in one transaction. Results are unique per
 * item, so a retried task adds only what was not written before and never counts twice.
 */
export async function recordTaskOutcomes(
  db: Db,
  boss: PgBoss,
  task: { id: string; jobId: string; attempt: number },
  outcomes: ItemOutcome[],
  meta: { executor: string; versionDigest: string; items: Map<number, TaskItem> },
): Promise<Job['status']> {
  return db.transaction().execute(async (tx) => {
    const rows: NewResult[] = outcomes.map((o) => ({
      job_id: task.jobId,
      item_index: o.index,
      status: 'output' in o ? 'succeeded' : 'failed',
      input: JSON.stringify(meta.items.get(o.index)?.input ?? {}),
      submitted: JSON.stringify(meta.items.get(o.index)?.submitted ?? meta.items.get(o.index)?.input ?? {}),
      output: 'output' in o ? JSON.stringify(o.output) : null,
      error_code: 'output' in o ? null : o.code,
      error: 'output' in o ? null : o.error,
      task_id: task.id,
      attempt: task.attempt,
      duration_ms: Math.round(o.durationMs),
      executor: meta.executor,
      version_digest: meta.versionDigest,
    }));
    const written = await repo.insertResults(tx, rows);
    const closed = await repo.finishTask(tx, task.id, 'done');
    const { status, justFinished, parentJobId } = await repo.addToJobCounts(tx, task.jobId, {
      done: written.filter((w) => w.status === 'succeeded').length,
      failed: written.filter((w) => w.status === 'failed').length,
      tasks: closed ? 1 : 0,
    });
    if (justFinished) await onJobSettled(tx, boss, task.jobId, parentJobId);
    return status;
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

import type { PgBoss } from 'pg-boss';
import type { DbOrTx } from '../db/client';
import type { NewResult, TaskItem } from '../db/types';
import type { Deps } from '../deps';
import { prepareInputs, type PreparedItem } from '../chem/inputs';
import { MAX_CONSENSUS_DEPTH, resolveMembers } from '../consensus/consensus.service';
import { AppError } from '../errors';
import { resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { enqueueMany } from '../queue/boss';
import type { Viewer } from '../users/viewer';
import { sameJson } from '../../shared/canonical-json';
import * as repo from './jobs.repository';
import * as memberJobs from './member-jobs.repository';
import type { TListResultsInput, TSubmitJobInput } from './jobs.schema';
import type { Job } from './jobs.types';
import { resultRow } from './result-row';

type DbDeps = Pick<Deps, 'db'>;
type QueueDeps = Pick<Deps, 'db' | 'boss'>;

/** Validates and canonicalises every input, then creates the job (see `createJob`). */
export async function submitJob(deps: QueueDeps, viewer: Viewer, input: TSubmitJobInput): Promise<Job> {
  const version = await resolveModelRef(deps.db, input.model);
  const prepared = await prepareInputs(version.inputSchema, input.inputs, { requester: viewer.id });
  return createJob(deps, viewer, version, prepared, { label: input.label });
}

/**
 * Writes the job, its refused items, its tasks and their queue entries in one transaction:
 * either all of it exists or none of it. A consensus job also gets one member job per member,
 * written the same way; its own results are aggregated when they have all ended.
 */
export async function createJob(
  { db, boss }: QueueDeps,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem[],
  o: { label?: string } = {},
): Promise<Job> {
  return db.transaction().execute((tx) => insertJobTree(tx, boss, viewer, version, prepared, { label: o.label, depth: 0 }));
}

async function insertJobTree(
  tx: DbOrTx,
  boss: PgBoss,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem[],
  o: { label?: string; parent?: { jobId: string; key: string }; depth: number },
): Promise<Job> {
  const valid: TaskItem[] = [];
  const refused: PreparedItem[] = [];
  for (const p of prepared) {
    if (p.input) valid.push({ index: p.index, input: p.input, ...(sameJson(p.input, p.submitted) ? {} : { submitted: p.submitted }) });
    else refused.push(p);
  }
  const runtime = version.runtime;
  const isConsensus = runtime.kind === 'consensus';
  const batches: TaskItem[][] = [];
  if (!isConsensus) for (let i = 0; i < valid.length; i += version.batchSize) batches.push(valid.slice(i, i + version.batchSize));

  const job = await repo.insertJob(tx, version, {
    ownerId: viewer.id,
    itemsTotal: prepared.length,
    itemsFailed: refused.length,
    // A consensus job's one task is the aggregation of its members.
    tasksTotal: isConsensus ? (valid.length ? 1 : 0) : batches.length,
    label: o.label,
    parent: o.parent,
  });
  if (refused.length) {
    const rows: NewResult[] = refused.map((p) =>
      resultRow(job.id, { index: p.index, input: p.submitted }, { index: p.index, code: p.error!.code, error: p.error!.message }, { versionDigest: version.digest }),
    );
    await repo.insertResults(tx, rows);
  }

  if (runtime.kind === 'consensus' && valid.length) {
    if (o.depth >= MAX_CONSENSUS_DEPTH) {
      throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} nests consensus models deeper than ${MAX_CONSENSUS_DEPTH}: an alias was moved into a cycle`);
    }
    // Aliases are resolved now: moving one later never changes this job.
    for (const member of await resolveMembers(tx, runtime)) {
      const memberPrepared = await prepareInputs(member.version.inputSchema, valid.map((v) => v.input), { requester: viewer.id });
      const reindexed = memberPrepared.map((p, i) => ({ ...p, index: valid[i].index, submitted: valid[i].submitted ?? valid[i].input }));
      await insertJobTree(tx, boss, viewer, member.version, reindexed, {
        label: `member ${member.key}`,
        parent: { jobId: job.id, key: member.key },
        depth: o.depth + 1,
      });
    }
    if (await memberJobs.allMembersSettled(tx, job.id)) await enqueueMany(boss, 'consensus.aggregate', [{ jobId: job.id }], tx);
  } else {
    const taskIds = await repo.insertTasks(tx, job.id, batches);
    await enqueueMany(boss, 'task.run', taskIds.map((taskId) => ({ taskId, jobId: job.id })), tx);
  }
  // A member job's parent checks its members itself once it has created all of them.
  if (valid.length === 0) await onJobSettled(tx, boss, job.id, null);
  return job;
}

/** After a job ends: wake whoever waits on it, and aggregate its consensus once every member has ended. */
export async function onJobSettled(tx: DbOrTx, boss: PgBoss, jobId: string, parent: string | null): Promise<void> {
  await repo.notifyJobFinished(tx, jobId);
  if (parent && (await memberJobs.allMembersSettled(tx, parent))) {
    await enqueueMany(boss, 'consensus.aggregate', [{ jobId: parent }], tx);
  }
}

/** A job the viewer may read; another user's job is reported as missing, so ids cannot be probed. */
export async function readableJob(db: DbOrTx, viewer: Viewer, jobId: string): Promise<Job> {
  const job = await repo.findJob(db, jobId);
  if (!job || (job.ownerId !== viewer.id && viewer.role !== 'admin')) {
    throw new AppError('NOT_FOUND', `no job ${jobId} visible to you`);
  }
  return job;
}

export async function getJob({ db }: DbDeps, viewer: Viewer, { jobId }: { jobId: string }): Promise<Job> {
  return readableJob(db, viewer, jobId);
}

/** A job with, for a consensus, the progress of each member job (its own counts move only at aggregation). */
export async function getJobWithMembers({ db }: DbDeps, viewer: Viewer, { jobId }: { jobId: string }) {
  const job = await readableJob(db, viewer, jobId);
  return { ...job, members: await memberJobs.listMemberJobs(db, jobId) };
}

export async function listJobs({ db }: DbDeps, viewer: Viewer, q: { limit: number; offset: number }) {
  return repo.listJobs(db, { ownerId: viewer.id, ...q });
}

export async function listResults({ db }: DbDeps, viewer: Viewer, q: TListResultsInput) {
  await readableJob(db, viewer, q.jobId);
  return repo.listResults(db, q);
}

export async function cancelJob({ db }: DbDeps, viewer: Viewer, { jobId }: { jobId: string }): Promise<Job> {
  const job = await readableJob(db, viewer, jobId);
  const cancelled = await repo.cancelJob(db, jobId);
  if (!cancelled) {
    throw new AppError('CONFLICT', `job ${jobId} is already ${job.status}; only queued or running jobs can be cancelled`);
  }
  await repo.notifyJobFinished(db, jobId);
  return cancelled;
}

import { createHash } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { audit, type AuditInput } from '../audit/audit.service';
import type { DbOrTx } from '../db/client';
import { transactionMaybeGrouped } from '../db/group-commit';
import type { NewResult, TaskItem } from '../db/types';
import type { Deps } from '../deps';
import { prepareInputs, type PreparedItem } from '../chem/inputs';
import { MAX_CONSENSUS_DEPTH, resolveMembers } from '../consensus/consensus.service';
import { costEstimator, type CostEstimate } from '../cost/estimate.service';
import { readPricing } from '../cost/pricing';
import { AppError } from '../errors';
import { claimQuota, precheckQuota, quotaSubjects } from '../quotas/quotas.service';
import { resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { enqueueMany } from '../queue/boss';
import type { Viewer } from '../users/viewer';
import { emitJobEvents } from '../webhooks/events';
import { canonicalJson, sameJson } from '../../shared/canonical-json';
import * as repo from './jobs.repository';
import * as memberJobs from './member-jobs.repository';
import type { TListResultsInput, TSubmitJobInput } from './jobs.schema';
import type { ItemOutcome, Job, JobResult } from './jobs.types';
import { knownInputs, splitByCache } from './result-cache';
import { resultRow } from './result-row';
import { PREDICTION_PRIORITY, taskEnqueueOptions } from './fair-share';

type DbDeps = Pick<Deps, 'db'>;

type QueueDeps = Pick<Deps, 'db' | 'boss'>;
/** Jobs of at most this many items may share a transaction with others (group commit). */
const GROUP_COMMIT_MAX_ITEMS = 100;

/** Validates and canonicalises every input, then creates the job (see `createJob`). */
export async function submitJob(deps: QueueDeps, viewer: Viewer, input: TSubmitJobInput, o: Pick<CreateJobOptions, 'within'> = {}): Promise<Job> {
  const idempotency = input.idempotencyKey ? { key: input.idempotencyKey, hash: requestHash(input) } : undefined;
  const replay = idempotency && (await replayOf(deps, viewer, idempotency));
  if (replay) return replay;
  const version = await resolveModelRef(deps.db, viewer, input.model);
  // Items sent before exactly so skip RDKit (a list screened again); one item is not worth a lookup.
  const known = input.inputs.length > 1 ? knownInputs(deps.db, version) : undefined;
  const prepared = await prepareInputs(version.inputSchema, input.inputs, { requester: viewer.id, known });
  return createJob(deps, viewer, version, prepared, { label: input.label, idempotency, within: o.within });
}

/** What a request asked for, so a retry under the same key can be told from a different request. */
export function requestHash(request: { model: string; inputs?: unknown; input?: unknown; label?: string }): string {
  const { model, inputs, input, label } = request;
  return createHash('sha256').update(canonicalJson({ model, inputs, input, label })).digest('hex');
}

/** The job a key already made, or undefined; CONFLICT when the key was used for another request. */
export async function replayOf(deps: Pick<Deps, 'db'>, viewer: Viewer, idem: { key: string; hash: string }): Promise<Job | undefined> {
  const found = await repo.findJobByIdempotencyKey(deps.db, viewer.id, idem.key);
  if (!found) return undefined;
  if (found.requestHash !== idem.hash) {
    throw new AppError('CONFLICT', `the idempotency key "${idem.key}" was already used for a different request (job ${found.job.id}); use a new key for a new request`, {
      jobId: found.job.id,
    });
  }
  return found.job;
}

export interface CreateJobOptions {
  label?: string;
  idempotency?: { key: string; hash: string };
  /**
   * More of the same mutation, in the job's transaction (an evaluation's row): what it returns is
   * the call's audit entry instead of the job's own.
   */
  within?: (tx: DbOrTx, job: Job) => Promise<AuditInput>;
  /** False when the caller records the call itself, after further steps (a smoke test). */
  audit?: boolean;
  /** False to run every item even when the result cache holds its output (a smoke test must run the model). */
  cache?: boolean;
}

/** The audit entry of a job's creation. */
function jobCreated(job: Job): AuditInput {
  return {
    action: 'job.create',
    entity: { type: 'job', id: job.id },
    after: { model: `${job.model}@${job.version}`, label: job.label, status: job.status, itemsTotal: job.itemsTotal, itemsFailed: job.itemsFailed, tasksTotal: job.tasksTotal },
  };
}

/**
 * Writes the job, its refused items, its tasks and their queue entries in one transaction:
 * either all of it exists or none of it. A consensus job also gets one member job per member,
 * written the same way; its own results are aggregated when they have all ended. The audit
 * entry is the transaction's last statement.
 */
export async function createJob({ db, boss }: QueueDeps, viewer: Viewer, version: ModelVersion, prepared: PreparedItem[], o: CreateJobOptions = {}): Promise<Job> {
  const pricing = readPricing();
  const cache = o.cache !== false;
  // Read-only, so outside the transaction and all at once (cache entries are never taken back):
  // the items the result cache answers, the team charged, and what an estimate rests on. The
  // estimate of the items left to run is recorded with the job and held against its quotas; a
  // prediction the cache answers does not wait for it (nothing is left to run).
  const { valid } = taskItems(prepared);
  const estimating = valid.length > 0 ? costEstimator(db, version, pricing).catch(() => null) : null;
  const [split, teamId] = await Promise.all([cache ? splitByCache(db, version, valid) : undefined, chargedTeam(db, viewer, version)]);
  const toRun = split ? split.misses.length : valid.length;
  const estimate = toRun > 0 ? ((await estimating)?.(toRun) ?? null) : null;
  const accounting = { teamId, estimate, currency: pricing.currency };
  try {
    // A small job shares its transaction with others submitted at the same moment (group-commit.ts).
    const shareable = !o.within && version.runtime.kind !== 'consensus' && prepared.length <= GROUP_COMMIT_MAX_ITEMS;
    return await transactionMaybeGrouped(db, async (tx) => {
      const job = await insertJobTree(tx, boss, viewer, version, prepared, { label: o.label, idempotency: o.idempotency, depth: 0, accounting, cache, split });
      const entry = o.within ? await o.within(tx, job) : jobCreated(job);
      if (o.audit !== false) await audit(tx, viewer, entry);
      return job;
    }, shareable);
  } catch (e) {
    // Another request with the same key won the race: its job is the answer to this one too.
    const replay = e instanceof KeyAlreadyUsed && o.idempotency ? await replayOf({ db }, viewer, o.idempotency) : undefined;
    if (replay) return replay;
    throw e;
  }
}

class KeyAlreadyUsed extends Error {}

/**
 * The team a job is charged to (its team's quota and cost reports): the model's owning team when
 * the submitter belongs to it, else the submitter's first team (by id, so it is stable), else none.
 */
export async function chargedTeam(db: DbOrTx, viewer: Viewer, version: ModelVersion): Promise<string | null> {
  if (viewer.teamIds.length === 0) return null;
  const model = await db.selectFrom('models').select('team_id').where('id', '=', version.modelId).executeTakeFirst();
  if (model?.team_id && viewer.teamIds.includes(model.team_id)) return model.team_id;
  return [...viewer.teamIds].sort()[0];
}

async function insertJobTree(
  tx: DbOrTx,
  boss: PgBoss,
  viewer: Viewer,
  version: ModelVersion,
  prepared: PreparedItem[],
  o: {
    label?: string;
    parent?: { jobId: string; key: string };
    idempotency?: { key: string; hash: string };
    depth: number;
    /** Whether items the result cache holds are answered from it (members of a consensus inherit it). */
    cache: boolean;
    /** The valid items already looked up in the cache (the top-level job, before its transaction). */
    split?: { hits: ItemOutcome[]; misses: TaskItem[] };
    /** The top-level job's charge: its team, estimate and currency (member jobs inherit the team). */
    accounting: { teamId: string | null; estimate: CostEstimate | null; currency: string };
  },
): Promise<Job> {
  const { valid, refused } = taskItems(prepared);
  const runtime = version.runtime;
  const isConsensus = runtime.kind === 'consensus';
  // Items whose output the cache holds are answered now; only the others become tasks.
  const { hits, misses } = o.split ?? (o.cache ? await splitByCache(tx, version, valid) : { hits: [], misses: valid });
  const batches: TaskItem[][] = [];
  if (!isConsensus) for (let i = 0; i < misses.length; i += version.batchSize) batches.push(misses.slice(i, i + version.batchSize));
  const estimate = o.accounting.estimate;

  const row: repo.NewJob = {
    ownerId: viewer.id,
    itemsTotal: prepared.length,
    itemsDone: hits.length,
    itemsFailed: refused.length,
    // A consensus job's one task is the aggregation of its members.
    tasksTotal: isConsensus ? (valid.length ? 1 : 0) : batches.length,
    label: o.label,
    parent: o.parent,
    idempotency: o.idempotency,
    teamId: o.accounting.teamId,
    tokenId: o.depth === 0 && viewer.auth.kind === 'token' ? viewer.auth.tokenId : null,
    currency: o.accounting.currency,
    estimate: o.depth === 0 && estimate?.cost != null ? { cpuSeconds: estimate.cpuSeconds!, gpuSeconds: estimate.gpuSeconds!, cost: estimate.cost } : null,
  };
  // A job of one task (a prediction, a small job) is written with its task, in one statement.
  const written = batches.length === 1 ? await repo.insertJobWithTask(tx, version, row, batches[0]) : await repo.insertJob(tx, version, row).then((job) => job && { job, taskId: undefined });
  if (!written) throw new KeyAlreadyUsed();
  const { job } = written;
  // Right after the job's row (a concurrent replay of its key stopped above) and before anything
  // heavy: the quota counters are locked and counted, and a refusal rolls all of it back. A large
  // job is only checked here and counted as its last step, so the counters (a team's too) are
  // not locked while its tasks are written. Answers from the cache count as items submitted but
  // take no model time.
  let claim: (() => Promise<void>) | undefined;
  if (o.depth === 0) {
    const est = estimate;
    const subjects = quotaSubjects(viewer, o.accounting.teamId);
    const asked = {
      jobId: job.id,
      items: valid.length,
      estimate: { cpuSeconds: est?.cpuSeconds ?? 0, gpuSeconds: est?.gpuSeconds ?? 0 },
      // Without an estimate (it could not be made) the job is taken to need both; answered
      // entirely from the cache, it needs neither.
      uses: est
        ? { cpu: est.parts.some((p) => p.cpu > 0), gpu: est.parts.some((p) => p.gpu > 0) }
        : isConsensus || misses.length > 0
          ? { cpu: true, gpu: true }
          : { cpu: false, gpu: false },
    };
    if (prepared.length > GROUP_COMMIT_MAX_ITEMS) claim = await precheckQuota(tx, subjects, asked);
    else await claimQuota(tx, subjects, asked);
  }
  if (refused.length) {
    const rows: NewResult[] = refused.map((p) =>
      resultRow(job.id, { index: p.index, input: p.submitted }, { index: p.index, code: p.error!.code, error: p.error!.message }, { versionDigest: version.digest }),
    );
    await repo.insertResults(tx, rows);
  }
  if (hits.length) {
    const items = new Map(valid.map((v) => [v.index, v]));
    await repo.insertResults(tx, hits.map((h) => resultRow(job.id, items.get(h.index)!, h, { versionDigest: version.digest })));
  }

  if (runtime.kind === 'consensus' && valid.length) {
    if (o.depth >= MAX_CONSENSUS_DEPTH) {
      throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} nests consensus models deeper than ${MAX_CONSENSUS_DEPTH}: an alias was moved into a cycle`);
    }
    // Aliases are resolved now: moving one later never changes this job.
    // Members run under the submitter's own access: each must be a model they may run.
    for (const member of await resolveMembers(tx, viewer, runtime)) {
      const memberPrepared = await prepareInputs(member.version.inputSchema, valid.map((v) => v.input), { requester: viewer.id });
      const reindexed = memberPrepared.map((p, i) => ({ ...p, index: valid[i].index, submitted: valid[i].submitted ?? valid[i].input }));
      await insertJobTree(tx, boss, viewer, member.version, reindexed, {
        label: `member ${member.key}`,
        parent: { jobId: job.id, key: member.key },
        depth: o.depth + 1,
        cache: o.cache,
        accounting: o.accounting,
      });
    }
    if (await memberJobs.allMembersSettled(tx, job.id)) await enqueueMany(boss, 'consensus.aggregate', [{ jobId: job.id }], tx);
  } else {
    const taskIds = written.taskId ? [written.taskId] : await repo.insertTasks(tx, job.id, batches);
    // Grouped by version; predictions and small jobs before screens, screens fair-shared by owner (fair-share.ts).
    // cacheChecked: the items were looked up just now, so the worker need not look again.
    const enqueue = await taskEnqueueOptions(tx, { ownerId: viewer.id, versionId: version.id, itemCount: prepared.length, jobId: job.id });
    const urgent = enqueue.priority === PREDICTION_PRIORITY ? { urgent: true } : {};
    await enqueueMany(boss, 'task.run', taskIds.map((taskId) => ({ taskId, jobId: job.id, cacheChecked: true, ...urgent })), tx, enqueue);
  }
  // Over already (every item refused or answered from the cache), with no queue hop: a token's
  // webhooks hear it ended; that it started too when the cache answered, as for any job that ran.
  // Only a token's can: a webhook of the job itself needs its id, not visible before this commits.
  // A member job's parent checks its members itself once it has created all of them.
  if (job.tasksTotal === 0 && row.tokenId) {
    if (job.itemsDone > 0) await emitJobEvents(tx, boss, job.id, { kind: 'started' });
    await emitJobEvents(tx, boss, job.id, { kind: 'counted', endedBefore: 0, justFinished: true });
  }
  await claim?.();
  return job;
}

/** Prepared items as task items (canonical input, and what was sent when it differs), and those refused. */
function taskItems(prepared: PreparedItem[]): { valid: TaskItem[]; refused: PreparedItem[] } {
  const valid: TaskItem[] = [];
  const refused: PreparedItem[] = [];
  for (const p of prepared) {
    if (p.input) valid.push({ index: p.index, input: p.input, ...(sameJson(p.input, p.submitted) ? {} : { submitted: p.submitted }) });
    else refused.push(p);
  }
  return { valid, refused };
}

/**
 * After a job ends: aggregate its consensus once every member has ended. (Whoever waits on the job
 * is woken by the statement that ended it: see migration 0066.)
 */
export async function onJobSettled(tx: DbOrTx, boss: PgBoss, parent: string | null): Promise<void> {
  if (parent && (await memberJobs.allMembersSettled(tx, parent))) {
    await enqueueMany(boss, 'consensus.aggregate', [{ jobId: parent }], tx);
  }
}

/**
 * A job the viewer may read: their own (an admin: anyone's), of a model they may see. Another
 * user's job, or one of a model no longer visible to them, is reported as missing, so ids cannot be probed.
 */
export async function readableJob(db: DbOrTx, viewer: Viewer, jobId: string): Promise<Job> {
  const job = await repo.findReadableJob(db, viewer, jobId);
  if (!job) throw new AppError('NOT_FOUND', `no job ${jobId} visible to you`);
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
  return repo.listJobs(db, viewer, { ownerId: viewer.id, ...q });
}

export async function listResults({ db }: DbDeps, viewer: Viewer, q: TListResultsInput) {
  await readableJob(db, viewer, q.jobId);
  const page = await repo.listResults(db, q);
  return { ...page, items: await withVisibleProvenance(db, viewer, page.items) };
}

/**
 * Results as the viewer may see them: where a cached output was first computed names its job
 * only when the viewer may read that job; another user's is just `{ cached: true }`.
 */
export async function withVisibleProvenance(db: DbOrTx, viewer: Viewer, items: JobResult[]): Promise<JobResult[]> {
  const sources = [...new Set(items.flatMap((r) => (r.cachedFrom && 'jobId' in r.cachedFrom ? [r.cachedFrom.jobId] : [])))];
  if (sources.length === 0) return items;
  const readable = await repo.readableJobIds(db, viewer, sources);
  return items.map((r) => (r.cachedFrom && 'jobId' in r.cachedFrom && !readable.has(r.cachedFrom.jobId) ? { ...r, cachedFrom: { cached: true } } : r));
}

export async function cancelJob({ db, boss }: QueueDeps, viewer: Viewer, { jobId }: { jobId: string }): Promise<Job> {
  const job = await readableJob(db, viewer, jobId);
  return db.transaction().execute(async (tx) => {
    const cancelled = await repo.cancelJob(tx, jobId);
    if (!cancelled) {
      throw new AppError('CONFLICT', `job ${jobId} is already ${job.status}; only queued or running jobs can be cancelled`);
    }
    await emitJobEvents(tx, boss, jobId, { kind: 'cancelled' });
    await audit(tx, viewer, {
      action: 'job.cancel',
      entity: { type: 'job', id: jobId },
      before: { status: job.status, itemsDone: job.itemsDone, itemsFailed: job.itemsFailed },
      after: { status: cancelled.status, itemsDone: cancelled.itemsDone, itemsFailed: cancelled.itemsFailed },
    });
    return cancelled;
  });
}

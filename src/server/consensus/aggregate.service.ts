import type { NewResult, ResultRow } from '../db/types';
import { toAppError } from '../errors';
import * as jobsRepo from '../jobs/jobs.repository';
import * as memberJobs from '../jobs/member-jobs.repository';
import { onJobSettled } from '../jobs/jobs.service';
import { TERMINAL_STATUSES } from '../jobs/jobs.types';
import { resultRow } from '../jobs/result-row';
import { versionOf, type Attempt, type Verdict, type WorkerDeps } from '../jobs/run-task.service';
import type { QueuePayload } from '../queue/catalog';
import { emitJobEvents } from '../webhooks/events';
import { consensusForItem } from './item-consensus';

const CHUNK = 500;

/**
 * Once every member job of a consensus job has ended, joins their results item by item and
 * writes the consensus results, a chunk per transaction. Results are unique per item, so a
 * retry only writes what is missing.
 */
export async function aggregateConsensus(deps: WorkerDeps, { jobId }: QueuePayload<'consensus.aggregate'>, attempt: Attempt): Promise<Verdict> {
  try {
    const parent = await jobsRepo.findJob(deps.db, jobId);
    if (!parent || TERMINAL_STATUSES.includes(parent.status)) return { status: 'completed', output: { skipped: 'job already ended' } };
    const version = await versionOf(deps, parent.modelVersionId);
    if (version.runtime.kind !== 'consensus') return { status: 'deadletter', output: { error: `job ${jobId} does not run a consensus` } };
    const runtime = version.runtime;
    const members = await memberJobs.listMemberJobs(deps.db, jobId);
    // Woken too early (it should not happen): the last member to end will wake it again.
    if (members.some((m) => !TERMINAL_STATUSES.includes(m.status))) {
      return { status: 'completed', output: { skipped: 'members still running' } };
    }
    const keyOfJob = new Map(members.map((m) => [m.jobId, m.key]));

    let written = 0;
    for (let from = 0; from < parent.itemsTotal; from += CHUNK) {
      const to = Math.min(parent.itemsTotal, from + CHUNK);
      const rows = await memberJobs.resultsForItems(deps.db, [jobId, ...keyOfJob.keys()], from, to);
      const own = new Set(rows.filter((r) => r.job_id === jobId).map((r) => r.item_index));
      const byItem = new Map<number, Map<string, ResultRow>>();
      for (const r of rows) {
        const key = keyOfJob.get(r.job_id);
        if (!key) continue;
        if (!byItem.has(r.item_index)) byItem.set(r.item_index, new Map());
        byItem.get(r.item_index)!.set(key, r);
      }
      const results: NewResult[] = [];
      for (let index = from; index < to; index++) {
        if (own.has(index)) continue; // refused at submission, or written by an earlier attempt
        const memberRows = byItem.get(index) ?? new Map<string, ResultRow>();
        const any = [...memberRows.values()][0];
        const c = consensusForItem(runtime, memberRows);
        const timings = [...memberRows.values()].map((r) => r.duration_ms ?? 0);
        const item = { index, input: any?.input ?? {}, submitted: any?.submitted ?? undefined };
        const durationMs = timings.length ? Math.max(...timings) : undefined;
        results.push(resultRow(jobId, item, { index, ...c, durationMs }, { versionDigest: version.digest, executor: 'consensus', attempt: attempt.number }));
      }
      const last = to >= parent.itemsTotal;
      await deps.db.transaction().execute(async (tx) => {
        const inserted = await jobsRepo.insertResults(tx, results);
        written += inserted.length;
        const { justFinished, parentJobId, endedBefore, heard } = await jobsRepo.addToJobCounts(tx, jobId, {
          done: inserted.filter((r) => r.status === 'succeeded').length,
          failed: inserted.filter((r) => r.status === 'failed').length,
          tasks: last ? 1 : 0,
        });
        if (heard) await emitJobEvents(tx, deps.boss, jobId, { kind: 'counted', endedBefore, justFinished });
        if (justFinished) await onJobSettled(tx, deps.boss, parentJobId);
      });
    }
    return { status: 'completed', output: { written } };
  } catch (e) {
    const err = toAppError(e);
    deps.log(`aggregation of job ${jobId} failed (${err.code}): ${err.message}`);
    return { status: 'failed', output: { code: err.code, error: err.message } };
  }
}

/**
 * An aggregation the queue gave up on: the consensus items without a result fail with the
 * reason, so the consensus job ends.
 */
export async function endDeadAggregation(deps: WorkerDeps, { jobId }: QueuePayload<'consensus.aggregate'>): Promise<Verdict> {
  const parent = await jobsRepo.findJob(deps.db, jobId);
  if (!parent || TERMINAL_STATUSES.includes(parent.status)) return { status: 'completed', output: { skipped: 'job already ended' } };
  const version = await versionOf(deps, parent.modelVersionId);
  for (let from = 0; from < parent.itemsTotal; from += CHUNK) {
    const to = Math.min(parent.itemsTotal, from + CHUNK);
    const indexes = Array.from({ length: to - from }, (_, i) => from + i);
    const done = await jobsRepo.existingResultIndexes(deps.db, jobId, indexes);
    const rows = indexes
      .filter((i) => !done.has(i))
      .map((index) =>
        resultRow(
          jobId,
          { index, input: {} },
          { index, code: 'UNAVAILABLE', error: 'the consensus could not be aggregated after several attempts; run the job again' },
          { versionDigest: version.digest, executor: 'consensus' },
        ),
      );
    const last = to >= parent.itemsTotal;
    await deps.db.transaction().execute(async (tx) => {
      const inserted = await jobsRepo.insertResults(tx, rows);
      const { justFinished, parentJobId, endedBefore, heard } = await jobsRepo.addToJobCounts(tx, jobId, { done: 0, failed: inserted.length, tasks: last ? 1 : 0 });
      if (heard) await emitJobEvents(tx, deps.boss, jobId, { kind: 'counted', endedBefore, justFinished });
      if (justFinished) await onJobSettled(tx, deps.boss, parentJobId);
    });
  }
  deps.log(`consensus job ${jobId}: aggregation given up, remaining items failed`);
  return { status: 'completed', output: { failed: true } };
}

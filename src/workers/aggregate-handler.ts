import type { JobResult, JobWithMetadata } from 'pg-boss';
import { consensusForItem } from '../server/consensus/aggregate';
import type { NewResult, ResultRow } from '../server/db/types';
import { toAppError } from '../server/errors';
import * as jobsRepo from '../server/jobs/jobs.repository';
import * as memberJobs from '../server/jobs/member-jobs.repository';
import { onJobSettled } from '../server/jobs/jobs.service';
import { TERMINAL_STATUSES } from '../server/jobs/jobs.types';
import { queueCatalog } from '../server/queue/catalog';
import { versionOf, type WorkerDeps } from './task-handler';

const CHUNK = 500;

/**
 * Runs one `consensus.aggregate` queue job: once every member job of a consensus job has
 * ended, joins their results item by item and writes the consensus results, a chunk per
 * transaction. Results are unique per item, so a retry only writes what is missing.
 */
export async function handleAggregate(deps: WorkerDeps, job: JobWithMetadata<unknown>): Promise<JobResult> {
  const parsed = queueCatalog['consensus.aggregate'].schema.safeParse(job.data);
  if (!parsed.success) return { id: job.id, status: 'deadletter', output: { error: 'payload does not match the consensus.aggregate schema' } };
  const { jobId } = parsed.data;
  try {
    const parent = await jobsRepo.findJob(deps.db, jobId);
    if (!parent || TERMINAL_STATUSES.includes(parent.status)) return { id: job.id, status: 'completed', output: { skipped: 'job already ended' } };
    const version = await versionOf(deps, parent.modelVersionId);
    if (version.runtime.kind !== 'consensus') throw new Error(`job ${jobId} does not run a consensus`);
    const runtime = version.runtime;
    const members = await memberJobs.listMemberJobs(deps.db, jobId);
    // Woken too early (it should not happen): the last member to end will wake it again.
    if (members.some((m) => !TERMINAL_STATUSES.includes(m.status))) {
      return { id: job.id, status: 'completed', output: { skipped: 'members still running' } };
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
        results.push({
          job_id: jobId,
          item_index: index,
          status: 'output' in c ? 'succeeded' : 'failed',
          input: JSON.stringify(any?.input ?? {}),
          submitted: JSON.stringify(any?.submitted ?? any?.input ?? {}),
          output: 'output' in c ? JSON.stringify(c.output) : null,
          error_code: 'output' in c ? null : c.code,
          error: 'output' in c ? null : c.error,
          attempt: job.retryCount + 1,
          duration_ms: timings.length ? Math.max(...timings) : null,
          executor: 'consensus',
          version_digest: version.digest,
        });
      }
      const last = to >= parent.itemsTotal;
      await deps.db.transaction().execute(async (tx) => {
        const inserted = await jobsRepo.insertResults(tx, results);
        written += inserted.length;
        const { justFinished, parentJobId } = await jobsRepo.addToJobCounts(tx, jobId, {
          done: inserted.filter((r) => r.status === 'succeeded').length,
          failed: inserted.filter((r) => r.status === 'failed').length,
          tasks: last ? 1 : 0,
        });
        if (justFinished) await onJobSettled(tx, deps.boss, jobId, parentJobId);
      });
    }
    return { id: job.id, status: 'completed', output: { written } };
  } catch (e) {
    const err = toAppError(e);
    deps.log(`aggregation of job ${jobId} failed (${err.code}): ${err.message}`);
    return { id: job.id, status: 'failed', output: { code: err.code, error: err.message } };
  }
}

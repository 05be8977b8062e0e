import type { Deps } from '../deps';
import { estimateCost, type CostEstimate } from '../cost/estimate.service';
import { resolveModelRef } from '../models/models.service';
import { versionItemTimes } from '../models/usage.repository';
import type { Viewer } from '../users/viewer';

export interface RunEstimate {
  model: string;
  version: number;
  items: number;
  tasks: number;
  batchSize: number;
  /** Tasks of this version one worker runs at once. */
  parallelTasks: number;
  medianMsPerItem: number | null;
  /** How many past item timings the median is taken over. */
  sample: number;
  /** Expected wall time once a worker starts, or null without past timings. */
  estimatedSeconds: number | null;
  /** The worst case: every item taking the version's whole timeout. */
  upperBoundSeconds: number;
  /** How the figures were reached, in words, to show beside them. */
  basis: string;
  /**
   * Model time and cost: items × the version's measured time per item × its cores/GPUs × the
   * prices, with its basis; the same figures a submission records on its job and holds against
   * the CPU- and GPU-second quotas.
   */
  cost: CostEstimate;
}

const envNumber = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** What the worker (src/workers/main.ts) lets one version run at once: its group concurrency, bounded by its fetch loops. */
function parallelTasksPerWorker(): number {
  const pool = envNumber('MODEL_POOL_SIZE', 2);
  const loops = envNumber('WORKER_CONCURRENCY', 6) * envNumber('WORKER_BATCH_SIZE', 2);
  return Math.max(1, Math.min(envNumber('WORKER_VERSION_CONCURRENCY', pool), loops));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A time estimate for running `items` inputs on a model, before submitting: the version's measured
 * median time per item × items ÷ the tasks one worker runs at once. Read-only; `cost` is what it would cost (see estimateCost).
 */
export async function estimateRun({ db }: Pick<Deps, 'db'>, viewer: Viewer, q: { model: string; items: number }): Promise<RunEstimate> {
  const version = await resolveModelRef(db, viewer, q.model, 'view');
  const tasks = Math.ceil(q.items / version.batchSize);
  const parallel = Math.min(parallelTasksPerWorker(), tasks);
  const times = await versionItemTimes(db, version.id);
  const ref = `${version.slug}@${version.version}`;
  const estimatedSeconds = times.medianMs === null ? null : round1((times.medianMs * q.items) / parallel / 1000);
  const upperBoundSeconds = round1((version.timeoutMs * q.items) / parallel / 1000);
  const split = `${q.items} items in ${tasks} task${tasks === 1 ? '' : 's'} of at most ${version.batchSize}, ${parallel} at once on one worker`;
  const basis =
    times.medianMs === null
      ? `${split}; ${ref} has no timed results yet, so only the upper bound (every item taking its ${version.timeoutMs} ms timeout) is known`
      : `${split}; median ${round1(times.medianMs)} ms per item over the last ${times.sample} results of ${ref}; queueing and more workers are not counted`;
  return {
    model: version.slug,
    version: version.version,
    items: q.items,
    tasks,
    batchSize: version.batchSize,
    parallelTasks: parallel,
    medianMsPerItem: times.medianMs === null ? null : round1(times.medianMs),
    sample: times.sample,
    estimatedSeconds,
    upperBoundSeconds,
    basis,
    cost: await estimateCost(db, version, q.items),
  };
}

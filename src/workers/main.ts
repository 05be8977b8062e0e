import { PREDICTION_PRIORITY } from '../server/jobs/fair-share';
import type { JobWithMetadata, PgBoss, WorkOptions } from 'pg-boss';
import { createDb } from '../server/db/client';
import type { WorkerDeps } from '../server/jobs/run-task.service';
import { projectRoot } from '../server/models/manifest';
import { createBoss, ensureQueues } from '../server/queue/boss';
import { HEARTBEAT_SECONDS, type QueueName } from '../server/queue/catalog';
import type { KubernetesConfig } from './executors/kubernetes/config';
import { createExecutors } from './executors/registry';
import { startHeartbeat } from './heartbeat';
import { startSweeper } from './sweeper';
import { bindHandler } from './handlers';
import { startWaker } from './waker';

export interface WorkerHandle {
  stop: () => Promise<void>;
}

export interface WorkerOptions {
  databaseUrl: string;
  /** Warm processes per model version (MODEL_POOL_SIZE). */
  poolSize?: number;
  /** Tasks one fetch loop takes at once (WORKER_BATCH_SIZE). */
  batchSize?: number;
  /** Independent fetch loops (WORKER_CONCURRENCY): a loop held by a slow model leaves the others free. */
  concurrency?: number;
  /** Tasks of one model version running at once on this worker (WORKER_VERSION_CONCURRENCY). */
  versionConcurrency?: number;
  /** Cross-validation folds retrained at once on this worker (EVALUATION_FOLD_CONCURRENCY, default 1). */
  foldConcurrency?: number;
  /** Longest stdout line a model may print (MODEL_MAX_LINE_BYTES, default 16 MiB). */
  maxLineBytes?: number;
  /** The Kubernetes executor's settings; unset: from GATEWAY_K8S_* (off unless enabled), false: off. */
  kubernetes?: KubernetesConfig | false;
  log?: (line: string) => void;
}

/** Starts pg-boss, retrying while the database cannot be reached yet (it may still be starting). */
async function startBoss(url: string, log: (line: string) => void): Promise<PgBoss> {
  for (let attempt = 1, delay = 500; ; attempt++, delay = Math.min(delay * 2, 10_000)) {
    const boss = createBoss({ connectionString: url, role: 'worker' });
    try {
      await boss.start();
      await ensureQueues(boss);
      return boss;
    } catch (e) {
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      if (attempt === 1 || attempt % 10 === 0) log(`cannot reach the database yet (${(e as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Starts consuming the task, aggregation and dead-letter queues; resolves once the worker is listening. */
export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const log = opts.log ?? ((l: string) => console.log(`[worker] ${l}`));
  const { db, pool } = createDb(opts.databaseUrl, 10);
  const boss = await startBoss(opts.databaseUrl, log);
  const poolSize = opts.poolSize ?? 2;
  const executors = createExecutors({ root: projectRoot, poolSize, maxLineBytes: opts.maxLineBytes, db, kubernetes: opts.kubernetes, log });
  // E.g. the Kubernetes executor reconciles the Jobs a previous worker left; it logs its own trouble.
  for (const e of executors.values()) void e.start?.();
  const deps: WorkerDeps = { db, boss, executors, log, versions: new Map() };

  const heartbeat = startHeartbeat(db, [...executors.keys()], log);
  const sweeper = startSweeper(db, log);
  // Of the task loops, a new task wakes one idle loop and the urgent one, not all seven.
  const waker = await startWaker(boss, { sparing: ['task.run'], log });
  const polling = { includeMetadata: true, perJobResults: true, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1, heartbeatRefreshSeconds: HEARTBEAT_SECONDS / 2 };
  const consume = async (queue: QueueName, options: WorkOptions) => {
    const handle = heartbeat.counting(bindHandler(deps, queue));
    const batchSize = options.batchSize ?? 1;
    await boss.work(queue, { ...polling, ...options }, async (jobs) => {
      // A bulk insert notifies once: each full batch wakes the next loop, so they ramp up.
      if (batchSize > 1 && jobs.length >= batchSize) waker.batchFilled(queue);
      return Promise.all((jobs as JobWithMetadata<unknown>[]).map(handle));
    });
  };
  await consume('task.run', {
    batchSize: opts.batchSize ?? 2,
    burstWhenBatchFull: true,
    localConcurrency: opts.concurrency ?? 6,
    // Tasks are grouped by version at enqueue: a hanging model holds at most this many slots.
    localGroupConcurrency: opts.versionConcurrency ?? poolSize,
  });
  // One loop more, for single predictions only and outside the versions' caps (with one warm
  // process beyond a version's pool: RunOptions.urgent), so a screen that fills its model's
  // slots holds a prediction back by no more than the queue's own hop. A hanging model can take
  // this loop too, for one timeout at a time; the loops above still take predictions first.
  await consume('task.run', { batchSize: 1, localConcurrency: 1, minPriority: PREDICTION_PRIORITY });
  await consume('consensus.aggregate', { batchSize: 1, localConcurrency: 2 });
  await consume('task.dead', { batchSize: 4 });
  await consume('consensus.dead', { batchSize: 4 });
  // Retraining a fold takes a core for seconds to minutes: one at a time per worker (EVALUATION_FOLD_CONCURRENCY).
  await consume('evaluation.fold', { batchSize: 1, localConcurrency: opts.foldConcurrency ?? 1 });
  await consume('evaluation.dead', { batchSize: 4 });
  // A delivery waits on a receiver for up to 10 s: several at once, apart from the tasks' loops.
  await consume('webhook.deliver', { batchSize: 4, localConcurrency: 2 });
  await consume('webhook.dead', { batchSize: 4 });
  await consume('results.sort-index', { batchSize: 1, localConcurrency: 1 });
  log('listening on task.run, consensus.aggregate, evaluation.fold, webhook.deliver (and their dead letters), results.sort-index');

  return {
    async stop() {
      await waker.stop();
      await boss.stop({ graceful: true, timeout: 15_000 });
      sweeper.stop();
      await heartbeat.stop();
      await Promise.all([...executors.values()].map((e) => e.close()));
      await db.destroy().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

const numberFromEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('[worker] DATABASE_URL is not set; run `npm start`, which starts the database and the worker together.');
    process.exit(2);
  }
  const worker = await startWorker({
    databaseUrl,
    poolSize: numberFromEnv('MODEL_POOL_SIZE'),
    batchSize: numberFromEnv('WORKER_BATCH_SIZE'),
    concurrency: numberFromEnv('WORKER_CONCURRENCY'),
    versionConcurrency: numberFromEnv('WORKER_VERSION_CONCURRENCY'),
    foldConcurrency: numberFromEnv('EVALUATION_FOLD_CONCURRENCY'),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error('[worker] failed to start:', e);
    process.exit(1);
  });
}

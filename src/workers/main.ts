import { createDb } from '../server/db/client';
import { projectRoot } from '../server/models/manifest';
import { createBoss, ensureQueues } from '../server/queue/boss';
import { createExecutors } from './executors/registry';
import { bindHandler } from './handlers';
import type { WorkerDeps } from '../server/jobs/run-task.service';

export interface WorkerHandle {
  stop: () => Promise<void>;
}

/** Starts consuming `task.run`; resolves once the worker is listening. */
export async function startWorker(opts: {
  databaseUrl: string;
  poolSize?: number;
  batchSize?: number;
  log?: (line: string) => void;
}): Promise<WorkerHandle> {
  const log = opts.log ?? ((l: string) => console.log(`[worker] ${l}`));
  const { db, pool } = createDb(opts.databaseUrl, 10);
  const boss = createBoss({ connectionString: opts.databaseUrl, role: 'worker' });
  await boss.start();
  await ensureQueues(boss);
  const executors = createExecutors({ root: projectRoot, poolSize: opts.poolSize ?? 2, db, log });
  const deps: WorkerDeps = { db, boss, executors, log, versions: new Map() };
  const runTask = bindHandler(deps, 'task.run');
  const aggregate = bindHandler(deps, 'consensus.aggregate');

  await boss.work(
    'task.run',
    {
      batchSize: opts.batchSize ?? 4,
      includeMetadata: true,
      perJobResults: true,
      burstWhenBatchFull: true,
      pollingIntervalSeconds: 2,
      // With NOTIFY on, an idle worker would otherwise poll only every 30 s.
      notifyPollingIntervalSeconds: 2,
    },
    async (jobs) => Promise.all(jobs.map(runTask)),
  );
  await boss.work(
    'consensus.aggregate',
    { batchSize: 2, includeMetadata: true, perJobResults: true, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
    async (jobs) => Promise.all(jobs.map(aggregate)),
  );
  log('listening on task.run and consensus.aggregate');

  return {
    async stop() {
      await boss.stop({ graceful: true, timeout: 15_000 });
      await Promise.all([...executors.values()].map((e) => e.close()));
      await db.destroy().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('[worker] DATABASE_URL is not set; run `npm start`, which starts the database and the worker together.');
    process.exit(2);
  }
  const worker = await startWorker({
    databaseUrl,
    poolSize: Number(process.env.MODEL_POOL_SIZE ?? 2),
    batchSize: Number(process.env.WORKER_BATCH_SIZE ?? 4),
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

import type { Db } from '../server/db/client';
import { foldActiveCounters } from '../server/quotas/quotas.repository';
import { sweepUploads } from '../server/uploads/sweep';

const SWEEP_EVERY_MS = 60_000;

/**
 * Once a minute: sweeps uploads a crash or time left behind (src/server/uploads/sweep.ts), and
 * folds the active-job counters of database connections that are gone (db/migrations/0070).
 */
export function startSweeper(db: Db, log: (line: string) => void): { stop: () => void } {
  // The database is briefly away: the next sweep tries again.
  const skipped = (what: string) => (e: unknown) => log(`${what} skipped: ${(e as Error).message}`);
  const run = () => {
    void sweepUploads(db).then(({ interrupted, expired }) => {
      if (interrupted) log(`${interrupted} upload(s) cut off while arriving were failed`);
      if (expired) log(`${expired} upload(s) not submitted within the retention expired`);
    }, skipped('upload sweep'));
    void foldActiveCounters(db).catch(skipped('active-job counter fold'));
  };
  run();
  const timer = setInterval(run, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

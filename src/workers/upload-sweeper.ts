import type { Db } from '../server/db/client';
import { sweepUploads } from '../server/uploads/sweep';

const SWEEP_EVERY_MS = 60_000;

/** Sweeps uploads a crash or time left behind (src/server/uploads/sweep.ts) once a minute. */
export function startUploadSweeper(db: Db, log: (line: string) => void): { stop: () => void } {
  const run = () =>
    sweepUploads(db).then(
      ({ interrupted, expired }) => {
        if (interrupted) log(`${interrupted} upload(s) cut off while arriving were failed`);
        if (expired) log(`${expired} upload(s) not submitted within the retention expired`);
      },
      // The database is briefly away: the next sweep tries again.
      (e) => log(`upload sweep skipped: ${(e as Error).message}`),
    );
  void run();
  const timer = setInterval(() => void run(), SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

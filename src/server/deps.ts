import type { PgBoss } from 'pg-boss';
import { getDb, type Db } from './db/client';
import { JobWatcher } from './jobs/job-watcher';
import { createBoss } from './queue/boss';

/** Process-wide handles the web app shares between requests. */
export interface ServerDeps {
  db: Db;
  boss: () => Promise<PgBoss>;
  watcher: JobWatcher;
}

const g = globalThis as unknown as { __gatewayDeps?: ServerDeps };

export function getServerDeps(): ServerDeps {
  if (!g.__gatewayDeps) {
    const url = process.env.DATABASE_URL!;
    let started: Promise<PgBoss> | undefined;
    g.__gatewayDeps = {
      db: getDb(),
      boss: () => (started ??= createBoss({ connectionString: url, role: 'web' }).start()),
      watcher: new JobWatcher(url),
    };
  }
  return g.__gatewayDeps;
}

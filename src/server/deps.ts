import type { PgBoss } from 'pg-boss';
import { getDb, type Db } from './db/client';
import { toAppError } from './errors';
import { JobWatcher } from './jobs/job-watcher';
import { createBoss } from './queue/boss';

/**
 * What services need from the process: the database, the queue and the job watcher. Every
 * service operation takes `(deps, viewer, input)`; the web, the workers and the tests build one.
 */
export interface Deps {
  db: Db;
  boss: PgBoss;
  watcher: JobWatcher;
}

const g = globalThis as unknown as { __gatewayDeps?: { db: Db; watcher: JobWatcher; boss?: Promise<PgBoss> } };

function shared() {
  if (!g.__gatewayDeps) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`, which provides one.');
    g.__gatewayDeps = { db: getDb(), watcher: new JobWatcher(url) };
  }
  return g.__gatewayDeps;
}

/** The web process's database handle (no queue needed). */
export function getDbDeps(): Pick<Deps, 'db'> {
  return { db: shared().db };
}

/**
 * The web process's handles, shared between requests. The queue client starts on first use and
 * is retried on the next call when the database was unreachable.
 */
export async function getServerDeps(): Promise<Deps> {
  const s = shared();
  s.boss ??= createBoss({ connectionString: process.env.DATABASE_URL!, role: 'web' })
    .start()
    .catch((e) => {
      s.boss = undefined;
      throw toAppError(e);
    });
  return { db: s.db, watcher: s.watcher, boss: await s.boss };
}

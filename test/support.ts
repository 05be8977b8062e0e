/**
 * What integration tests share: a fresh database cloned from the migrated template, the web's
 * queue client and job watcher, optionally a real worker, and waiting for a job by its condition.
 */
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Db } from '../src/server/db/client';
import type { Deps } from '../src/server/deps';
import { getJob } from '../src/server/jobs/jobs.service';
import { JobWatcher } from '../src/server/jobs/job-watcher';
import { TERMINAL_STATUSES, type Job } from '../src/server/jobs/jobs.types';
import { withFolderBundle } from '../src/server/bundles/model-folder';
import { publishTrustedManifest } from '../src/server/models/builtins.service';
import { loadManifest } from '../src/server/models/manifest';
import type { TModelManifest } from '../src/server/models/models.schema';
import { createBoss } from '../src/server/queue/boss';
import { getViewer, registerUser } from '../src/server/users/users.service';
import type { Role, Viewer } from '../src/server/users/viewer';
import { scopesForRole } from '../src/shared/permissions';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../src/workers/main';
import { createTestDatabase, type TestDatabase } from './db';

export const fixtureModelsDir = path.resolve(import.meta.dirname, 'fixtures/models');

export interface TestGateway {
  t: TestDatabase;
  db: Db;
  boss: PgBoss;
  watcher: JobWatcher;
  /** What services take: `(gw.deps, viewer, input)`. */
  deps: Deps;
  worker?: WorkerHandle;
  stop: () => Promise<void>;
}

/** A database of its own, the queue and the watcher, and a worker unless `worker: false`. */
export async function startTestGateway(o: { worker?: false | Omit<WorkerOptions, 'databaseUrl'> } = {}): Promise<TestGateway> {
  const t = await createTestDatabase();
  const boss = await createBoss({ connectionString: t.url, role: 'web' }).start();
  const watcher = new JobWatcher(t.url);
  const worker = o.worker === false ? undefined : await startWorker({ databaseUrl: t.url, log: () => {}, ...o.worker });
  return {
    t,
    db: t.db,
    boss,
    watcher,
    deps: { db: t.db, boss, watcher },
    worker,
    async stop() {
      await worker?.stop();
      await watcher.close();
      await boss.stop({ graceful: false, close: true });
      await t.drop();
    },
  };
}

/** Waits until the job ends (the condition, never a fixed sleep) and returns it. */
export async function waitForJob(deps: Pick<Deps, 'db'>, viewer: Viewer, jobId: string, timeoutMs = 120_000, pollMs = 100): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(deps, viewer, { jobId });
    if (TERMINAL_STATUSES.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} (${job.itemsDone}+${job.itemsFailed}/${job.itemsTotal})`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export type FixtureModel = 'echo' | 'crash' | 'hang' | 'garbage' | 'chatty' | 'slow' | 'bigline';

/** A fixture's manifest with its folder stored as a bundle (a user's model: it runs sandboxed). */
export async function fixtureManifest(db: Db, name: FixtureModel, patch: Partial<TModelManifest> = {}) {
  const dir = path.join(fixtureModelsDir, name);
  return withFolderBundle(db, dir, { ...(await loadManifest(dir)).manifest, ...patch });
}

/** Registers a test model from test/fixtures/models/<name> through the trusted path, as a bundle. */
export async function registerFixtureModel(db: Db, name: FixtureModel, patch: Partial<TModelManifest> = {}) {
  return publishTrustedManifest({ db }, { manifest: await fixtureManifest(db, name, patch), builtIn: false });
}

let n = 0;
/**
 * An account through the trusted path (the FIRST account of a fresh database becomes admin), with
 * a role and teams when given; returned as an in-process caller's viewer.
 */
export async function createUser(db: Db, label = 'user', o: { role?: Role; teamIds?: string[] } = {}): Promise<Viewer> {
  const viewer = await registerUser({ db }, null, { email: `${label}-${Date.now()}-${n++}@example.test`, password: 'correct horse battery', role: o.role });
  if (!o.teamIds?.length) return viewer;
  await db.insertInto('team_members').values(o.teamIds.map((teamId) => ({ team_id: teamId, user_id: viewer.id }))).execute();
  return (await getViewer({ db }, viewer.id))!;
}

/** A viewer that is not in the database (for services that never read the account). */
export function fakeViewer(p: Partial<Viewer> = {}): Viewer {
  const role = p.role ?? 'member';
  return { id: '00000000-0000-0000-0000-000000000001', email: 'nobody@example.test', role, teamIds: [], scopes: [...scopesForRole(role)], auth: { kind: 'internal' }, ...p };
}

/** A team, straight into the database. */
export async function createTeam(db: Db, name = 'team'): Promise<string> {
  const row = await db.insertInto('teams').values({ name: `${name}-${Date.now()}-${n++}` }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Polls `condition` until it holds (or throws after `timeoutMs`): waiting for a state, never a fixed sleep. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

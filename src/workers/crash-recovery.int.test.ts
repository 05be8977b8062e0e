import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../server/api/root';
import { JobWatcher } from '../server/jobs/job-watcher';
import { until } from '../../test/support';
import { createDb, type Db } from '../server/db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../server/db/embedded';
import * as jobs from '../server/jobs/jobs.service';
import { projectRoot } from '../server/models/manifest';
import { createBoss } from '../server/queue/boss';
import { prepareDatabase } from '../server/setup';
import { registerUser } from '../server/users/users.service';
import type { Viewer } from '../server/users/viewer';

// A whole job survives its workers being killed and its database restarting: real worker
// processes, a PostgreSQL of this test's own (so restarting it disturbs no other test file).

let dir: string;
let server: EmbeddedDatabase;
let url: string;
let db: Db;
let boss: PgBoss;
let user: Viewer;
const workers: ChildProcess[] = [];
const workerLog: string[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => workerLog.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => workerLog.push(d.toString()));
  workers.push(child);
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-crash-'));
  await fs.chmod(dir, 0o755);
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), ephemeral: true, keepData: true });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query('create database gateway');
  await admin.end();
  url = server.url('gateway');
  await prepareDatabase(url);
  ({ db } = createDb(url, 4));
  boss = await createBoss({ connectionString: url, role: 'web' }).start();
  user = await registerUser({ db }, null, { email: 'crash@example.test', password: 'correct horse battery' });
});

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await boss?.stop({ graceful: false, close: true }).catch(() => {});
  await db?.destroy().catch(() => {});
  await server?.stop().catch(() => {});
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function progress(jobId: string) {
  const job = await jobs.getJob({ db }, user, { jobId }).catch(() => undefined); // the database may be restarting
  return job ? job.itemsDone + job.itemsFailed : -1;
}

describe('crash recovery', () => {
  it('a 5,000-item job survives 3 worker SIGKILLs and a PostgreSQL restart: one result per item, counts right, and it ends', async () => {
    const inputs = Array.from({ length: 5000 }, (_, i) => ({ smiles: `${'C'.repeat((i % 25) + 1)}${i % 3 ? 'O' : 'N'}` }));
    const job = await jobs.submitJob({ db, boss }, user, { model: 'rdkit-descriptors', inputs });
    expect(job.tasksTotal).toBe(50);

    let worker = startWorkerProcess();
    for (const threshold of [400, 1500, 2600]) {
      await until(async () => (await progress(job.id)) >= threshold, `${threshold} items are done`, 180_000, 100);
      await kill(worker); // SIGKILL: no cleanup, its tasks are left claimed
      worker = startWorkerProcess();
    }
    await until(async () => (await progress(job.id)) >= 3600, '3600 items are done', 180_000, 100);
    await server.stop(); // the database goes away under a working worker…
    await server.start(); // …and comes back on the same port

    await until(
      async () => {
        const rows = await sql<{ status: string }>`select status from jobs where id = ${job.id}`.execute(db).catch(() => ({ rows: [] }));
        return ['succeeded', 'failed'].includes(rows.rows[0]?.status ?? '');
      },
      'the job ends',
      240_000,
      250,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\nworker log tail:\n${workerLog.join('').slice(-3000)}`);
    });

    const counts = await sql<{ results: number; items: number; succeeded: number; failed: number }>`
      select count(*)::int as results, count(distinct item_index)::int as items,
             count(*) filter (where status = 'succeeded')::int as succeeded,
             count(*) filter (where status = 'failed')::int as failed
      from results where job_id = ${job.id}`.execute(db);
    const ended = await jobs.getJob({ db }, user, { jobId: job.id });
    const { results, items, succeeded, failed } = counts.rows[0];
    console.log(`crash recovery: ${results} results for 5000 items (${succeeded} succeeded, ${failed} failed), job ${ended.status}`);
    expect(results).toBe(5000);
    expect(items).toBe(5000);
    expect(ended).toMatchObject({ itemsTotal: 5000, itemsDone: succeeded, itemsFailed: failed, tasksDone: 50 });
    expect(ended.status).toBe(succeeded > 0 ? 'succeeded' : 'failed');
    // Anything that failed says why (every attempt of its task was interrupted).
    const reasons = await db.selectFrom('results').select(['error_code', 'error']).where('job_id', '=', job.id).where('status', '=', 'failed').execute();
    for (const r of reasons) expect(r.error).toMatch(/attempt/);
  }, 600_000);

  it('answers 503 UNAVAILABLE, not 500, while the database is down', async () => {
    const watcher = new JobWatcher(url);
    const caller = createCaller({ db, boss, watcher, viewer: user });
    await server.stop();
    try {
      for (const call of [
        () => caller.models.predict({ model: 'rdkit-descriptors', input: { smiles: 'CCO' } }),
        () => caller.jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }] }),
        () => caller.models.list({}),
      ]) {
        const e = await call().then(() => undefined, (err: unknown) => err);
        expect(e).toBeInstanceOf(TRPCError);
        expect((e as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
        expect((e as TRPCError).message).toMatch(/database is unavailable/);
      }
    } finally {
      await server.start();
      await watcher.close();
    }
  });
});

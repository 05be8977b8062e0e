import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import type { Viewer } from '../users/viewer';
import * as repo from './jobs.repository';
import * as jobs from './jobs.service';
import { recordTaskOutcomes } from './run-task.service';

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
});

afterAll(async () => gw?.stop());

const queued = async (jobId: string) =>
  Number(
    (
      await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'task.run' and data->>'jobId' = ${jobId}`.execute(gw.db)
    ).rows[0].n,
  );

describe('submitting a job', () => {
  it('splits valid items into tasks of at most the batch size and enqueues one queue job per task', async () => {
    const inputs = Array.from({ length: 230 }, (_, i) => ({ smiles: i === 7 ? 'C1CC(' : 'C'.repeat((i % 20) + 1) }));
    const job = await jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors@1', inputs });
    expect(job).toMatchObject({ status: 'queued', itemsTotal: 230, itemsFailed: 1, itemsDone: 0, tasksTotal: 3, model: 'rdkit-descriptors', version: 1 });
    const tasks = await gw.db.selectFrom('tasks').select(['task_index', 'items']).where('job_id', '=', job.id).orderBy('task_index').execute();
    expect(tasks.map((x) => x.items.length)).toEqual([100, 100, 29]);
    expect(tasks.flatMap((x) => x.items.map((i) => i.index))).not.toContain(7);
    expect(await queued(job.id)).toBe(3);
  });

  it('writes nothing at all when enqueueing fails inside the transaction', async () => {
    const before = await gw.db.selectFrom('jobs').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const broken = { insert: async () => Promise.reject(new Error('queue unavailable')) } as unknown as PgBoss;
    await expect(jobs.submitJob({ ...gw.deps, boss: broken }, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }, { smiles: 'x' }] })).rejects.toThrow(
      'queue unavailable',
    );
    const after = await gw.db.selectFrom('jobs').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('ends a job at once as failed when every item is refused, with a message per item', async () => {
    const job = await jobs.submitJob(gw.deps, alice, { model: 'esol-solubility', inputs: [{ smiles: 'not_a_smiles' }, { smile: 'CCO' }] });
    expect(job).toMatchObject({ status: 'failed', itemsFailed: 2, tasksTotal: 0 });
    const { items } = await jobs.listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 });
    expect(items[0].error).toMatch(/not a valid SMILES/);
    expect(items[1].error).toMatch(/missing required field "smiles"/);
    expect(await queued(job.id)).toBe(0);
  });

  it('refuses an unknown model with NOT_FOUND and a bad reference with INVALID_INPUT', async () => {
    await expect(jobs.submitJob(gw.deps, alice, { model: 'no-such-model', inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no model named "no-such-model"/),
    });
    await expect(jobs.submitJob(gw.deps, alice, { model: 'esol-solubility@9', inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(jobs.submitJob(gw.deps, alice, { model: 'Bad Ref!', inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('recording task outcomes', () => {
  it('never counts an item twice when a task is retried, and settles the job once', async () => {
    const job = await jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: 'C' }, { smiles: 'CC' }] });
    const task = await gw.db.selectFrom('tasks').selectAll().where('job_id', '=', job.id).executeTakeFirstOrThrow();
    const items = new Map(task.items.map((i) => [i.index, i]));
    const meta = { executor: 'test', versionDigest: 'sha256:x', items };
    // One attempt wrote one item; a second attempt of the same task (the queue retried it after
    // an expiry while the first was still running) reports both.
    await recordTaskOutcomes(gw.deps, { id: task.id, jobId: job.id, attempt: 1 }, [{ index: 0, output: { v: 1 }, durationMs: 1 }], meta);
    const status = await recordTaskOutcomes(
      gw.deps,
      { id: task.id, jobId: job.id, attempt: 2 },
      [
        { index: 0, output: { v: 2 }, durationMs: 1 },
        { index: 1, error: 'boom', code: 'MODEL_ERROR', durationMs: 1 },
      ],
      meta,
    );
    expect(status).toBe('succeeded');
    const after = await jobs.getJob(gw.deps, alice, { jobId: job.id });
    expect(after).toMatchObject({ itemsDone: 1, itemsFailed: 1, tasksDone: 1, status: 'succeeded' });
    const { items: rows } = await jobs.listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 });
    expect(rows[0]).toMatchObject({ output: { v: 1 }, attempt: 1 }); // the first write wins
  });

  it('does not resurrect a cancelled job', async () => {
    const job = await jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: 'C' }] });
    await jobs.cancelJob(gw.deps, alice, { jobId: job.id });
    const task = await gw.db.selectFrom('tasks').selectAll().where('job_id', '=', job.id).executeTakeFirstOrThrow();
    await recordTaskOutcomes(gw.deps, { id: task.id, jobId: job.id, attempt: 1 }, [{ index: 0, output: {}, durationMs: 1 }], {
      executor: 'test',
      versionDigest: 'x',
      items: new Map(),
    });
    expect((await jobs.getJob(gw.deps, alice, { jobId: job.id })).status).toBe('cancelled');
    await expect(jobs.cancelJob(gw.deps, alice, { jobId: job.id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('authorization', () => {
  it("hides one user's job and results from another, and lists only one's own", async () => {
    const job = await jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }] });
    await expect(jobs.getJob(gw.deps, bob, { jobId: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(jobs.listResults(gw.deps, bob, { jobId: job.id, limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(jobs.cancelJob(gw.deps, bob, { jobId: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const bobs = await jobs.listJobs(gw.deps, bob, { limit: 50, offset: 0 });
    expect(bobs.items.map((j) => j.id)).not.toContain(job.id);
    expect((await repo.findJob(gw.db, job.id))?.ownerId).toBe(alice.id);
  });
});

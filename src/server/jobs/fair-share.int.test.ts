import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createUser, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { startWorker, type WorkerHandle } from '../../workers/main';
import type { Viewer } from '../users/viewer';
import { PREDICTION_PRIORITY, SMALL_JOB_ITEMS, SMALL_JOB_PRIORITY } from './fair-share';
import * as jobs from './jobs.service';
import { predictOne } from './predict.service';

let gw: TestGateway;
let worker: WorkerHandle | undefined;
let alice: Viewer;
let bob: Viewer;
let model = '';

beforeAll(async () => {
  // No worker yet: everything is queued first, so the order the worker then takes is the queue's alone.
  gw = await startTestGateway({ worker: false });
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
  // A built-in of 100 items a task: a 1,000-item screen is 10 tasks.
  model = 'rdkit-descriptors@1';
  await registerFixtureModel(gw.db, 'hang');
});

afterAll(async () => {
  await worker?.stop();
  await gw?.stop();
});

const inputs = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ smiles: `${'C'.repeat((i % 30) + 1)}${tag}` }));

/** The queue priorities of a job's task.run messages, by task index. */
async function priorities(jobId: string): Promise<number[]> {
  const r = await sql<{ priority: number }>`
    select q.priority from pgboss.job q join tasks t on t.id = (q.data->>'taskId')::uuid
    where q.name = 'task.run' and q.data->>'jobId' = ${jobId} order by t.task_index`.execute(gw.db);
  return r.rows.map((x) => x.priority);
}

describe('fair share between two users', () => {
  let screenA1: string, screenA2: string, screenB: string, smallB: string, predictionB: string;

  it('gives predictions and small jobs fixed bands above screens, and each owner consecutive levels below their own backlog', async () => {
    screenA1 = (await jobs.submitJob(gw.deps, alice, { model, inputs: inputs(SMALL_JOB_ITEMS, 'O'), label: 'A screen 1' })).id;
    screenA2 = (await jobs.submitJob(gw.deps, alice, { model, inputs: inputs(SMALL_JOB_ITEMS, 'N'), label: 'A screen 2' })).id;
    screenB = (await jobs.submitJob(gw.deps, bob, { model, inputs: inputs(SMALL_JOB_ITEMS, 'S'), label: 'B screen' })).id;
    smallB = (await jobs.submitJob(gw.deps, bob, { model, inputs: inputs(20, 'F'), label: 'B small' })).id;
    predictionB = (await jobs.submitJob(gw.deps, bob, { model, inputs: [{ smiles: 'CCO' }], label: 'B prediction' })).id;

    const levels = Array.from({ length: 10 }, (_, i) => 0 - i);
    expect(await priorities(screenA1)).toEqual(levels);
    // Alice's second screen queues behind her first; Bob's first screen shares the top levels with hers.
    expect(await priorities(screenA2)).toEqual(levels.map((l) => l - 10));
    expect(await priorities(screenB)).toEqual(levels);
    expect(await priorities(smallB)).toEqual([SMALL_JOB_PRIORITY]);
    expect(await priorities(predictionB)).toEqual([PREDICTION_PRIORITY]);
  });

  it('runs Bob\'s prediction before Alice\'s screen ends, and Bob\'s screen interleaved with hers', async () => {
    // One task at a time, so the start order is exactly the queue's order.
    worker = await startWorker({ databaseUrl: gw.t.url, log: () => {}, poolSize: 1, batchSize: 1, concurrency: 1 });
    for (const [viewer, id] of [[alice, screenA1], [alice, screenA2], [bob, screenB], [bob, smallB], [bob, predictionB]] as const) {
      const job = await waitForJob(gw.deps, viewer, id, 300_000);
      if (job.status !== 'succeeded') console.log(job.label, JSON.stringify((await jobs.listResults(gw.deps, viewer, { jobId: id, limit: 3, offset: 0 })).items));
      expect(job.status).toBe('succeeded');
    }
    const started = await sql<{ job_id: string }>`
      select job_id from tasks where job_id = any(${[screenA1, screenA2, screenB, smallB, predictionB]}::uuid[]) order by started_at, task_index`.execute(gw.db);
    const order = started.rows.map((r) => ({ [screenA1]: 'A1', [screenA2]: 'A2', [screenB]: 'B', [smallB]: 'b-small', [predictionB]: 'b-prediction' })[r.job_id]);
    // The prediction may be taken by the worker's loop for predictions, beside the others: it
    // starts before any screen task. The rest: the small job, then Alice's first screen and Bob's
    // task by task, then Alice's second.
    expect(order.indexOf('b-prediction')).toBeLessThan(order.indexOf('A1'));
    expect(order.filter((o) => o !== 'b-prediction')).toEqual(['b-small', ...Array.from({ length: 10 }, () => ['A1', 'B']).flat(), ...Array.from({ length: 10 }, () => 'A2')]);
    const finished = async (id: string) => (await gw.db.selectFrom('jobs').select('finished_at').where('id', '=', id).executeTakeFirstOrThrow()).finished_at!;
    expect((await finished(predictionB)).getTime()).toBeLessThan((await finished(screenA1)).getTime());
  });

  it('starts a newcomer\'s screen at the level the queue is on, not behind everything already queued', async () => {
    await worker?.stop();
    worker = undefined;
    const a = await jobs.submitJob(gw.deps, alice, { model, inputs: inputs(3 * SMALL_JOB_ITEMS, 'Cl'), label: 'A screen 3' });
    const head = (await priorities(a.id))[0];
    const b = await jobs.submitJob(gw.deps, bob, { model, inputs: inputs(SMALL_JOB_ITEMS, 'Br'), label: 'B screen 2' });
    expect((await priorities(b.id))[0]).toBe(head);
    await jobs.cancelJob(gw.deps, alice, { jobId: a.id });
    await jobs.cancelJob(gw.deps, bob, { jobId: b.id });
  });
});

describe('a prediction beside a screen that fills its model\'s slots', () => {
  it('is answered by the worker\'s loop for predictions, with a process beyond the pool, while the screen\'s task still holds the slot', async () => {
    // One loop, one slot and one warm process per version: the screen's task takes all three.
    worker = await startWorker({ databaseUrl: gw.t.url, log: () => {}, poolSize: 1, batchSize: 1, concurrency: 1 });
    // test-hang never answers a SMILES with an N: the screen's one task holds its slot until its timeouts run out.
    const screen = await jobs.submitJob(gw.deps, alice, { model: 'test-hang', inputs: Array.from({ length: 5 }, (_, i) => ({ smiles: `N${'C'.repeat(i + 1)}` })), label: 'hanging screen' });
    await until(async () => (await jobs.getJob(gw.deps, alice, { jobId: screen.id })).status === 'running', 'the screen is running');
    const p = await predictOne(gw.deps, bob, { model: 'test-hang', input: { smiles: 'CCO' } });
    expect(p.error ?? null).toBeNull();
    expect(p.output).toMatchObject({ smiles: 'CCO', length: 3 });
    const held = await gw.db.selectFrom('results').select(sql<number>`count(*)::int`.as('n')).where('job_id', '=', screen.id).executeTakeFirstOrThrow();
    expect(held.n).toBe(0);
    await jobs.cancelJob(gw.deps, alice, { jobId: screen.id });
  });
});

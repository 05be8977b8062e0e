import { sql } from 'kysely';
import pg from 'pg';
import type { PgBoss, WipData } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/client';
import { PREDICTION_PRIORITY } from '../server/jobs/fair-share';
import * as jobs from '../server/jobs/jobs.service';
import { predictOne } from '../server/jobs/predict.service';
import { createBoss } from '../server/queue/boss';
import type { Viewer } from '../server/users/viewer';
import { createUser, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../test/support';
import { startWaker, type Waker } from './waker';

/** The backend the waker listens on (pg-boss's LISTEN, then its heartbeat's query). */
async function listenerPid(db: Db): Promise<number | undefined> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity
    where datname = current_database() and (query like 'LISTEN "pgboss\\_%' or query like '%FROM pg\\_listening\\_channels() AS active%')`.execute(db);
  return rows[0]?.pid;
}

async function killListener(db: Db): Promise<number> {
  const pid = await listenerPid(db);
  expect(pid).toBeDefined();
  await sql`select pg_terminate_backend(${pid})`.execute(db);
  await until(async () => ((await listenerPid(db)) ?? pid) !== pid, 'the waker listens on a new connection');
  return pid!;
}

describe('a worker woken by the waker', () => {
  let gw: TestGateway;
  let viewer: Viewer;
  // Fetches of task.run on any connection of this process: only the worker fetches.
  let fetches = 0;
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      if (text?.includes("j.name = 'task.run'") && text.includes('SKIP LOCKED')) fetches++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    gw = await startTestGateway({ worker: { poolSize: 2 } });
    await registerFixtureModel(gw.db, 'echo');
    viewer = await createUser(gw.db);
  });

  afterAll(async () => {
    pg.Client.prototype.query = query;
    await gw?.stop();
  });

  let molecule = 0;
  /** Task.run fetches during one prediction of a molecule not predicted before (no cache hit). */
  async function fetchesOfOnePrediction(): Promise<number> {
    const before = fetches;
    const p = await predictOne(gw.deps, viewer, { model: 'test-echo', input: { smiles: 'C'.repeat(++molecule) + 'O' } });
    expect(p.error).toBeFalsy();
    return fetches - before;
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  it('fetches task.run at most twice for one prediction on an idle worker (pg-boss woke all seven loops)', async () => {
    await fetchesOfOnePrediction(); // starts the model's processes
    const counts: number[] = [];
    for (let i = 0; i < 7; i++) counts.push(await fetchesOfOnePrediction());
    // Each loop also polls once a second, which can land inside a prediction: the median.
    expect(median(counts)).toBeGreaterThanOrEqual(1);
    expect(median(counts)).toBeLessThanOrEqual(2);
  });

  it('finishes every task of a burst', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({ smiles: 'C'.repeat((i % 20) + 1) + 'N' }));
    const submitted = await jobs.submitJob(gw.deps, viewer, { model: 'test-echo', inputs });
    expect(submitted.tasksTotal).toBe(30); // the echo model's batch size is 10
    const job = await waitForJob(gw.deps, viewer, submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 300, tasksDone: 30 });
  });

  it('still predicts, woken, after its listening connection is killed', async () => {
    await killListener(gw.db);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push(await fetchesOfOnePrediction());
    expect(median(counts)).toBeLessThanOrEqual(2);
  });
});

// The same loops as the worker's on task.run, polling every 120 s: within a test, only the waker
// makes a loop fetch, so which loops fetched says whom it woke.
describe('the waker on loops that poll rarely', () => {
  let gw: TestGateway;
  let boss: PgBoss;
  let waker: Waker;
  let gate: Promise<void> = Promise.resolve();
  let done = 0;

  const loops = () => boss.getWipData().filter((l) => l.name === 'task.run');
  const fetchedOn = () => new Map(loops().map((l) => [l.id, l.lastFetchedOn]));
  const fetchedSince = (before: Map<string, number | null>) => loops().filter((l) => l.lastFetchedOn !== before.get(l.id));
  const urgent = (l: WipData) => l.options.minPriority != null;

  beforeAll(async () => {
    gw = await startTestGateway({ worker: false });
    boss = await createBoss({ connectionString: gw.t.url, role: 'worker' }).start();
    waker = await startWaker(boss, { sparing: ['task.run'], log: () => {} });
    const handler = async (batch: unknown[]) => {
      if (batch.length >= 2) waker.batchFilled('task.run');
      await gate;
      done += batch.length;
    };
    const polling = { pollingIntervalSeconds: 120, heartbeatRefreshSeconds: 5 };
    await boss.work('task.run', { ...polling, batchSize: 2, localConcurrency: 6 }, handler);
    await boss.work('task.run', { ...polling, batchSize: 1, minPriority: PREDICTION_PRIORITY }, handler);
    await until(() => loops().every((l) => l.lastFetchedOn !== null), 'every loop made its first fetch');
  });

  afterAll(async () => {
    await waker?.stop();
    await boss?.stop({ graceful: false, close: true });
    await gw?.stop();
  });

  it('wakes the idle urgent loop and one other idle loop for a prediction, not all seven', async () => {
    const before = fetchedOn();
    const start = done;
    await boss.send('task.run', {}, { priority: PREDICTION_PRIORITY });
    await until(() => done === start + 1 && fetchedSince(before).length >= 2, 'the prediction ran and both woken loops fetched');
    const woken = fetchedSince(before);
    expect(woken).toHaveLength(2);
    expect(woken.filter(urgent)).toHaveLength(1);
  });

  it('wakes one more loop for each full batch, so a bulk insert reaches every loop', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const start = done;
    await boss.insert('task.run', Array.from({ length: 12 }, () => ({ data: {} }))); // one notification
    await until(() => loops().filter((l) => !urgent(l) && l.count === 2).length === 6, 'all six loops hold a full batch');
    open();
    await until(() => done === start + 12, 'the twelve jobs ran');
  });

  it('wakes every loop once it listens again after its connection was killed, and still hears new jobs', async () => {
    const before = fetchedOn();
    await killListener(gw.db);
    await until(() => fetchedSince(before).length === loops().length, 'every loop fetched after the reconnect');
    const start = done;
    await boss.send('task.run', {});
    await until(() => done === start + 1, 'a job sent after the reconnect ran');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from '../server/jobs/jobs.service';
import { predictOne } from '../server/jobs/predict.service';
import type { Job } from '../server/jobs/jobs.types';
import { publishTrustedManifest } from '../server/models/builtins.service';
import { registerManifest } from '../server/models/register.service';
import type { Viewer } from '../server/users/viewer';
import { createUser, fixtureManifest, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../test/support';

// Faults inside one worker: models that hang, chatter, flood or are cancelled fail their own
// items only, while other versions keep being served. Outcomes are asserted, never durations.

let gw: TestGateway;
let user: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: { poolSize: 1, versionConcurrency: 1, concurrency: 4, maxLineBytes: 4 * 1024 * 1024 } });
  user = await createUser(gw.db, 'faults');
  await registerFixtureModel(gw.db, 'echo');
  await registerFixtureModel(gw.db, 'chatty', { timeoutMs: 4000 });
  await registerFixtureModel(gw.db, 'slow', { timeoutMs: 4000 });
  await registerFixtureModel(gw.db, 'bigline', { timeoutMs: 20_000 });
  await registerFixtureModel(gw.db, 'hang', { slug: 'test-hang-long', timeoutMs: 600_000 });
  // 3 s: a fresh process's start-up counts against its first item, and in the sandbox every
  // process compiles its TypeScript afresh (its /tmp, where tsx caches, is its own).
  await registerFixtureModel(gw.db, 'slow', { slug: 'test-slow-idle', timeoutMs: 3000 });
  // Warm the echo model, so its process is up before the faults start.
  await predictOne(gw.deps, user, { model: 'test-echo', input: { smiles: 'C' } });
});

afterAll(async () => gw?.stop());

const results = async (jobId: string) => (await jobs.listResults(gw.deps, user, { jobId, limit: 500, offset: 0 })).items;
const status = async (jobId: string) => (await jobs.getJob(gw.deps, user, { jobId })).status;
const taskRunning = async (jobId: string) =>
  (await gw.db.selectFrom('tasks').select('status').where('job_id', '=', jobId).execute()).some((t) => t.status === 'running');

/** Starts a job on a misbehaving model and waits until the worker is running its task. */
async function startBadJob(model: string, smiles: string[]): Promise<Job> {
  const job = await jobs.submitJob(gw.deps, user, { model, inputs: smiles.map((s) => ({ smiles: s })) });
  await until(() => taskRunning(job.id), `a task of ${model} runs`);
  return job;
}

describe('one model cannot stall the worker for others', () => {
  it.each([
    // Progress belongs on stderr: lines on stdout that are not answers make it a protocol error.
    ['test-chatty', 'MODEL_PROTOCOL', /no answer within 4000 ms.*not JSON Lines answers: "progress: still working on CCN"/],
    ['test-slow', 'MODEL_TIMEOUT', /no answer within 4000 ms/],
  ])('%s fails its own item while another version answers during it', async (model, code, message) => {
    const bad = await startBadJob(model, ['CCN']);
    const p = await predictOne(gw.deps, user, { model: 'test-echo', input: { smiles: 'CCO' } });
    expect(p.error).toBeNull();
    expect(p.output).toEqual({ smiles: 'CCO', length: 3 });
    // The other model answered while the bad one was still being waited for.
    expect(await status(bad.id)).not.toMatch(/succeeded|failed|cancelled/);
    const ended = await waitForJob(gw.deps, user, bad.id);
    expect(ended).toMatchObject({ status: 'failed', itemsFailed: 1 });
    const [row] = await results(bad.id);
    expect(row.errorCode).toBe(code);
    expect(row.error).toMatch(message);
  });

  it('a model that floods stdout without a newline fails its item as a protocol error, and the worker survives', async () => {
    const bad = await startBadJob('test-bigline', ['CCN', 'CCO']);
    const p = await predictOne(gw.deps, user, { model: 'test-echo', input: { smiles: 'CCCl' } });
    expect(p.error).toBeNull();
    const ended = await waitForJob(gw.deps, user, bad.id);
    expect(ended).toMatchObject({ itemsDone: 1, itemsFailed: 1 });
    const failed = (await results(bad.id)).find((r) => r.status === 'failed')!;
    expect(failed.input.smiles).toBe('CCN');
    expect(failed.errorCode).toBe('MODEL_PROTOCOL');
    expect(failed.error).toMatch(/line longer than 4194304 bytes/);
  });

  it('cancelling a job whose model hangs kills the model and frees its slot', async () => {
    // Jobs of two items, not single predictions: those have a loop and a process of their own beside the version's slot.
    const bad = await startBadJob('test-hang-long', ['CCN', 'CCCN']);
    await jobs.cancelJob(gw.deps, user, { jobId: bad.id });
    // The version has one slot on this worker: the next job of the same version can only run
    // once the hung process of the cancelled one is gone (its timeout is 10 minutes).
    const next = await waitForJob(gw.deps, user, (await jobs.submitJob(gw.deps, user, { model: 'test-hang-long', inputs: [{ smiles: 'CCO' }, { smiles: 'CCCO' }] })).id);
    expect(next).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    const task = await gw.db.selectFrom('tasks').select(['status', 'error']).where('job_id', '=', bad.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'failed', error: 'job cancelled' });
    expect(await results(bad.id)).toEqual([]); // nothing was written for the cancelled item
    expect(await status(bad.id)).toBe('cancelled');
  });
});

describe('deadlines that hold', () => {
  it('a warm process idle for longer than its timeout still gets the whole timeout for the next items', async () => {
    await predictOne(gw.deps, user, { model: 'test-slow-idle', input: { smiles: 'C' } });
    const warmAt = Date.now();
    // The state under test is the process having been idle longer than its 3 s timeout.
    await until(() => Date.now() - warmAt > 3500, 'the warm process has been idle past its timeout', 10_000, 100);
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => predictOne(gw.deps, user, { model: 'test-slow-idle', input: { smiles: 'C'.repeat(i + 1) } })),
    );
    expect(answers.map((a) => a.error)).toEqual(Array(16).fill(null));
    expect(answers.map((a) => a.output?.length)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });
});

describe('every job ends', () => {
  it('a version whose output schema cannot be compiled gets a verdict, and its job ends', async () => {
    // The fixture as a bundle (with the shared models/_lib it imports), as a user uploads it.
    const manifest = await fixtureManifest(gw.db, 'echo');
    const broken = { ...manifest, slug: 'broken-output-schema', outputSchema: { type: 'no-such-type' } };
    // Through the users' path: refused at registration, or a failed smoke test — a verdict either way.
    const verdict = await registerManifest(gw.deps, user, { manifest: broken, publish: true }).then(
      (r) => ({ ok: r.smokeTest?.ok ?? false, code: r.smokeTest?.code }),
      (e) => ({ ok: false, code: (e as { code?: string }).code }),
    );
    expect(verdict.ok).toBe(false);
    expect(['INVALID_INPUT', 'MODEL_PROTOCOL']).toContain(verdict.code);

    // A version that got stored anyway (the trusted path does not smoke-test) still ends its jobs.
    await publishTrustedManifest(gw.deps, { manifest: { ...broken, slug: 'broken-trusted' }, builtIn: false });
    const job = await waitForJob(gw.deps, user, (await jobs.submitJob(gw.deps, user, { model: 'broken-trusted', inputs: [{ smiles: 'CC' }] })).id);
    expect(job).toMatchObject({ status: 'failed', itemsFailed: 1 });
    const [row] = await results(job.id);
    expect(row.errorCode).toBe('MODEL_PROTOCOL');
    expect(row.error).toMatch(/output schema cannot be used/);
  });

  it('a task whose every attempt fails ends its items with the reason', async () => {
    await publishTrustedManifest(gw.deps, {
      manifest: {
        slug: 'http-nowhere',
        name: 'Nowhere',
        version: 1,
        task: 'test/http',
        description: '',
        tags: [],
        requires: [],
        resources: {},
        batchSize: 10,
        timeoutMs: 2000,
        runtime: { kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'json' },
        inputSchema: { type: 'object', properties: { smiles: { type: 'string' } } },
        outputSchema: { type: 'object' },
      },
      builtIn: false,
    });
    const job = await waitForJob(gw.deps, user, (await jobs.submitJob(gw.deps, user, { model: 'http-nowhere', inputs: [{ smiles: 'C' }, { smiles: 'CC' }] })).id, 180_000);
    expect(job).toMatchObject({ status: 'failed', itemsFailed: 2 });
    const rows = await results(job.id);
    expect(rows.map((r) => r.errorCode)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(rows[0].attempt).toBe(4); // the first and three retries
  });
});

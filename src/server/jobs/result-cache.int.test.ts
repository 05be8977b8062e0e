import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createUser, fixtureManifest, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import { publishTrustedManifest } from '../models/builtins.service';
import type { ModelVersion } from '../models/models.types';
import { setVersionCache } from '../models/versions.service';
import type { Viewer } from '../users/viewer';
import * as jobs from './jobs.service';
import { predictOne } from './predict.service';
import { pastedInputKey } from './result-cache.repository';
import { recordTaskOutcomes } from './run-task.service';

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;
let echo: ModelVersion;

// The echo fixture without canonicalisation (so "FAIL" reaches it) and with an option beside the molecule.
const inputSchema = {
  type: 'object',
  properties: { smiles: { type: 'string' }, note: { type: 'string' } },
  required: ['smiles'],
  additionalProperties: false,
};

async function publishEcho(slug: string, patch: Record<string, unknown> = {}) {
  const manifest = { ...(await fixtureManifest(gw.db, 'echo')), slug, inputSchema, ...patch };
  return (await publishTrustedManifest(gw.deps, { manifest, builtIn: false })).version;
}

beforeAll(async () => {
  gw = await startTestGateway({ worker: { poolSize: 1, batchSize: 2 } });
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
  echo = await publishEcho('cache-echo');
});

afterAll(async () => gw?.stop());

async function run(viewer: Viewer, model: string, inputs: Record<string, unknown>[]) {
  const job = await jobs.submitJob(gw.deps, viewer, { model, inputs });
  const done = await waitForJob(gw.deps, viewer, job.id);
  const { items } = await jobs.listResults(gw.deps, viewer, { jobId: job.id, limit: 100, offset: 0 });
  return { job: done, items };
}

/** How many results of a version a model actually computed (not the cache) for a SMILES. */
async function computed(smiles: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from results where input->>'smiles' = ${smiles} and executor is distinct from 'cache'`.execute(gw.db);
  return rows[0].n;
}

const tasksOf = async (jobId: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from tasks where job_id = ${jobId}`.execute(gw.db)).rows[0].n);
const queuedOf = async (jobId: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'task.run' and data->>'jobId' = ${jobId}`.execute(gw.db)).rows[0].n);

describe('the result cache', () => {
  it('answers a second identical job from the cache at once, pointing at the first job, without running the model', async () => {
    const first = await run(alice, 'cache-echo', [{ smiles: 'CCO' }, { smiles: 'CCN' }]);
    expect(first.job).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    expect(first.items.every((r) => r.cachedFrom === null)).toBe(true);

    const second = await jobs.submitJob(gw.deps, alice, { model: 'cache-echo', inputs: [{ smiles: 'CCO' }, { smiles: 'CCN' }] });
    // Finished in its own transaction: no task, no queue entry.
    expect(second).toMatchObject({ status: 'succeeded', itemsDone: 2, tasksTotal: 0 });
    expect(second.finishedAt).not.toBeNull();
    expect(await tasksOf(second.id)).toBe(0);
    expect(await queuedOf(second.id)).toBe(0);
    const { items } = await jobs.listResults(gw.deps, alice, { jobId: second.id, limit: 10, offset: 0 });
    expect(items.map((r) => r.cachedFrom)).toEqual([
      { jobId: first.job.id, index: 0 },
      { jobId: first.job.id, index: 1 },
    ]);
    expect(items.map((r) => r.output)).toEqual(first.items.map((r) => r.output));
    expect(items.map((r) => r.durationMs)).toEqual([0, 0]);
    expect(await computed('CCO')).toBe(1);
    const rows = await gw.db.selectFrom('results').select(['executor', 'cpu_seconds']).where('job_id', '=', second.id).execute();
    expect(rows.every((r) => r.executor === 'cache' && r.cpu_seconds === null)).toBe(true);
  });

  it('answers a canonically equal molecule from the cache (the key is the prepared input)', async () => {
    const first = await run(alice, 'rdkit-descriptors', [{ smiles: 'OCC' }]);
    expect(first.job.status).toBe('succeeded');
    const again = await jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: 'C(O)C' }] });
    expect(again).toMatchObject({ status: 'succeeded', tasksTotal: 0 });
  });

  it('misses on other options beside the molecule, and on a version with other content', async () => {
    await run(alice, 'cache-echo', [{ smiles: 'CCCC' }]);
    const other = await jobs.submitJob(gw.deps, alice, { model: 'cache-echo', inputs: [{ smiles: 'CCCC', note: 'x' }] });
    expect(other).toMatchObject({ status: 'queued', tasksTotal: 1 });
    await waitForJob(gw.deps, alice, other.id);

    // Version 2 with another timeout: another digest, so its own cache.
    await publishEcho('cache-echo', { version: 2, timeoutMs: 4000 });
    const v2 = await jobs.submitJob(gw.deps, alice, { model: 'cache-echo@2', inputs: [{ smiles: 'CCCC' }] });
    expect(v2).toMatchObject({ status: 'queued', tasksTotal: 1 });
    await waitForJob(gw.deps, alice, v2.id);
    expect(await computed('CCCC')).toBe(3);
  });

  it('never answers from, nor writes to, the cache of a version whose owner turned it off', async () => {
    const noisy = await publishEcho('cache-noisy', { timeoutMs: 3500 });
    await expect(setVersionCache(gw.deps, bob, { versionId: noisy.id, enabled: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // The test models have no owner: an admin (alice, the first account) maintains them.
    expect(await setVersionCache(gw.deps, alice, { versionId: noisy.id, enabled: false })).toMatchObject({ cacheEnabled: false });
    await run(alice, 'cache-noisy', [{ smiles: 'CCS' }]);
    const again = await run(alice, 'cache-noisy', [{ smiles: 'CCS' }]);
    expect(again.items[0].cachedFrom).toBeNull();
    expect(await computed('CCS')).toBe(2);
    const entries = await gw.db.selectFrom('result_cache').select('input_key').where('version_digest', '=', noisy.digest).execute();
    expect(entries).toHaveLength(0);
  });

  it('holds an owner turning the cache off (and on again) from the next task on, in a worker that ran the version before', async () => {
    const toggled = await publishEcho('cache-toggled', { timeoutMs: 3550 });
    const entries = async () => (await gw.db.selectFrom('result_cache').select('input_key').where('version_digest', '=', toggled.digest).execute()).length;
    // The worker runs it (and keeps the published version), with the cache on.
    await run(alice, 'cache-toggled', [{ smiles: 'CCBr' }, { smiles: 'CCI' }]);
    const kept = await entries();
    expect(kept).toBeGreaterThan(0);
    await setVersionCache(gw.deps, alice, { versionId: toggled.id, enabled: false });
    // Off: the same worker writes nothing more for it.
    await run(alice, 'cache-toggled', [{ smiles: 'CCCBr' }, { smiles: 'CCCI' }]);
    expect(await entries()).toBe(kept);
    // On again: it keeps outputs again.
    await setVersionCache(gw.deps, alice, { versionId: toggled.id, enabled: true });
    await run(alice, 'cache-toggled', [{ smiles: 'CCCCBr' }, { smiles: 'CCCCI' }]);
    expect(await entries()).toBeGreaterThan(kept);
  });

  it('takes the setting from a manifest\'s "cache": false', async () => {
    const seeded = await publishEcho('cache-seeded', { timeoutMs: 3600, cache: false });
    expect(seeded.cacheEnabled).toBe(false);
    await run(alice, 'cache-seeded', [{ smiles: 'CCF' }]);
    expect(await gw.db.selectFrom('result_cache').select('input_key').where('version_digest', '=', seeded.digest).execute()).toHaveLength(0);
  });

  it('gives exactly one result per item when a job mixes hits, misses, refusals and failures, and never caches a failure', async () => {
    await run(alice, 'cache-echo', [{ smiles: 'CCCl' }]);
    const mixed = await run(alice, 'cache-echo', [{ smiles: 'CCCl' }, { smiles: 'CCBr' }, { smiles: 'FAIL' }, { smile: 'typo' }, { smiles: 'CCCl' }]);
    expect(mixed.job).toMatchObject({ status: 'succeeded', itemsTotal: 5, itemsDone: 3, itemsFailed: 2 });
    expect(mixed.items.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(mixed.items.map((r) => r.cachedFrom !== null)).toEqual([true, false, false, false, true]);
    expect(mixed.items[2]).toMatchObject({ status: 'failed', errorCode: 'MODEL_ERROR' });

    const retried = await run(alice, 'cache-echo', [{ smiles: 'FAIL' }, { smiles: 'CCBr' }]);
    expect(retried.items.map((r) => [r.status, r.cachedFrom !== null])).toEqual([
      ['failed', false],
      ['succeeded', true],
    ]);
    expect(await computed('FAIL')).toBe(2);
  });

  it("names another user's source job only as { cached: true }", async () => {
    const first = await run(alice, 'cache-echo', [{ smiles: 'CCI' }]);
    const bobs = await run(bob, 'cache-echo', [{ smiles: 'CCI' }]);
    expect(bobs.items[0]).toMatchObject({ status: 'succeeded', output: first.items[0].output, cachedFrom: { cached: true } });
    const own = await run(alice, 'cache-echo', [{ smiles: 'CCI' }]);
    expect(own.items[0].cachedFrom).toEqual({ jobId: first.job.id, index: 0 });
    const p = await predictOne(gw.deps, bob, { model: 'cache-echo', input: { smiles: 'CCI' } });
    expect(p.cachedFrom).toEqual({ cached: true });
  });

  it('answers predictOne on a hit without enqueueing anything', async () => {
    const miss = await predictOne(gw.deps, alice, { model: 'cache-echo', input: { smiles: 'CCCCO' } });
    expect(miss).toMatchObject({ output: { smiles: 'CCCCO', length: 5 }, cachedFrom: null });
    const hit = await predictOne(gw.deps, alice, { model: 'cache-echo', input: { smiles: 'CCCCO' } });
    expect(hit).toMatchObject({ output: { smiles: 'CCCCO', length: 5 }, cachedFrom: { jobId: miss.jobId, index: 0 }, durationMs: 0 });
    expect(await tasksOf(hit.jobId)).toBe(0);
    expect(await queuedOf(hit.jobId)).toBe(0);
  });

  it('answers the members of a consensus from the cache, and still aggregates them', async () => {
    const first = await predictOne(gw.deps, alice, { model: 'logS-consensus@1', input: { smiles: 'c1ccccc1O' } });
    expect(first.error).toBeNull();
    const again = await predictOne(gw.deps, alice, { model: 'logS-consensus@1', input: { smiles: 'Oc1ccccc1' } });
    expect(again.output).toEqual(first.output);
    // The aggregation is not cached (its members are): the consensus result itself ran again.
    expect(again.cachedFrom).toBeNull();
    const members = await gw.db.selectFrom('jobs').select(['id', 'tasks_total']).where('parent_job_id', '=', again.jobId).execute();
    expect(members.length).toBeGreaterThan(1);
    expect(members.every((m) => m.tasks_total === 0)).toBe(true);
    const memberResults = await gw.db.selectFrom('results').select('executor').where('job_id', 'in', members.map((m) => m.id)).execute();
    expect(memberResults.every((r) => r.executor === 'cache')).toBe(true);
  });

  it('looks in the cache in the worker for a task created without a look (a file written by the database)', async () => {
    await run(alice, 'cache-echo@1', [{ smiles: 'CCCCN' }]);
    // A job the way a file upload writes one: its task straight into the tables, its queue entry without cacheChecked.
    const job = await gw.db
      .insertInto('jobs')
      .values({ owner_id: alice.id, model_version_id: echo.id, items_total: 2, items_failed: 0, tasks_total: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [taskId] = await import('./jobs.repository').then((r) => r.insertTasks(gw.db, job.id, [[{ index: 0, input: { smiles: 'CCCCN' } }, { index: 1, input: { smiles: 'CCCCS' } }]]));
    await gw.boss.send('task.run', { taskId, jobId: job.id });
    const done = await waitForJob(gw.deps, alice, job.id);
    expect(done).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    const { items } = await jobs.listResults(gw.deps, alice, { jobId: job.id, limit: 10, offset: 0 });
    expect(items.map((r) => r.cachedFrom !== null)).toEqual([true, false]);
    expect(await computed('CCCCN')).toBe(1);
    expect(await computed('CCCCS')).toBe(1);
  });

  it('keeps only outputs from versions with the cache on, when outcomes are recorded', async () => {
    const job = await jobs.submitJob(gw.deps, alice, { model: 'cache-echo', inputs: [{ smiles: 'CCCCCl' }] });
    const task = await gw.db.selectFrom('tasks').selectAll().where('job_id', '=', job.id).executeTakeFirstOrThrow();
    const items = new Map(task.items.map((i) => [i.index, i]));
    await recordTaskOutcomes(gw.deps, { id: task.id, jobId: job.id, attempt: 1 }, [{ index: 0, output: { smiles: 'CCCCCl', length: 6 }, durationMs: 1 }], {
      executor: 'test',
      versionDigest: 'sha256:recorded',
      items,
      cache: false,
    });
    expect(await gw.db.selectFrom('result_cache').select('input_key').where('version_digest', '=', 'sha256:recorded').execute()).toHaveLength(0);
  });

  it('skips RDKit for a list sent again: each item is also kept under the input as it was sent', async () => {
    const chem = await publishEcho('cache-echo-chem', { inputSchema: { ...inputSchema, properties: { smiles: { type: 'string', format: 'smiles' }, note: { type: 'string' } } } });
    const sent = [{ smiles: 'OCC' }, { smiles: 'C(C)N', note: 'x' }, { smiles: 'c1ccccc1O' }];
    const first = await run(alice, 'cache-echo-chem', sent);
    expect(first.job).toMatchObject({ status: 'succeeded', itemsDone: 3 });
    expect(first.items.map((r) => r.input)).toEqual([{ smiles: 'CCO' }, { smiles: 'CCN', note: 'x' }, { smiles: 'Oc1ccccc1' }]);
    // The worker kept each under the input as sent, with the canonical input it became.
    const entry = async (submitted: Record<string, unknown>) =>
      gw.db.selectFrom('result_cache').select(['input', 'source_job_id']).where('version_digest', '=', chem.digest).where('input_key', '=', pastedInputKey(submitted)).executeTakeFirst();
    expect(await entry({ smiles: 'OCC' })).toEqual({ input: { smiles: 'CCO' }, source_job_id: first.job.id });
    // Keys in another order are the same input sent.
    expect(await entry({ note: 'x', smiles: 'C(C)N' })).toMatchObject({ input: { smiles: 'CCN', note: 'x' } });

    // The same list again (and a new molecule): answered from the cache at submission.
    const again = await jobs.submitJob(gw.deps, bob, { model: 'cache-echo-chem', inputs: [{ note: 'x', smiles: 'C(C)N' }, { smiles: 'OCC' }, { smiles: 'CCCl' }] });
    const done = await waitForJob(gw.deps, bob, again.id);
    expect(done).toMatchObject({ status: 'succeeded', itemsDone: 3, tasksTotal: 1 });
    const { items } = await jobs.listResults(gw.deps, bob, { jobId: again.id, limit: 10, offset: 0 });
    expect(items.map((r) => [r.input, r.cachedFrom !== null])).toEqual([
      [{ smiles: 'CCN', note: 'x' }, true],
      [{ smiles: 'CCO' }, true],
      [{ smiles: 'CCCl' }, false],
    ]);

    // What shows RDKit was not asked: an entry that says another canonical input is taken as it is.
    await gw.db.updateTable('result_cache').set({ input: JSON.stringify({ smiles: 'CCCC' }) }).where('version_digest', '=', chem.digest).where('input_key', '=', pastedInputKey({ smiles: 'c1ccccc1O' })).execute();
    const told = await run(alice, 'cache-echo-chem', [{ smiles: 'c1ccccc1O' }, { smiles: 'CCO' }]);
    expect(told.items.map((r) => r.input)).toEqual([{ smiles: 'CCCC' }, { smiles: 'CCO' }]);
    // One item alone is not looked up by what was sent: RDKit canonicalises it.
    const one = await run(alice, 'cache-echo-chem', [{ smiles: 'c1ccccc1O' }]);
    expect(one.items.map((r) => r.input)).toEqual([{ smiles: 'Oc1ccccc1' }]);
  });
});

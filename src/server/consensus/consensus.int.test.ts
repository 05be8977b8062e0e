import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createUser, fixtureModelsDir, registerFixtureModel, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import { loadManifest } from '../models/manifest';
import { publishTrustedManifest } from '../models/builtins.service';
import * as memberJobs from '../jobs/member-jobs.repository';
import * as jobs from '../jobs/jobs.service';
import { predictOne } from '../jobs/predict.service';
import type { TConsensusRuntime } from '../models/models.schema';
import { runSmokeTest } from '../models/smoke-test.service';
import * as versions from '../models/versions.service';
import type { Viewer } from '../users/viewer';

let gw: TestGateway;
let user: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  for (const name of ['echo', 'crash'] as const) await registerFixtureModel(gw.db, name);
  user = await createUser(gw.db);
});

afterAll(async () => gw?.stop());

const finished = (jobId: string) => waitForJob(gw.deps, user, jobId);

const results = async (jobId: string) => (await jobs.listResults(gw.deps, user, { jobId, limit: 500, offset: 0 })).items;

/** Creates and publishes a consensus through the same path as the form. */
async function publishConsensus(slug: string, runtime: Omit<TConsensusRuntime, 'kind' | 'params' | 'outputField'> & Partial<TConsensusRuntime>) {
  await versions.createModel(gw.deps, user, { slug, name: slug, task: 'test/consensus', description: '', tags: [] });
  const draft = await versions.createDraftVersion(gw.deps, user, { slug, spec: {
    runtime: { kind: 'consensus', params: {}, outputField: 'value', ...runtime },
    inputSchema: {},
    outputSchema: {},
    resources: {},
    batchSize: 100,
    timeoutMs: 60_000,
    example: { smiles: 'CCO' },
  } });
  const { result } = await runSmokeTest(gw.deps, user, { versionId: draft.id });
  expect(result, result.message ?? '').toMatchObject({ ok: true });
  return versions.publishVersion(gw.deps, user, { versionId: draft.id, aliases: ['production'] });
}

describe('consensus models', () => {
  // logS-consensus@1 is the mean of OCL and ESOL (kept in models/logS-consensus/history/1.json).
  it('runs the built-in logS-consensus@1: members as their own jobs, joined item by item', async () => {
    const smiles = ['c1ccccc1O', 'CCO', 'CC(=O)Oc1ccccc1C(=O)O', 'C1CC('];
    const submitted = await jobs.submitJob(gw.deps, user, { model: 'logS-consensus@1', inputs: smiles.map((s) => ({ smiles: s })) });
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 3, itemsFailed: 1, tasksDone: 1 });

    const members = await memberJobs.listMemberJobs(gw.db, job.id);
    expect(members.map((m) => m.key)).toEqual(['esol', 'ocl']);
    expect((await jobs.getJobWithMembers(gw.deps, user, { jobId: job.id })).members).toEqual(members);
    expect(members.every((m) => m.status === 'succeeded' && m.itemsDone === 3)).toBe(true);
    expect((await jobs.listJobs(gw.deps, user, { limit: 50, offset: 0 })).items.map((j) => j.id)).not.toContain(members[0].jobId);

    const rows = await results(job.id);
    const esol = new Map((await results(members[0].jobId)).map((r) => [r.index, r.output!.logS as number]));
    const ocl = new Map((await results(members[1].jobId)).map((r) => [r.index, r.output!.logS as number]));
    for (const r of rows.filter((x) => x.status === 'succeeded')) {
      const a = esol.get(r.index)!;
      const b = ocl.get(r.index)!;
      expect(r.output).toMatchObject({ members: { esol: a, ocl: b }, memberCount: 2 });
      expect(r.output!.logS).toBeCloseTo((a + b) / 2, 10);
      expect((r.output!.spread as { range: number }).range).toBeCloseTo(Math.abs(a - b), 10);
      expect((r.output!.spread as { std: number }).std).toBeCloseTo(Math.abs(a - b) / 2, 10);
      expect(r.output!.highSpread).toBe(Math.abs(a - b) / 2 > 1);
    }
    expect(rows.find((r) => r.index === 3)).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT' });
  });

  it('answers a synchronous prediction like any model', async () => {
    const p = await predictOne(gw.deps, user, { model: 'logS-consensus@1', input: { smiles: 'c1ccccc1' } });
    expect(p.error).toBeNull();
    expect(typeof p.output!.logS).toBe('number');
    expect(Object.keys(p.output!.members as object).sort()).toEqual(['esol', 'ocl']);
  });

  it('fails an item below the quorum, listing which members failed and why', async () => {
    await publishConsensus('echo-pair', {
      members: [
        { ref: 'test-echo@1', field: 'length', name: 'echo' },
        { ref: 'test-crash@1', field: 'length', name: 'crash' },
      ],
      strategy: 'mean',
      quorum: 2,
    });
    const job = await finished((await jobs.submitJob(gw.deps, user, { model: 'echo-pair', inputs: [{ smiles: 'CCC' }, { smiles: 'CCCl' }] })).id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 1, itemsFailed: 1 });
    const [ok, bad] = await results(job.id);
    expect(ok.output).toMatchObject({ value: 3, members: { echo: 3, crash: 3 } });
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'QUORUM_NOT_MET' });
    expect(bad.error).toMatch(/only 1 of 2 members gave a value and the quorum is 2: crash \(MODEL_CRASHED: .*exited with code 3/);
  });

  it('can be a member of another consensus, and refuses cycles and mismatched types at creation', async () => {
    await publishConsensus('nested', {
      members: [
        { ref: 'logS-consensus@1', field: 'logS', name: 'consensus' },
        { ref: 'esol-solubility@1', field: 'logS', name: 'esol' },
      ],
      strategy: 'median',
      quorum: 2,
    });
    const job = await finished((await jobs.submitJob(gw.deps, user, { model: 'nested', inputs: [{ smiles: 'CCCCO' }] })).id);
    expect(job.status).toBe('succeeded');
    expect((await results(job.id))[0].output).toMatchObject({ memberCount: 2 });

    const spec = (runtime: TConsensusRuntime) => ({ runtime, inputSchema: {}, outputSchema: {}, resources: {}, batchSize: 10, timeoutMs: 1000, example: null });
    await expect(
      versions.createDraftVersion(gw.deps, user, { slug: 'nested', spec: spec({ kind: 'consensus', members: [{ ref: 'nested@production', field: 'value' }, { ref: 'esol-solubility', field: 'logS' }], strategy: 'mean', params: {}, quorum: 1, outputField: 'value' }) }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/cannot contain itself: nested → nested@1/) });

    await expect(
      versions.createDraftVersion(gw.deps, user, { slug: 'nested', spec: spec({ kind: 'consensus', members: [{ ref: 'test-echo', field: 'smiles', name: 'text' }, { ref: 'test-echo', field: 'length', name: 'len' }], strategy: 'majority-vote', params: {}, quorum: 1, outputField: 'value' }) }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/member "text" field "smiles" is a class label, but member "len" field "length" is a number/) });

    await expect(
      versions.createDraftVersion(gw.deps, user, { slug: 'nested', spec: spec({ kind: 'consensus', members: [{ ref: 'test-echo', field: 'nope' }, { ref: 'esol-solubility', field: 'logS' }], strategy: 'mean', params: {}, quorum: 1, outputField: 'value' }) }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/member "test-echo": test-echo@1 has no output field "nope"/) });
  });

  it('waits for every member even when one member refused every item at submission', async () => {
    const { manifest } = await loadManifest(path.join(fixtureModelsDir, 'echo'));
    const strict = {
      ...manifest,
      slug: 'test-echo-strict',
      inputSchema: { ...manifest.inputSchema, required: ['smiles', 'charge'], properties: { ...(manifest.inputSchema.properties as object), charge: { type: 'integer' } } },
    };
    await publishTrustedManifest(gw.deps, { manifest: strict, builtIn: false });
    await publishConsensus('echo-strict-pair', {
      members: [
        { ref: 'test-echo@1', field: 'length', name: 'echo' },
        { ref: 'test-echo-strict@1', field: 'length', name: 'strict' },
      ],
      strategy: 'mean',
      quorum: 1,
    });
    const job = await finished((await jobs.submitJob(gw.deps, user, { model: 'echo-strict-pair', inputs: [{ smiles: 'CCCC' }, { smiles: 'CC' }] })).id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    const rows = await results(job.id);
    expect(rows.map((r) => r.output!.value)).toEqual([4, 2]);
    expect((rows[0].output!.failedMembers as Record<string, string>).strict).toMatch(/INVALID_INPUT: .*missing required field "charge"/);
  });

  it('cancels the member jobs with the consensus job', async () => {
    const job = await jobs.submitJob(gw.deps, user, { model: 'logS-consensus@1', inputs: Array.from({ length: 300 }, (_, i) => ({ smiles: 'C'.repeat((i % 30) + 1) })) });
    await jobs.cancelJob(gw.deps, user, { jobId: job.id });
    const members = await memberJobs.listMemberJobs(gw.db, job.id);
    expect(members.map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
  });
});

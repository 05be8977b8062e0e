import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import * as jobs from '../server/jobs/jobs.service';
import type { Viewer } from '../server/users/viewer';
import { publishTrustedManifest } from '../server/models/builtins.service';
import { loadManifest } from '../server/models/manifest';
import { createUser, fixtureModelsDir, registerFixtureModel, startTestGateway, waitForJob, type TestGateway } from '../../test/support';

let gw: TestGateway;
let viewer: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: { poolSize: 2, batchSize: 4 } });
  for (const name of ['echo', 'crash', 'hang', 'garbage'] as const) await registerFixtureModel(gw.db, name);
  viewer = await createUser(gw.db);
});

afterAll(async () => gw?.stop());

const finished = (jobId: string) => waitForJob(gw.deps, viewer, jobId, 90_000);

async function results(jobId: string) {
  return (await jobs.listResults(gw.deps, viewer, { jobId, limit: 500, offset: 0 })).items;
}

describe('worker running real models', () => {
  it('computes RDKit descriptors for a batch and fails only the invalid SMILES', async () => {
    const smiles = ['CC(=O)Oc1ccccc1C(=O)O', 'c1ccccc1', 'CCO', 'C1CC(', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'OC(=O)c1ccccc1O'];
    const submitted = await jobs.submitJob(gw.deps, viewer, { model: 'rdkit-descriptors', inputs: smiles.map((s) => ({ smiles: s })) });
    expect(submitted.itemsFailed).toBe(1); // refused before any model ran
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsTotal: 6, itemsDone: 5, itemsFailed: 1, tasksDone: job.tasksTotal });
    const rows = await results(job.id);
    expect(rows).toHaveLength(6);
    const aspirin = rows.find((r) => r.index === 0)!;
    expect(aspirin.output!.tpsa).toBeCloseTo(63.6, 1);
    expect(aspirin.output!.mw).toBeCloseTo(180.16, 1);
    const bad = rows.find((r) => r.index === 3)!;
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT' });
    expect(bad.error).toMatch(/item 3: field "smiles" is not a valid SMILES/);
    // The canonical form is what the model saw; the submitted form is kept beside it.
    const caffeine = rows.find((r) => r.index === 4)!;
    expect(caffeine.input.smiles).not.toBe(smiles[4]);
    expect(caffeine.submitted?.smiles).toBe(smiles[4]);
  });

  it('splits a job into tasks of at most the batch size and runs OpenChemLib and ESOL', async () => {
    const inputs = Array.from({ length: 250 }, (_, i) => ({ smiles: 'C'.repeat((i % 12) + 1) + 'O' }));
    for (const model of ['ocl-properties', 'esol-solubility']) {
      const submitted = await jobs.submitJob(gw.deps, viewer, { model, inputs });
      expect(submitted.tasksTotal).toBe(3); // batch size 100
      const job = await finished(submitted.id);
      expect(job).toMatchObject({ status: 'succeeded', itemsDone: 250, itemsFailed: 0, tasksDone: 3 });
      const rows = await results(job.id);
      expect(rows.every((r) => Number.isFinite(r.output!.logS as number))).toBe(true);
    }
  });

  it('reports a crashing model as a clear failure of the item that crashed it, and keeps serving', async () => {
    const inputs = ['CCO', 'CCCl', 'CCC', 'CCCC'].map((smiles) => ({ smiles }));
    const job = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-crash', inputs })).id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 3, itemsFailed: 1 });
    const crashed = (await results(job.id)).find((r) => r.status === 'failed')!;
    expect(crashed.input.smiles).toBe('CCCl');
    expect(crashed.errorCode).toBe('MODEL_CRASHED');
    expect(crashed.error).toMatch(/exited with code 3/);
    expect(crashed.error).toMatch(/about to crash/); // the model's stderr is part of the message
  });

  it('kills a hung model after its timeout, fails that item only, and keeps serving', async () => {
    const inputs = ['CCO', 'CCN', 'CCC'].map((smiles) => ({ smiles }));
    const job = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-hang', inputs })).id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 2, itemsFailed: 1 });
    const hung = (await results(job.id)).find((r) => r.status === 'failed')!;
    expect(hung.input.smiles).toBe('CCN');
    expect(hung.errorCode).toBe('MODEL_TIMEOUT');
    expect(hung.error).toMatch(/no answer within 3000 ms/);

    const after = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-hang', inputs: [{ smiles: 'CCCC' }] })).id);
    expect(after).toMatchObject({ status: 'succeeded', itemsDone: 1 });
  });

  it('fails items of a model that prints garbage with a protocol error, and the job ends failed', async () => {
    const job = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-garbage', inputs: [{ smiles: 'CCO' }] })).id);
    expect(job).toMatchObject({ status: 'failed', itemsDone: 0, itemsFailed: 1 });
    const [row] = await results(job.id);
    expect(row.errorCode).toBe('MODEL_PROTOCOL');
    expect(row.error).toMatch(/not JSON Lines answers: "this is not json"/);
  });

  it('reports a model whose program cannot be started, naming the command', async () => {
    const { manifest } = await loadManifest(path.join(fixtureModelsDir, 'echo'));
    await publishTrustedManifest(gw.deps, {
      manifest: { ...manifest, slug: 'test-missing', runtime: { kind: 'process', command: ['no-such-program-xyz'] } },
      builtIn: false,
    });
    const job = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-missing', inputs: [{ smiles: 'C' }, { smiles: 'CC' }] })).id);
    expect(job).toMatchObject({ status: 'failed', itemsFailed: 2 });
    const [row] = await results(job.id);
    expect(row.errorCode).toBe('MODEL_CRASHED');
    expect(row.error).toMatch(/could not start `no-such-program-xyz`.*ENOENT/);
  });

  it('still serves other models after all of that', async () => {
    const job = await finished((await jobs.submitJob(gw.deps, viewer, { model: 'test-echo', inputs: [{ smiles: 'CCO' }, { smiles: 'c1ccccc1' }] })).id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    const rows = await results(job.id);
    expect(rows.map((r) => r.output!.smiles)).toEqual(['CCO', 'c1ccccc1']);
  });
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, waitForJob as waitFor, type TestGateway } from '../../../test/support';
import { projectRoot } from '../models/manifest';
import * as jobs from '../jobs/jobs.service';
import { resolveModelRef } from '../models/models.service';
import type { Viewer } from '../users/viewer';
import * as evaluations from './evaluations.service';

const HUUSKONEN = path.resolve(projectRoot, '../shared/data/huuskonen-solubility-train.csv');

let gw: TestGateway;
let admin: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  admin = await createUser(gw.db, 'admin'); // the first account: built-ins are the admin's to refit
});

afterAll(async () => gw?.stop());

const waitForJob = (jobId: string) => waitFor(gw.deps, admin, jobId, 300_000, 250);

describe('datasets', () => {
  it('reads a CSV with a SMILES column and a measured value, and refuses rows without one', async () => {
    const d = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'tiny', csv: 'name,SMILES,logS\nphenol,c1ccccc1O,0.0\n"ethanol, dry",CCO,1.1\n' });
    expect(d).toMatchObject({ rowCount: 2, valueName: 'logS' });
    await expect(evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'bad', csv: 'smiles,logS\nCCO,\nCCC,-1\n' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/without a SMILES or a numeric logS: line 2/),
    });
    await expect(evaluations.importServerDataset(gw.deps, admin, { file: '../../etc/passwd' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe.skipIf(!existsSync(HUUSKONEN))('evaluation against experiment (Huuskonen solubility, 1,025 molecules)', () => {
  let evaluationId = '';

  it('evaluates logS-consensus and its members through the real worker and reports the error table', async () => {
    const dataset = (await evaluations.listDatasets(gw.deps, admin)).find((d) => d.source === 'file:huuskonen-solubility-train.csv');
    expect(dataset?.rowCount).toBe(1025);
    const { id, jobId } = await evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus', datasetId: dataset!.id });
    evaluationId = id;
    const job = await waitForJob(jobId);
    expect(job.status).toBe('succeeded');

    const e = await evaluations.getEvaluation(gw.deps, admin, { id: id });
    console.log(`\nlogS on ${e.dataset.name} (n = ${e.points.length})`);
    console.table(Object.fromEntries(e.metrics.map((m) => [m.name, { n: m.n, RMSE: m.rmse?.toFixed(3), MAE: m.mae?.toFixed(3), R2: m.r2?.toFixed(3) }])));
    expect(e.metrics.map((m) => m.name)).toEqual(['logS-consensus@1', 'ocl', 'esol']);
    for (const m of e.metrics) {
      expect(m.n).toBeGreaterThan(1000);
      for (const v of [m.rmse, m.mae, m.r2]) expect(Number.isFinite(v)).toBe(true);
    }
    expect(e.points).toHaveLength(1025);
  });

  it('fits inverse-error and stacking consensus versions from the evaluation in one call each', async () => {
    const inverse = await evaluations.fitFromEvaluation(gw.deps, admin, { id: evaluationId, strategy: 'inverse-error' });
    expect(inverse.version).toMatchObject({ version: 2, status: 'published', runtime: { strategy: 'inverse-error' } });
    expect(Object.keys((inverse.params as { errors: object }).errors).sort()).toEqual(['esol', 'ocl']);
    const stacked = await evaluations.fitFromEvaluation(gw.deps, admin, { id: evaluationId, strategy: 'stacking' });
    console.log('fitted on the evaluation:', JSON.stringify({ inverseError: inverse.params, stacking: stacked.params }));
    expect(stacked.version).toMatchObject({ version: 3, runtime: { strategy: 'stacking' } });
    expect((await resolveModelRef(gw.db, 'logS-consensus')).version).toBe(3);

    const p = await jobs.submitJob(gw.deps, admin, { model: 'logS-consensus@3', inputs: [{ smiles: 'c1ccccc1' }] });
    const done = await waitForJob(p.id);
    expect(done.status).toBe('succeeded');
  });
});

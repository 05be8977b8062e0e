import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, waitForJob as waitFor, type TestGateway } from '../../../test/support';
import { projectRoot } from '../models/manifest';
import * as jobs from '../jobs/jobs.service';
import { resolveModelRef } from '../models/models.service';
import type { Viewer } from '../users/viewer';
import * as evaluations from './evaluations.service';
import { fitFromEvaluation } from './fit.service';

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
      message: expect.stringMatching(/^1 line of the CSV cannot be used: line 2: no logS\./),
    });
    await expect(evaluations.importServerDataset(gw.deps, admin, { file: '../../etc/passwd' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('dataset uploads with unusable lines', () => {
  // Line numbers count every line of the file, blank ones too; the header is line 1.
  const csv = [
    'smiles,logS',
    'CCO,1.1',
    'CCC,high',
    '',
    'C1CC(,-2.0',
    `${'C'.repeat(620)},-3`,
    'c1ccccc1O,0.0',
    'CC\u0000O,0.5',
    ',1.0',
  ].join('\n');

  it('refuses the file, listing every bad line with its number and reason', async () => {
    const e = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'mixed', csv }).catch((x) => x);
    expect(e).toMatchObject({ code: 'INVALID_INPUT' });
    expect(e.message).toMatch(/^5 lines of the CSV cannot be used: /);
    expect(e.message).toContain('line 3: logS "high" is not a number');
    expect(e.message).toContain('line 5: the SMILES "C1CC(" is not valid (RDKit cannot parse it)');
    expect(e.message).toMatch(/line 6: the SMILES "C{40}…" has 620 atoms; the limit is 500 \(GATEWAY_MAX_ATOMS\)/);
    expect(e.message).toContain('line 8: the line contains a NUL byte');
    expect(e.message).toContain('line 9: no SMILES');
    expect(e.message).toMatch(/drop invalid rows \(dropInvalidRows\) to keep the other 2$/);
  });

  it('keeps the good rows when asked, and says which lines were dropped', async () => {
    const d = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'mixed', csv, dropInvalidRows: true });
    expect(d.rowCount).toBe(2);
    expect(d.dropped.count).toBe(5);
    expect(d.dropped.lines.map((l) => l.line)).toEqual([3, 5, 6, 8, 9]);
  });

  it('lists at most 100 bad lines, and counts them all', async () => {
    const many = ['smiles,logS', 'CCO,1', ...Array.from({ length: 150 }, () => 'CCO,x')].join('\n');
    const e = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'many', csv: many }).catch((x) => x);
    expect(e.message).toMatch(/^150 lines of the CSV cannot be used: line 3: /);
    expect(e.message).toContain('line 102: logS "x" is not a number; … and 50 more');
    expect(e.message).not.toContain('line 103:');
  });
});

describe.skipIf(!existsSync(HUUSKONEN))('evaluation against experiment (Huuskonen solubility, 1,025 molecules)', () => {
  let evaluationId = '';

  // Version 1, the mean of OCL and ESOL, stays registered (models/logS-consensus/history/1.json).
  it('evaluates logS-consensus@1 and its members through the real worker and reports the error table', async () => {
    const dataset = (await evaluations.listDatasets(gw.deps, admin)).find((d) => d.source === 'file:huuskonen-solubility-train.csv');
    expect(dataset?.rowCount).toBe(1025);
    const { id, jobId } = await evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus@1', datasetId: dataset!.id });
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
    const before = (await resolveModelRef(gw.db, 'logS-consensus')).version;
    const inverse = await fitFromEvaluation(gw.deps, admin, { id: evaluationId, strategy: 'inverse-error' });
    expect(inverse.version).toMatchObject({ version: before + 1, status: 'published', runtime: { strategy: 'inverse-error' } });
    // Fitted on the molecules it is scored on, and its provenance says so.
    expect(inverse.provenance).toMatchObject({ kind: 'fitted', fittedOn: { basis: 'in-sample' } });
    expect(Object.keys((inverse.params as { errors: object }).errors).sort()).toEqual(['esol', 'ocl']);
    const stacked = await fitFromEvaluation(gw.deps, admin, { id: evaluationId, strategy: 'stacking' });
    console.log('fitted on the evaluation:', JSON.stringify({ inverseError: inverse.params, stacking: stacked.params }));
    expect(stacked.version).toMatchObject({ version: before + 2, runtime: { strategy: 'stacking' } });
    expect((await resolveModelRef(gw.db, 'logS-consensus')).version).toBe(before + 2);

    const p = await jobs.submitJob(gw.deps, admin, { model: `logS-consensus@${before + 2}`, inputs: [{ smiles: 'c1ccccc1' }] });
    const done = await waitForJob(p.id);
    expect(done.status).toBe('succeeded');
  });
});

describe('cross-validated evaluations of fixed models', () => {
  const csv = ['smiles,logS', 'CCO,1.1', 'CCCO,0.6', 'CCCCO,0.0', 'CCCCCO,-0.6', 'CCCCCCO,-1.2', 'c1ccccc1,-1.6', 'Cc1ccccc1,-2.2', 'CCc1ccccc1,-2.8', 'c1ccccc1O,0.0', 'Oc1ccc(O)cc1,-0.2', 'CC(=O)O,1.2', 'CCCCCCCC,-5.2'].join('\n');

  it('refuses folds out of range, and more folds than molecules, with a typed error before any job', async () => {
    const d = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'twelve', csv });
    for (const folds of [1, 21, 2.5]) {
      await expect(evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus@1', datasetId: d.id, folds })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^folds must be an integer from 2 to 20/),
      });
    }
    const three = await evaluations.createDatasetFromCsv(gw.deps, admin, { name: 'three', csv: 'smiles,logS\nCCO,1\nCCCO,0.5\nCCCCO,0\n' });
    await expect(evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus@1', datasetId: three.id, folds: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/needs at least 5 molecules; the dataset has 3/),
    });
    expect((await evaluations.listEvaluations(gw.deps, admin, { limit: 100, offset: 0 })).filter((e) => e.folds !== null)).toEqual([]);
  });

  it('scores models that never learnt from the data out of fold as they are, and fits a calibrated mean from them', async () => {
    const d = (await evaluations.listDatasets(gw.deps, admin)).find((x) => x.name === 'twelve')!;
    const started = await evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus@1', datasetId: d.id, folds: 3 });
    expect(started.retrainedFolds).toBe(0);
    expect((await waitForJob(started.jobId)).status).toBe('succeeded');
    const e = await evaluations.getEvaluation(gw.deps, admin, { id: started.id });
    const report = e.crossValidation!.report!;
    expect(report.entries.map((x) => [x.name, x.source])).toEqual([
      ['logS-consensus@1', 'combined'],
      ['ocl', 'fixed'],
      ['esol', 'fixed'],
    ]);
    // Nothing was fitted, so out of fold is in-sample exactly.
    const inSample = new Map(e.metrics.map((m) => [m.name, m.rmse]));
    for (const x of report.entries) expect(x.metrics.rmse).toBeCloseTo(inSample.get(x.name)!, 10);
    const fitted = await fitFromEvaluation(gw.deps, admin, { id: started.id, strategy: 'mean', members: ['ocl', 'esol'] });
    expect(fitted.provenance).toMatchObject({ fittedOn: { basis: 'out-of-fold', folds: 3 } });
    expect(fitted.params.uncertainty).toMatchObject({ method: 'binned-spread', fittedOn: { n: 12, outOfFold: true } });
    await expect(fitFromEvaluation(gw.deps, admin, { id: started.id, strategy: 'mean', members: ['gbm'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/gbm, not members/) });
  });
});

// The consensus, cross-validated for real: logS-gbm is trained from the Huuskonen data, registered,
// and the built-in logS-consensus and its members are evaluated 5-fold through a real worker,
// which retrains logS-gbm once per fold in its sandbox. The out-of-fold table is printed with
// bootstrap intervals; the test asserts it is complete and finite, never what the numbers are.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { seedBuiltInModels } from '../models/builtins.service';
import { projectRoot } from '../models/manifest';
import { resolveModelRef } from '../models/models.service';
import { ensureTrained, type TrainingProvenance } from '../models/trained-builtins';
import * as jobs from '../jobs/jobs.service';
import type { Viewer } from '../users/viewer';
import * as evaluations from './evaluations.service';
import { fitFromEvaluation } from './fit.service';
import type { Interval } from '../consensus/bootstrap';

const HUUSKONEN = path.resolve(projectRoot, '../shared/data/huuskonen-solubility-train.csv');
const GBM = path.join(projectRoot, 'models/logS-gbm');
const FOLDS = 5;

let gw: TestGateway;
let admin: Viewer;

beforeAll(async () => {
  // Two folds retrain at once: the machine has two cores.
  gw = await startTestGateway({ worker: { foldConcurrency: 2 } });
  admin = await createUser(gw.db, 'admin'); // the first account: built-ins are the admin's to refit
});

afterAll(async () => gw?.stop());

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const ci = (i: Interval | null) => (i ? `${i.estimate.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]` : '—');

describe.skipIf(!existsSync(HUUSKONEN))('5-fold cross-validation of logS-consensus through the real worker', { timeout: 1_200_000 }, () => {
  let evaluationId = '';

  it('trains logS-gbm deterministically and registers it with its provenance', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'logS-gbm-'));
    try {
      const trained = await ensureTrained(GBM, { force: true, outDir: out, log: (l) => console.log(`[train] ${l}`) });
      if ('skipped' in trained) throw new Error(trained.skipped);
      expect(trained.trained).toBe(true);
      await seedBuiltInModels(gw.deps);
      const v = await resolveModelRef(gw.db, 'logS-gbm');
      const p = v.provenance as unknown as TrainingProvenance;
      expect(v.status).toBe('published');
      // Training is deterministic: the same inputs give the same weights, byte for byte, as the registered version's.
      expect(p).toMatchObject({ kind: 'trained', fingerprint: trained.provenance.fingerprint, version: v.version });
      expect(trained.provenance.weights.sha256).toBe(p.weights.sha256);
      expect(p.trainingData.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(p.hyperparameters).toMatchObject({ trees: expect.any(Number) });
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }
  });

  it('evaluates the consensus and its members out of fold, with bootstrap intervals and calibration', async () => {
    const consensus = await resolveModelRef(gw.db, 'logS-consensus');
    if (consensus.runtime.kind !== 'consensus') throw new Error('logS-consensus is not a consensus');
    const dataset = (await evaluations.listDatasets(gw.deps, admin)).find((d) => d.source === 'file:huuskonen-solubility-train.csv');
    const started = await evaluations.startEvaluation(gw.deps, admin, { model: 'logS-consensus', datasetId: dataset!.id, folds: FOLDS });
    evaluationId = started.id;
    expect(started.retrainedFolds).toBe(FOLDS); // logS-gbm, once per fold
    expect((await waitForJob(gw.deps, admin, started.jobId, 600_000, 500)).status).toBe('succeeded');
    await until(async () => (await evaluations.getEvaluation(gw.deps, admin, { id: started.id })).crossValidation?.report != null, 'every fold has ended', 1_000_000, 1000);

    const e = await evaluations.getEvaluation(gw.deps, admin, { id: started.id });
    const cv = e.crossValidation!;
    expect(cv.retraining).toMatchObject({ total: FOLDS, succeeded: FOLDS, failed: 0, pending: 0 });
    const report = cv.report!;
    const inSample = new Map(e.metrics.map((m) => [m.name, m]));
    console.log(`\nlogS, ${FOLDS}-fold cross-validation on ${e.dataset.name} (n = ${e.points.length}, seed ${cv.seed}); RMSE with 95% bootstrap intervals`);
    console.table(
      Object.fromEntries(
        report.entries.map((m) => [
          m.name,
          {
            role: m.role,
            'out of fold': m.source,
            n: m.metrics.n,
            'RMSE (OOF)': ci(m.rmseInterval),
            'MAE (OOF)': m.metrics.mae?.toFixed(3),
            'R² (OOF)': m.metrics.r2?.toFixed(3),
            'RMSE (in-sample)': inSample.get(m.name)?.rmse?.toFixed(3),
          },
        ]),
      ),
    );
    console.log(`consensus − best member (${report.bestMember}), paired bootstrap of RMSE: ${ci(report.consensusVsBestMember)}`);
    console.log('candidate consensuses, out of fold (RMSE − best member RMSE, paired bootstrap):');
    console.table(report.candidates.slice(0, 12).map((c) => ({ members: c.members.join('+'), strategy: c.strategy, RMSE: c.metrics.rmse?.toFixed(3), 'vs best member': ci(c.vsBestMember) })));
    // The built-in states an uncertainty with each result; the evaluation checks it (in-sample: it was calibrated on these molecules).
    const stated = e.statedCalibration!;
    console.log(`stated uncertainty of logS-consensus@${consensus.version} on these molecules: coverage of its ${stated.level} interval ${stated.coverage?.toFixed(3)}`);
    expect(finite(stated.coverage)).toBe(true);
    const cal = report.calibration!;
    console.log(`calibration (learnt on the other folds): coverage of the ${cal.level} interval ${cal.coverage?.toFixed(3)}, Spearman(spread, |error|) ${cal.spearman?.toFixed(3)}`);
    console.table(cal.bins.map((b) => ({ n: b.n, spread: `${b.spreadFrom.toFixed(2)}–${b.spreadTo.toFixed(2)}`, RMSE: b.rmse.toFixed(3), stated: b.statedError?.toFixed(3), coverage: b.coverage?.toFixed(3) })));

    // Complete: the consensus and every member, each scored on (nearly) every molecule.
    const memberKeys = consensus.runtime.members.map((m) => m.name ?? m.ref);
    expect(report.entries.map((m) => m.name)).toEqual([`logS-consensus@${consensus.version}`, ...memberKeys]);
    expect(report.entries.find((m) => m.name === 'gbm')?.source).toBe('retrained');
    for (const m of report.entries) {
      expect(m.metrics.n).toBeGreaterThan(1000);
      for (const v of [m.metrics.rmse, m.metrics.mae, m.metrics.r2, m.rmseInterval?.low, m.rmseInterval?.high]) expect(finite(v)).toBe(true);
      expect(m.rmseInterval!.low).toBeLessThanOrEqual(m.rmseInterval!.high);
    }
    // Finite: the paired interval, every candidate, every calibration bin.
    const d = report.consensusVsBestMember!;
    for (const v of [d.estimate, d.low, d.high]) expect(finite(v)).toBe(true);
    expect(report.candidates.length).toBe(4 * (2 ** memberKeys.length - memberKeys.length - 1));
    for (const c of report.candidates) for (const v of [c.metrics.rmse, c.vsBestMember?.low, c.vsBestMember?.high]) expect(finite(v)).toBe(true);
    expect(cal.bins.length).toBeGreaterThan(1);
    for (const b of cal.bins) for (const v of [b.rmse, b.statedError, b.coverage]) expect(finite(v)).toBe(true);
    expect(finite(cal.coverage)).toBe(true);
  });

  it('fits a consensus from the out-of-fold values, with a calibrated uncertainty, and its results carry it', async () => {
    const fitted = await fitFromEvaluation(gw.deps, admin, { id: evaluationId, strategy: 'stacking' });
    console.log('fitted out of fold:', JSON.stringify({ members: fitted.members, params: fitted.params, provenance: fitted.provenance }));
    expect(fitted.provenance).toMatchObject({ kind: 'fitted', fittedOn: { basis: 'out-of-fold', folds: FOLDS } });
    expect(fitted.params.uncertainty).toMatchObject({ method: 'binned-spread', fittedOn: { outOfFold: true } });
    const v = fitted.version;
    const run = await jobs.submitJob(gw.deps, admin, { model: `${v.slug}@${v.version}`, inputs: [{ smiles: 'CCCCCCO' }, { smiles: 'C[Si](C)(C)O[Si](C)(C)O[Si](C)(C)C' }] });
    expect((await waitForJob(gw.deps, admin, run.id)).status).toBe('succeeded');
    const results = await jobs.listResults(gw.deps, admin, { jobId: run.id, limit: 10, offset: 0 });
    for (const r of results.items) {
      const out = r.output as { logS: number; uncertainty: { calibrated: boolean; expectedError: number; interval: [number, number] }; applicabilityDomain: { inDomain: boolean } };
      expect(out.uncertainty.calibrated).toBe(true);
      expect(finite(out.uncertainty.expectedError)).toBe(true);
      expect(out.uncertainty.interval[0]).toBeLessThan(out.logS);
      expect(typeof out.applicabilityDomain.inDomain).toBe('boolean');
    }
  });
});

import { canonicalizeMany } from '../chem/rdkit';
import { assignFolds } from '../consensus/cross-validation';
import type { FoldPrediction } from '../db/types';
import { AppError, toAppError } from '../errors';
import { versionOf, type Attempt, type Verdict, type WorkerDeps } from '../jobs/run-task.service';
import type { TEvaluationFoldPayload } from '../queue/catalog';
import * as datasets from './datasets.repository';
import * as repo from './evaluations.repository';
import * as folds from './folds.repository';

/**
 * One fold of a trained model in a cross-validated evaluation, on the worker: the model is
 * retrained (its training mode, sandboxed like its predictions) on the other folds' molecules and
 * predicts this fold's. A fold ends once (succeeded or failed, first outcome kept), so a retried
 * or duplicated queue job never counts a fold twice. Our own trouble is retried; a model that
 * cannot learn fails the fold with its reason, and the evaluation reports it.
 */
export async function runEvaluationFold(deps: WorkerDeps, key: TEvaluationFoldPayload, attempt: Attempt): Promise<Verdict> {
  try {
    const fold = await folds.claimFold(deps.db, key);
    if (!fold) return { status: 'completed', output: { skipped: 'fold already ended or gone' } };
    const evaluation = await repo.findEvaluation(deps.db, key.evaluationId);
    if (!evaluation?.folds) {
      await folds.finishFold(deps.db, key, { status: 'failed', error: 'the evaluation has no cross-validation' });
      return { status: 'completed', output: { failed: 'no cross-validation' } };
    }
    const rows = await datasets.datasetRows(deps.db, evaluation.dataset_id);
    const assigned = assignFolds(rows.length, evaluation.folds, evaluation.seed);
    // The model sees canonical SMILES, as the gateway gives it everywhere else.
    const canonical = await canonicalizeMany('smiles', rows.map((r) => r.smiles));
    const smiles = canonical.map((c) => ('canonical' in c ? c.canonical : null));
    const train = rows.flatMap((r, i) => (assigned[i] !== key.fold && smiles[i] ? [{ input: { smiles: smiles[i] }, target: r.measured }] : []));
    const held = rows.flatMap((r, i) => (assigned[i] === key.fold && smiles[i] ? [{ index: r.index, input: { smiles: smiles[i] } }] : []));

    const version = await versionOf(deps, fold.modelVersionId);
    const executor = deps.executors.get(version.runtime.kind);
    if (!executor?.fitPredict) throw new AppError('INVALID_INPUT', `the ${version.runtime.kind} executor cannot retrain ${version.slug}@${version.version} per fold`);
    deps.log(`evaluation ${key.evaluationId}: fold ${key.fold + 1}/${evaluation.folds} of ${version.slug}@${version.version}: training on ${train.length}, predicting ${held.length}`);
    const outcomes = await executor.fitPredict(version, { rows: train, field: fold.field }, held);
    const predictions: Record<string, FoldPrediction> = {};
    let failed = 0;
    for (const o of outcomes) {
      const out = 'output' in o ? o.output : undefined;
      const v = out?.[fold.field];
      if (typeof v === 'number' && Number.isFinite(v)) {
        const ad = out?.applicabilityDomain as { inDomain?: unknown } | undefined;
        predictions[o.index] = { value: v, ...(typeof ad?.inDomain === 'boolean' ? { inDomain: ad.inDomain } : {}) };
      } else {
        failed++;
        predictions[o.index] = { value: null, error: 'error' in o && o.error ? String(o.error).slice(0, 300) : `no number in "${fold.field}"` };
      }
    }
    await folds.finishFold(deps.db, key, { status: 'succeeded', predictions, trainCount: train.length, testCount: held.length, failedCount: failed });
    return { status: 'completed', output: { trained: train.length, predicted: held.length - failed, failed } };
  } catch (e) {
    const err = toAppError(e);
    if (err.transient && !attempt.last) throw err;
    await folds.finishFold(deps.db, key, { status: 'failed', error: `${err.code}: ${err.message}` }).catch(() => {});
    return { status: 'completed', output: { failed: err.message } };
  }
}

/** A fold whose queue job was dead-lettered: it ends failed, so the evaluation can still end. */
export async function endDeadFold(deps: WorkerDeps, key: TEvaluationFoldPayload): Promise<Verdict> {
  await folds.finishFold(deps.db, key, { status: 'failed', error: 'the fold kept failing (dead-lettered); see the worker log' });
  return { status: 'completed', output: {} };
}

/**
 * How logS-gbm learns and predicts: gradient-boosted trees on the solubility features, and the
 * training set's fingerprints for the applicability domain. The training script (train.ts) and
 * the program's training mode (main.ts --fit-predict) both call `learn`, so a cross-validated
 * fold is trained exactly as the published version was.
 */
import { predictBoostedTrees, trainBoostedTrees, type BoostedTrees, type BoostingParams } from '../_lib/boosting.js';
import { DOMAIN_FINGERPRINT, FEATURE_NAMES, tanimoto, type Featurizer } from '../_lib/solubility-features.js';

/** The recipe: boosting parameters plus the applicability domain's similarity threshold. */
export interface Hyperparameters extends BoostingParams {
  /** Below this max Tanimoto similarity to the training set, an input is outside the domain. */
  domainThreshold: number;
}

export interface TrainedModel {
  format: 'logS-gbm/1';
  features: readonly string[];
  hyperparameters: Hyperparameters;
  trees: BoostedTrees;
  domain: {
    fingerprint: typeof DOMAIN_FINGERPRINT;
    threshold: number;
    /** Each training molecule's canonical SMILES and set fingerprint bits. */
    smiles: string[];
    bits: number[][];
  };
}

export interface TrainingRow {
  smiles: string;
  target: number;
}

/** Featurizes the rows and fits the model; rows RDKit or OpenChemLib cannot read are reported, not fatal. */
export function learn(featurizer: Featurizer, rows: TrainingRow[], hyperparameters: Hyperparameters) {
  const x: number[][] = [];
  const y: number[] = [];
  const smiles: string[] = [];
  const bits: number[][] = [];
  const skipped: { smiles: string; reason: string }[] = [];
  for (const r of rows) {
    if (!Number.isFinite(r.target)) {
      skipped.push({ smiles: r.smiles, reason: 'the target is not a finite number' });
      continue;
    }
    try {
      const f = featurizer.featurize(r.smiles);
      x.push(f.features);
      y.push(r.target);
      smiles.push(r.smiles);
      bits.push(f.fingerprint);
    } catch (e) {
      skipped.push({ smiles: r.smiles, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (x.length < 10) throw new Error(`training needs at least 10 usable molecules; got ${x.length} (${skipped.length} skipped)`);
  const { domainThreshold, ...boosting } = hyperparameters;
  const model: TrainedModel = {
    format: 'logS-gbm/1',
    features: FEATURE_NAMES,
    hyperparameters,
    trees: trainBoostedTrees(x, y, boosting),
    domain: { fingerprint: DOMAIN_FINGERPRINT, threshold: domainThreshold, smiles, bits },
  };
  // On its own training rows: in-sample, only a check that training worked.
  const trainingRmse = Math.sqrt(x.reduce((sum, row, i) => sum + (predictBoostedTrees(model.trees, row) - y[i]) ** 2, 0) / x.length);
  return { model, used: x.length, skipped, trainingRmse };
}

/** The prediction for one molecule, with how close it is to what the model was trained on. */
export function predict(featurizer: Featurizer, model: TrainedModel, smiles: string) {
  const f = featurizer.featurize(smiles);
  const logS = predictBoostedTrees(model.trees, f.features);
  if (!Number.isFinite(logS)) throw new Error(`the model gave a non-finite logS for SMILES "${smiles}"`);
  let best = 0;
  let nearest = -1;
  model.domain.bits.forEach((b, i) => {
    const s = tanimoto(f.fingerprint, b);
    if (s > best) {
      best = s;
      nearest = i;
    }
  });
  const similarity = Math.round(best * 1000) / 1000;
  return {
    logS,
    applicabilityDomain: {
      inDomain: best >= model.domain.threshold,
      similarity,
      threshold: model.domain.threshold,
      nearest: nearest >= 0 ? model.domain.smiles[nearest] : null,
    },
  };
}

/** Reads a trained model from JSON, checking it is one this code can use. */
export function readModel(json: string): TrainedModel {
  const m = JSON.parse(json) as TrainedModel;
  if (m.format !== 'logS-gbm/1') throw new Error(`the weights are in format ${JSON.stringify(m.format)}, not logS-gbm/1; retrain with npm run models:train`);
  if (m.features.length !== FEATURE_NAMES.length || m.features.some((f, i) => f !== FEATURE_NAMES[i])) {
    throw new Error('the weights were trained on other features than this code computes; retrain with npm run models:train');
  }
  return m;
}

/**
 * logS-gbm: aqueous solubility from gradient-boosted trees trained on measured logS, with the
 * applicability domain (similarity to the training set) in every answer.
 *
 *   node main.ts                 serves predictions with the weights in ./trained/weights.json
 *   node main.ts --fit-predict   training mode: the first item is {"train":[{"input":{"smiles"},"target"}…]};
 *                                it is learnt with the same recipe as the shipped weights, and
 *                                later items are predicted with what was learnt (cross-validation)
 */
import { readFileSync } from 'node:fs';
import { requireString, serveJsonl, type Input } from '../_lib/serve-jsonl.js';
import { loadRDKit } from '../_lib/rdkit.js';
import { createFeaturizer } from '../_lib/solubility-features.js';
import { learn, predict, readModel, type TrainedModel } from './learn.js';

const featurizer = createFeaturizer(await loadRDKit());
const shipped = readModel(readFileSync(new URL('./trained/weights.json', import.meta.url), 'utf8'));
const fitPredict = process.argv.includes('--fit-predict');
let model: TrainedModel | null = fitPredict ? null : shipped;

function train(input: Input) {
  if (model) throw new Error('this process has already learnt its training set; start another one for another fold');
  const rows = input.train;
  if (!Array.isArray(rows)) throw new Error('the first item in --fit-predict mode must be {"train": [{"input": {"smiles": …}, "target": number}, …]}');
  if (input.field !== undefined && input.field !== 'logS') throw new Error(`logS-gbm learns "logS", not ${JSON.stringify(input.field)}`);
  const parsed = rows.map((r, i) => {
    const row = r as { input?: Input; target?: unknown };
    if (!row?.input || typeof row.target !== 'number') throw new Error(`train[${i}] must be {"input": {"smiles": …}, "target": number}`);
    return { smiles: requireString(row.input, 'smiles'), target: row.target };
  });
  const { model: learnt, used, skipped } = learn(featurizer, parsed, shipped.hyperparameters);
  model = learnt;
  return { trained: used, skipped: skipped.length };
}

serveJsonl((input) => {
  if (fitPredict && 'train' in input) return train(input);
  if (!model) throw new Error('send the training set first: {"train": [...]} (this process runs in --fit-predict mode)');
  return predict(featurizer, model, requireString(input, 'smiles'));
});

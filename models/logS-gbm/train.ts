/**
 * Trains logS-gbm: JSON Lines `{"smiles","target"}` on stdin (canonical SMILES and measured logS),
 * the recipe in TRAIN_HYPERPARAMETERS (JSON), the weights written to $TRAIN_OUT/weights.json.
 * The last stdout line is a JSON summary. `npm run models:train` drives it (see
 * src/server/models/trained-builtins.ts): it reads the CSV, canonicalises the SMILES with the
 * gateway's RDKit and records the provenance.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRDKit } from '../_lib/rdkit.js';
import { createFeaturizer } from '../_lib/solubility-features.js';
import { learn, type Hyperparameters, type TrainingRow } from './learn.js';

const out = process.env.TRAIN_OUT;
const hyperparameters = JSON.parse(process.env.TRAIN_HYPERPARAMETERS ?? 'null') as Hyperparameters | null;
if (!out || !hyperparameters) {
  process.stderr.write('set TRAIN_OUT (a folder) and TRAIN_HYPERPARAMETERS (JSON), and give the rows on stdin\n');
  process.exit(2);
}
const rows: TrainingRow[] = readFileSync(0, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as TrainingRow);

const featurizer = createFeaturizer(await loadRDKit());
const started = Date.now();
const { model, used, skipped, trainingRmse } = learn(featurizer, rows, hyperparameters);
mkdirSync(out, { recursive: true });
const weights = JSON.stringify(model);
writeFileSync(path.join(out, 'weights.json'), weights);
process.stdout.write(`${JSON.stringify({ used, skipped, trainingRmse, trees: model.trees.trees.length, seconds: (Date.now() - started) / 1000, bytes: weights.length })}\n`);

/**
 * `npm run models:train [-- <slug>…] [--force]`: trains every built-in that has a training.json
 * (or the ones named) from its data in ../shared/data (DATASETS_DIR), writes the weights into its
 * gitignored trained/ folder, and records the version: the same inputs keep their version, other
 * inputs (data, training code, libraries, hyper-parameters) get the next one, appended to the
 * ledger in training.json with model.json bumped. Commit those two files; never the weights.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { stopChemPool } from '../src/server/chem/chem-pool';
import { projectRoot } from '../src/server/models/manifest';
import { ensureTrained, recordTrainedVersion, TRAINING_FILE } from '../src/server/models/trained-builtins';

const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));
const root = path.join(projectRoot, 'models');
const dirs = (await fs.readdir(root, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, TRAINING_FILE)) && (!named.length || named.includes(d.name)))
  .map((d) => path.join(root, d.name))
  .sort();
if (!dirs.length) {
  console.error(`[train] no model folder with ${TRAINING_FILE}${named.length ? ` named ${named.join(', ')}` : ''} under ${root}`);
  process.exit(2);
}
let failed = false;
for (const dir of dirs) {
  const name = path.basename(dir);
  try {
    const r = await ensureTrained(dir, { force, log: (l) => console.log(`[train] ${l}`) });
    if ('skipped' in r) {
      console.error(`[train] ${name}: cannot train: ${r.skipped}`);
      failed = true;
      continue;
    }
    const p = r.provenance;
    if (!r.trained) console.log(`[train] ${name}@${p.version} is up to date with its inputs (--force retrains)`);
    const changed = await recordTrainedVersion(dir, p);
    console.log(`[train] ${name}@${p.version}: data ${p.trainingData.sha256.slice(0, 19)}…, code ${p.code.sha256.slice(0, 19)}…, weights ${p.weights.sha256.slice(0, 19)}… (${p.weights.bytes} bytes)`);
    if (changed) console.log(`[train] ${name}: new version ${p.version} recorded; commit models/${name}/${TRAINING_FILE} and models/${name}/model.json`);
  } catch (e) {
    console.error(`[train] ${name}: ${(e as Error).message}`);
    failed = true;
  }
}
await stopChemPool();
process.exit(failed ? 1 : 0);

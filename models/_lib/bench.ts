/**
 * Per-molecule time of one warm model process.
 *
 *   node --import tsx models/_lib/bench.ts models/rdkit-descriptors [count]
 *
 * Start-up (library load) is timed apart from the items, since the warm pool
 * pays it once per process, not per molecule.
 */
import { resolve } from 'node:path';
import { readManifest, startModelProcess } from './test-harness.js';

const SMILES = [
  'CC(=O)Oc1ccccc1C(=O)O',
  'c1ccccc1',
  'CCO',
  'CN1C=NC2=C1C(=O)N(C(=O)N2C)C',
  'CC(C)Cc1ccc(cc1)C(C)C(=O)O',
  'O=C(O)c1ccccc1O',
  'CC(=O)Nc1ccc(O)cc1',
  'CN1CCC[C@H]1c1cccnc1',
];

const dir = resolve(process.argv[2] ?? '.');
const count = Number(process.argv[3] ?? 1000);
const manifest = readManifest(dir);

const t0 = performance.now();
const model = startModelProcess(dir, manifest.runtime.command);
model.send('warmup', { smiles: 'CCO' });
await model.next('warmup');
const t1 = performance.now();

for (let i = 0; i < count; i++) model.send(i, { smiles: SMILES[i % SMILES.length]! });
let errors = 0;
for (let i = 0; i < count; i++) if ((await model.next(i)).error) errors++;
const t2 = performance.now();
await model.close();

console.log(
  `${manifest.slug}: start-up ${(t1 - t0).toFixed(0)} ms, ` +
    `${count} molecules in ${(t2 - t1).toFixed(0)} ms = ${((t2 - t1) / count).toFixed(3)} ms/molecule` +
    (errors ? `, ${errors} errors` : ''),
);

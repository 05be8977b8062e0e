// @ts-check
/**
 * One chemistry thread of the web process: its own RDKit MinimalLib instance, fed tasks by
 * chem-pool.ts. Plain JavaScript on purpose: a worker thread cannot load TypeScript (tsx's
 * loader does not reach workers), and Next.js does not bundle this file, so it must run as is.
 *
 * Protocol: the pool posts `{ id, op, items }`; the thread answers `{ id, results, ms }`, or
 * `{ id, results, threw: { index, message } }` when RDKit threw on item `index` (its instance is
 * then broken and the pool replaces the thread). Before each item the thread stores its index in
 * `workerData.progress`, so the pool knows which item was running if the thread dies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import initRDKitModule from '@rdkit/rdkit';

/** @typedef {{ canonical: string } | { svg: string } | { invalid: true }} ItemResult */
/** @typedef {{ smiles: string, width: number, height: number }} DepictItem */
/** @typedef {{ id: number, op: 'smiles' | 'molblock' | 'molblock-smiles' | 'depict', items: (string | DepictItem)[] }} Task */

if (!parentPort) throw new Error('chem-thread.mjs runs as a worker thread of the chemistry pool');
const port = parentPort;
const progress = new Int32Array(/** @type {SharedArrayBuffer} */ (workerData.progress));

/** @type {any} */
const rdkit = await /** @type {() => Promise<any>} */ (/** @type {unknown} */ (initRDKitModule))();

/**
 * @param {(mol: any) => ItemResult} read
 * @param {string} text
 * @returns {ItemResult}
 */
function withMol(text, read) {
  const mol = rdkit.get_mol(text);
  if (!mol) return { invalid: true };
  try {
    return mol.is_valid() ? read(mol) : { invalid: true };
  } finally {
    mol.delete();
  }
}

/**
 * @param {Task['op']} op
 * @param {string | DepictItem} item
 * @returns {ItemResult}
 */
function run(op, item) {
  if (op === 'smiles') return withMol(/** @type {string} */ (item), (mol) => ({ canonical: mol.get_smiles() }));
  if (op === 'molblock') return withMol(/** @type {string} */ (item), (mol) => ({ canonical: mol.get_molblock() }));
  if (op === 'molblock-smiles') return withMol(/** @type {string} */ (item), (mol) => ({ canonical: mol.get_smiles() }));
  const d = /** @type {DepictItem} */ (item);
  return withMol(d.smiles, (mol) => ({ svg: mol.get_svg_with_highlights(JSON.stringify({ width: d.width, height: d.height, clearBackground: false })) }));
}

port.on('message', (/** @type {Task} */ task) => {
  const started = performance.now();
  /** @type {ItemResult[]} */
  const results = [];
  for (let index = 0; index < task.items.length; index++) {
    Atomics.store(progress, 0, index);
    try {
      results.push(run(task.op, task.items[index]));
    } catch (e) {
      const message = e instanceof Error ? e.message : typeof e === 'number' ? `RDKit exception ${e}` : String(e);
      port.postMessage({ id: task.id, results, threw: { index, message }, ms: performance.now() - started });
      return;
    }
  }
  port.postMessage({ id: task.id, results, ms: performance.now() - started });
});

port.postMessage({ ready: true });

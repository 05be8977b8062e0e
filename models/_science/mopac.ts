/**
 * MOPAC heat of formation, shared by models/mopac-pm7, mopac-am1 and mopac-pm3
 * (each folder's main.ts only picks the Hamiltonian).
 *
 * Per molecule, in a fresh temp dir: RDKit checks the SMILES, then
 * `obabel --gen3d -omop -xk "<METHOD> 1SCF"` writes mol.mop (Open Babel appends
 * CHARGE=n from the formal charges), `mopac mol.mop` runs, and the heat of
 * formation, ionization potential and dipole are read from mol.out.
 *
 * 1SCF: one SCF at the Open Babel (MMFF94) geometry, no MOPAC geometry
 * optimisation. Cheap (~20 ms in MOPAC) and every method sees the same geometry,
 * but ΔHf comes out above the method's own optimum (aspirin, PM7: −142.8 at
 * 1SCF against −149.3 kcal/mol optimised).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';
import { loadRDKit } from '../_lib/rdkit.js';
import { build3d, checkGeometry, inspectSmiles } from './chem.js';
import { Deadline, ensureOk, itemBudgetMs, limiter, run, tail, withTempDir } from './run.js';

export type MopacMethod = 'PM7' | 'PM6' | 'AM1' | 'PM3';

/** Spin-state keywords by number of unpaired electrons. */
const MULTIPLICITY = ['', 'DOUBLET', 'TRIPLET', 'QUARTET', 'QUINTET', 'SEXTET'];

export interface MopacResult {
  heatOfFormation: number;
  ionizationPotential: number;
  dipoleMoment: number;
}

/** Reads the numbers from a MOPAC .out file; throws with MOPAC's own messages when one is missing. */
export function parseMopacOut(out: string): MopacResult {
  const heat = out.match(/FINAL HEAT OF FORMATION\s*=\s*(-?[\d.]+)\s*KCAL\/MOL/);
  if (!heat) throw new Error(`MOPAC gave no heat of formation: ${mopacSaid(out)}`);
  const ip = out.match(/IONIZATION POTENTIAL\s*=\s*(-?[\d.]+)\s*EV/);
  // The "DIPOLE  X Y Z TOTAL" table ends with "SUM  x y z total", in debye.
  const dipoleTable = out.lastIndexOf(' DIPOLE ');
  const sum = dipoleTable < 0 ? null : out.slice(dipoleTable).match(/\n\s*SUM\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)/);
  if (!ip || !sum) throw new Error(`MOPAC printed a heat of formation but no ${ip ? 'dipole' : 'ionization potential'}: ${mopacSaid(out)}`);
  const result = { heatOfFormation: Number(heat[1]), ionizationPotential: Number(ip[1]), dipoleMoment: Number(sum[4]) };
  for (const [key, value] of Object.entries(result)) {
    if (!Number.isFinite(value)) throw new Error(`MOPAC printed a non-numeric ${key}`);
  }
  return result;
}

/**
 * MOPAC reports problems inside the .out file (and still exits 0), in a starred
 * box "Error and normal termination messages …", or as free text near the end.
 */
export function mopacSaid(out: string): string {
  const box = out.indexOf('Error and normal termination messages');
  if (box >= 0) {
    const messages = out
      .slice(box)
      .split('\n')
      .slice(1)
      .map((l) => l.match(/^\s*\*\s+(.*?)\s*\*\s*$/)?.[1] ?? '')
      .filter((m) => m && !/JOB ENDED NORMALLY/i.test(m));
    if (messages.length) return messages.join(' ');
  }
  const errors = out.split('\n').filter((l) => /ERROR|NOT AVAILABLE|IMPOSSIBLE|UNABLE|CANNOT/i.test(l));
  return tail(errors.length ? errors.join('\n') : out, 500) || 'empty output';
}

/** Keywords for one molecule: the method, 1SCF, and for radicals UHF with the spin state RDKit assigns. */
export function mopacKeywords(method: MopacMethod, unpairedElectrons: number): string {
  const keywords = [method, '1SCF'];
  if (unpairedElectrons > 0) {
    const multiplicity = MULTIPLICITY[unpairedElectrons];
    if (!multiplicity) throw new Error(`MOPAC cannot handle ${unpairedElectrons} unpaired electrons`);
    keywords.push('UHF', multiplicity);
  }
  return keywords.join(' ');
}

/** Serves the model contract for one Hamiltonian. `mainUrl` locates model.json (for the time budget). */
export async function serveMopac(method: MopacMethod, mainUrl: string): Promise<void> {
  const rdkit = await loadRDKit();
  const budgetMs = itemBudgetMs(mainUrl);
  const limit = limiter();

  serveJsonl((input) => {
    const smiles = requireString(input, 'smiles');
    const info = inspectSmiles(rdkit, smiles);
    const keywords = mopacKeywords(method, info.unpairedElectrons);
    return limit(() =>
      withTempDir(`mopac-${method.toLowerCase()}`, async (dir) => {
        const deadline = new Deadline(budgetMs);
        const mop = await build3d(dir, smiles, 'mop', 'mol.mop', deadline, ['-xk', keywords]);
        checkGeometry(parseMopCoords(mop), smiles);
        // Open Babel and RDKit must agree on the charge, or the two read the SMILES differently.
        const obCharge = Number(mop.split('\n')[0]?.match(/CHARGE=(-?\d+)/)?.[1] ?? 0);
        if (obCharge !== info.charge) {
          throw new Error(`Open Babel gave charge ${obCharge} but the SMILES formal charges sum to ${info.charge}; not running MOPAC`);
        }
        const r = await run('mopac', ['mol.mop'], { cwd: dir, timeoutMs: deadline.left('MOPAC') });
        const out = await readFile(join(dir, 'mol.out'), 'utf8').catch(() => '');
        ensureOk(r, 'MOPAC', out ? mopacSaid(out) : undefined);
        if (!out) throw new Error(`MOPAC wrote no mol.out; it said:\n${tail(r.stdout + r.stderr) || 'nothing'}`);
        return { ...parseMopacOut(out), charge: info.charge };
      }),
    );
  });
}

/** Coordinates of a MOPAC Cartesian input as Open Babel writes it: "C  x 1 y 1 z 1" after three header lines. */
function parseMopCoords(mop: string): [number, number, number][] {
  return mop
    .split('\n')
    .slice(3)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 7)
    .map((f) => [Number(f[1]), Number(f[3]), Number(f[5])]);
}

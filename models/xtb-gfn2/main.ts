/**
 * GFN2-xTB single point (Bannwarth, Ehlert, Grimme, JCTC 2019) on an Open Babel
 * 3D structure: total energy, HOMO-LUMO gap and dipole moment from xtbout.json.
 *
 * Per molecule, in a fresh temp dir: RDKit checks the SMILES and gives the charge
 * and unpaired electrons, `obabel --gen3d` writes mol.xyz,
 * `xtb mol.xyz --gfn 2 --json --chrg n [--uhf m]` runs with OMP_NUM_THREADS=1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';
import { loadRDKit } from '../_lib/rdkit.js';
import { build3d, checkGeometry, inspectSmiles, parseXyz } from '../_science/chem.js';
import { Deadline, ensureOk, itemBudgetMs, limiter, run, tail, withTempDir, type RunResult } from '../_science/run.js';

/** xtb writes dipoles in atomic units (e·bohr). */
const DEBYE_PER_AU = 2.541746473;
/** Elements GFN2-xTB is parametrised for: H to Rn. */
const MAX_Z = 86;

const rdkit = await loadRDKit();
const budgetMs = itemBudgetMs(import.meta.url);
const limit = limiter();

interface XtbJson {
  'total energy'?: number;
  'HOMO-LUMO gap/eV'?: number;
  dipole?: number[];
}

/** xtb explains fatal errors on stdout between `####` rules; stderr holds a Fortran backtrace. */
function xtbSaid(r: RunResult): string {
  const error = r.stdout.match(/\[ERROR\][\s\S]*?(?=\n#{20,}|$)/);
  return error ? tail(error[0], 600) : tail(r.stderr) || tail(r.stdout);
}

serveJsonl((input) => {
  const smiles = requireString(input, 'smiles');
  const info = inspectSmiles(rdkit, smiles);
  if (info.maxAtomicNumber > MAX_Z) {
    throw new Error(`GFN2-xTB has no parameters for element Z=${info.maxAtomicNumber} in SMILES "${smiles}" (H to Rn only)`);
  }
  return limit(() =>
    withTempDir('xtb', async (dir) => {
      const deadline = new Deadline(budgetMs);
      const xyz = await build3d(dir, smiles, 'xyz', 'mol.xyz', deadline);
      checkGeometry(parseXyz(xyz).coords, smiles);

      const args = ['mol.xyz', '--gfn', '2', '--json', '--chrg', String(info.charge)];
      if (info.unpairedElectrons > 0) args.push('--uhf', String(info.unpairedElectrons));
      else if (info.electrons % 2 === 1) args.push('--uhf', '1');
      const r = await run('xtb', args, { cwd: dir, timeoutMs: deadline.left('xtb'), env: { OMP_NUM_THREADS: '1' } });
      ensureOk(r, 'xtb', xtbSaid(r));

      const raw = await readFile(join(dir, 'xtbout.json'), 'utf8').catch(() => undefined);
      if (raw === undefined) throw new Error(`xtb finished but wrote no xtbout.json; it said:\n${xtbSaid(r)}`);
      let json: XtbJson;
      try {
        json = JSON.parse(raw) as XtbJson;
      } catch {
        throw new Error('xtb wrote an xtbout.json that is not valid JSON');
      }
      const totalEnergy = json['total energy'];
      const homoLumoGap = json['HOMO-LUMO gap/eV'];
      const d = json.dipole;
      if (typeof totalEnergy !== 'number' || !Number.isFinite(totalEnergy)) throw new Error('xtbout.json has no finite "total energy"');
      if (typeof homoLumoGap !== 'number' || !Number.isFinite(homoLumoGap)) throw new Error('xtbout.json has no finite "HOMO-LUMO gap/eV"');
      if (!Array.isArray(d) || d.length !== 3 || !d.every(Number.isFinite)) throw new Error('xtbout.json has no dipole vector');
      return {
        totalEnergy,
        homoLumoGap,
        dipoleMoment: Math.hypot(d[0]!, d[1]!, d[2]!) * DEBYE_PER_AU,
        charge: info.charge,
      };
    }),
  );
});

/**
 * AutoDock Vina docking score against Abl kinase (PDB 1IEP, chain B), the
 * receptor Debian's autodock-vina ships as test data.
 *
 * Per molecule, in a fresh temp dir: RDKit checks the SMILES, `obabel --gen3d -h
 * -opdbqt` prepares the ligand (Gasteiger charges, torsion tree), and
 * `vina --exhaustiveness 2 --cpu 1 --seed 42` docks it into the box of the
 * package's own conf.txt, which encloses the imatinib (ATP) pocket. The best
 * pose's affinity is read from out.pdbqt.
 *
 * The ligand.pdbqt shipped beside the receptor (imatinib, "STI 202") is NOT in
 * the receptor's frame — it overlaps chain B's backbone around Ser420/Trp423 — so
 * its centre is useless as a box centre. Redocking imatinib from SMILES into the
 * conf.txt box puts it in the ATP pocket (Thr315, Met318, Glu286, Asp381) at
 * about −10 kcal/mol.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';
import { loadRDKit } from '../_lib/rdkit.js';
import { build3d, inspectSmiles } from '../_science/chem.js';
import { Deadline, ensureOk, itemBudgetMs, limiter, run, withTempDir } from '../_science/run.js';

const TEST_DATA = '/usr/share/doc/autodock-vina/test-data';
/** The search box of TEST_DATA/conf.txt, in Å (receptor frame). */
const BOX = { center: [11, 90.5, 57.5], size: [22, 24, 28] } as const;
const EXHAUSTIVENESS = 2;
const SEED = 42;
/** Vina's default: poses within 3 kcal/mol of the best are written. */
const ENERGY_RANGE = 3;
const NUM_MODES = 9;
/** AutoDock's classic 32-torsion cap: beyond it a search at exhaustiveness 2 is noise that still takes minutes. */
const MAX_TORSIONS = 32;

/**
 * Vina cannot read gzip: the receptor is unpacked into a private temp dir
 * (removed at exit) on first use, and again should that copy vanish (a warm
 * process can outlive the day-old temp sweep). Missing test data is an item error.
 */
let unpacked: string | undefined;
function receptorPath(): string {
  const plain = join(TEST_DATA, 'protein.pdbqt');
  if (existsSync(plain)) return plain;
  if (unpacked && existsSync(unpacked)) return unpacked;
  const gz = `${plain}.gz`;
  if (!existsSync(gz)) {
    throw new Error(
      `the 1IEP receptor is missing: neither ${plain} nor ${gz} exists ` +
        '(install the Debian package autodock-vina with its docs: npm run models:science; slim images may exclude /usr/share/doc)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'mgw-sci-vina-receptor-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  unpacked = join(dir, 'protein.pdbqt');
  writeFileSync(unpacked, gunzipSync(readFileSync(gz)));
  return unpacked;
}

const rdkit = await loadRDKit();
const budgetMs = itemBudgetMs(import.meta.url);
const limit = limiter();
try {
  receptorPath();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
}

/** Affinities (kcal/mol) of the poses in a Vina output, best first. */
function parseVinaOut(pdbqt: string): number[] {
  return [...pdbqt.matchAll(/^REMARK VINA RESULT:\s+(-?[\d.]+)/gm)].map((m) => Number(m[1]));
}

serveJsonl((input) => {
  const smiles = requireString(input, 'smiles');
  const info = inspectSmiles(rdkit, smiles);
  const receptor = receptorPath();
  if (info.fragments > 1) {
    throw new Error(`SMILES "${smiles}" has ${info.fragments} disconnected parts; dock one molecule (strip salts and solvents first)`);
  }
  return limit(() =>
    withTempDir('vina', async (dir) => {
      const deadline = new Deadline(budgetMs);
      const ligand = await build3d(dir, smiles, 'pdbqt', 'lig.pdbqt', deadline, ['-h']);
      const torsions = Number(ligand.match(/REMARK\s+(\d+) active torsions/)?.[1] ?? 0);
      if (torsions > MAX_TORSIONS) {
        throw new Error(`SMILES "${smiles}" has ${torsions} rotatable bonds; Vina handles at most ${MAX_TORSIONS}`);
      }
      const [cx, cy, cz] = BOX.center;
      const [sx, sy, sz] = BOX.size;
      // prettier-ignore
      const args = [
        '--receptor', receptor, '--ligand', 'lig.pdbqt',
        '--center_x', String(cx), '--center_y', String(cy), '--center_z', String(cz),
        '--size_x', String(sx), '--size_y', String(sy), '--size_z', String(sz),
        '--exhaustiveness', String(EXHAUSTIVENESS), '--cpu', '1', '--seed', String(SEED),
        '--num_modes', String(NUM_MODES), '--energy_range', String(ENERGY_RANGE),
        '--out', 'out.pdbqt',
      ];
      const r = await run('vina', args, { cwd: dir, timeoutMs: deadline.left('Vina docking') });
      ensureOk(r, 'Vina docking');
      const out = await readFile(join(dir, 'out.pdbqt'), 'utf8').catch(() => '');
      const affinities = parseVinaOut(out);
      const best = affinities[0];
      if (best === undefined || !Number.isFinite(best)) {
        throw new Error(`Vina wrote no scored pose for SMILES "${smiles}"${r.stderr.trim() ? `; it said:\n${r.stderr.trim().slice(-400)}` : ''}`);
      }
      return { affinity: best, poses: affinities.length, torsions };
    }),
  );
});

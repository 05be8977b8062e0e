/**
 * Chemistry shared by the science models: strict SMILES checking with RDKit
 * (Open Babel accepts "CC(" and unkekulizable rings with a mere warning), the
 * charge and spin the QM codes need, and Open Babel's 3D builder.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withMol, type RDKit } from '../_lib/rdkit.js';
import { ensureOk, run, tail, type Deadline } from './run.js';

export interface SmilesInfo {
  /** Sum of formal charges. */
  charge: number;
  /** Radical electrons RDKit assigns (e.g. 1 for [CH3], 2 for [CH2]). */
  unpairedElectrons: number;
  /** Total electrons: atomic numbers + hydrogens − charge. */
  electrons: number;
  atoms: number;
  heavyAtoms: number;
  /** Disconnected pieces ("CC(=O)[O-].[Na+]" has 2). */
  fragments: number;
  /** Highest atomic number present; 0 for a molecule of dummy atoms only. */
  maxAtomicNumber: number;
  /** Whether the SMILES has dummy atoms (`*`), which no physics code can place. */
  hasDummyAtoms: boolean;
}

interface CommonChemAtom {
  z?: number;
  impHs?: number;
  chg?: number;
  nRad?: number;
}

/** Parses `smiles` with RDKit (throws a user-facing error if it cannot) and counts charge, electrons and pieces. */
export function inspectSmiles(rdkit: RDKit, smiles: string): SmilesInfo {
  const info = withMol(rdkit, smiles, (mol) => {
    const json = JSON.parse(mol.get_json()) as {
      molecules: { atoms: CommonChemAtom[]; bonds?: { atoms: [number, number] }[] }[];
    };
    const { atoms, bonds = [] } = json.molecules[0]!;
    let charge = 0;
    let unpairedElectrons = 0;
    let electrons = 0;
    let hydrogens = 0;
    for (const a of atoms) {
      const z = a.z ?? 6; // commonchem omits the defaults: carbon, no Hs, neutral
      charge += a.chg ?? 0;
      unpairedElectrons += a.nRad ?? 0;
      electrons += z + (a.impHs ?? 0);
      hydrogens += a.impHs ?? 0;
    }
    electrons -= charge;
    // Union-find over bonds for the number of disconnected pieces.
    const parent = atoms.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (const b of bonds) parent[find(b.atoms[0])] = find(b.atoms[1]);
    const fragments = new Set(atoms.map((_, i) => find(i))).size;
    const heavyAtoms = atoms.filter((a) => (a.z ?? 6) > 1).length;
    const zs = atoms.map((a) => a.z ?? 6);
    return {
      charge,
      unpairedElectrons,
      electrons,
      atoms: atoms.length + hydrogens,
      heavyAtoms,
      fragments,
      maxAtomicNumber: Math.max(0, ...zs),
      hasDummyAtoms: zs.includes(0),
    };
  });
  if (info.hasDummyAtoms) throw new Error(`SMILES "${smiles}" has dummy atoms (*); give a complete molecule`);
  return info;
}

/** Open Babel's log without its banner lines, for error messages. */
export function obabelSaid(stderr: string): string {
  return tail(
    stderr
      .split('\n')
      .filter((l) => !/^=+$/.test(l.trim()) && !/^\d+ molecules? converted$/.test(l.trim()))
      .join('\n'),
    400,
  );
}

/**
 * Builds 3D coordinates with `obabel --gen3d` (MMFF94 clean-up and a rotor search)
 * and writes them as `format` to `dir/out`. The SMILES goes in through a file, so
 * nothing in it can be read as an option. Returns the written text.
 *
 * Open Babel's conformer search is randomised: the same SMILES gives slightly
 * different geometries from run to run.
 */
export async function build3d(
  dir: string,
  smiles: string,
  format: string,
  out: string,
  deadline: Deadline,
  extraArgs: string[] = [],
): Promise<string> {
  await writeFile(join(dir, 'in.smi'), `${smiles}\n`);
  const r = await run('obabel', ['-ismi', 'in.smi', '--gen3d', ...extraArgs, `-o${format}`, '-O', out], {
    cwd: dir,
    timeoutMs: deadline.left('Open Babel 3D build'),
  });
  ensureOk(r, 'Open Babel 3D build', obabelSaid(r.stderr));
  const text = await readFile(join(dir, out), 'utf8').catch(() => '');
  if (!text.trim() || /\b0 molecules converted/.test(r.stderr)) {
    throw new Error(`Open Babel could not build 3D coordinates for SMILES "${smiles}": ${obabelSaid(r.stderr) || 'no output'}`);
  }
  return text;
}

/** Atoms of an XYZ file: symbols and coordinates in Å. */
export function parseXyz(text: string): { symbols: string[]; coords: [number, number, number][] } {
  const lines = text.split('\n');
  const n = Number.parseInt(lines[0] ?? '', 10);
  const symbols: string[] = [];
  const coords: [number, number, number][] = [];
  for (let i = 2; i < 2 + n; i++) {
    const [symbol, x, y, z] = (lines[i] ?? '').trim().split(/\s+/);
    symbols.push(symbol ?? '?');
    coords.push([Number(x), Number(y), Number(z)]);
  }
  return { symbols, coords };
}

/**
 * Rejects geometries a QM code would choke on or silently mangle: non-finite
 * coordinates, or two atoms on top of each other (what a failed 3D build can
 * leave behind, e.g. everything at the origin).
 */
export function checkGeometry(coords: [number, number, number][], smiles: string): void {
  if (coords.length === 0) throw new Error(`Open Babel produced no atoms for SMILES "${smiles}"`);
  if (coords.some((c) => c.some((v) => !Number.isFinite(v)))) {
    throw new Error(`Open Babel produced non-numeric coordinates for SMILES "${smiles}"`);
  }
  let closest = Infinity;
  for (let i = 0; i < coords.length; i++) {
    for (let j = i + 1; j < coords.length; j++) {
      const [a, b] = [coords[i]!, coords[j]!];
      closest = Math.min(closest, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
    }
  }
  if (closest < 0.4) {
    throw new Error(
      `Open Babel's 3D structure for SMILES "${smiles}" has two atoms ${closest.toFixed(2)} Å apart; ` +
        'its 3D builder failed on this molecule',
    );
  }
}

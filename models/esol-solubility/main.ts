/**
 * Delaney's ESOL (J. Chem. Inf. Comput. Sci. 2004, 44, 1000) with the
 * paper's coefficients, fed with RDKit descriptors instead of Daylight's.
 */
import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';
import { descriptors, loadRDKit, withMol } from '../_lib/rdkit.js';

const rdkit = await loadRDKit();
const aromaticAtom = rdkit.get_qmol('[a]');
if (!aromaticAtom) throw new Error('RDKit rejected the [a] query');

serveJsonl((input) => {
  const smiles = requireString(input, 'smiles');
  return withMol(rdkit, smiles, (mol) => {
    const d = descriptors(mol);
    if (d.NumHeavyAtoms === 0) throw new Error(`SMILES "${smiles}" has no heavy atoms`);
    // Matches are capped at 1000 by default; a large polyaromatic would be undercounted.
    const matches = mol.get_substruct_matches(
      aromaticAtom,
      JSON.stringify({ maxMatches: mol.get_num_atoms() + 1 }),
    );
    // No match comes back as "{}" rather than "[]".
    const parsed: unknown = JSON.parse(matches);
    const aromaticAtoms = Array.isArray(parsed) ? parsed.length : 0;
    const aromaticProportion = aromaticAtoms / d.NumHeavyAtoms;
    const logS =
      0.16 -
      0.63 * d.CrippenClogP -
      0.0062 * d.amw +
      0.066 * d.NumRotatableBonds -
      0.74 * aromaticProportion;
    if (!Number.isFinite(logS)) throw new Error(`ESOL gave a non-finite logS for SMILES "${smiles}"`);
    return {
      logS,
      clogP: d.CrippenClogP,
      mw: d.amw,
      rotatableBonds: d.NumRotatableBonds,
      aromaticProportion,
    };
  });
});

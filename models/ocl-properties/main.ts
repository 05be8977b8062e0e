// openchemlib v9 is ESM with named exports (no default export).
import { Molecule, MoleculeProperties } from 'openchemlib';
import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';

function parse(smiles: string): Molecule {
  try {
    return Molecule.fromSmiles(smiles);
  } catch (err) {
    // OCL throws GWT exception objects; keep their text but name the SMILES.
    const raw = err instanceof Error ? err.message : String(err);
    const reason = raw.replace(/^Class\$\w+:\s*/, '');
    throw new Error(`OpenChemLib could not parse SMILES "${smiles}": ${reason}`);
  }
}

serveJsonl((input) => {
  const smiles = requireString(input, 'smiles');
  const mol = parse(smiles);
  if (mol.getAllAtoms() === 0) throw new Error(`SMILES "${smiles}" has no atoms`);
  const props = new MoleculeProperties(mol);
  return { logP: props.logP, logS: props.logS, psa: props.polarSurfaceArea };
});

import { requireString, serveJsonl } from '../_lib/serve-jsonl.js';
import { descriptors, loadRDKit, withMol } from '../_lib/rdkit.js';

const rdkit = await loadRDKit();

serveJsonl((input) => {
  const smiles = requireString(input, 'smiles');
  return withMol(rdkit, smiles, (mol) => {
    const d = descriptors(mol);
    return {
      logP: d.CrippenClogP,
      tpsa: d.tpsa,
      mw: d.amw,
      // Lipinski's rule-of-five counts (N+O / NH+OH), the ones chemists quote.
      hba: d.lipinskiHBA,
      hbd: d.lipinskiHBD,
      rotatableBonds: d.NumRotatableBonds,
    };
  });
});

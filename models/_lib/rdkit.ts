/** RDKit MinimalLib (WASM) helpers shared by the RDKit-based models. */
import initRDKitModule, { type MainModule } from '@rdkit/rdkit';

export type RDKit = MainModule;
export type Mol = NonNullable<ReturnType<RDKit['get_mol']>>;

/** Subset of `JSON.parse(mol.get_descriptors())` the models use. */
export interface RDKitDescriptors {
  CrippenClogP: number;
  tpsa: number;
  amw: number;
  lipinskiHBA: number;
  lipinskiHBD: number;
  NumRotatableBonds: number;
  NumHeavyAtoms: number;
}

export function loadRDKit(): Promise<RDKit> {
  return initRDKitModule();
}

/**
 * Parse `smiles`, run `fn`, and always free the WASM-side molecule: a warm
 * process handles many items, so one leaked Mol per item adds up.
 */
export function withMol<T>(rdkit: RDKit, smiles: string, fn: (mol: Mol) => T): T {
  const mol = rdkit.get_mol(smiles);
  if (!mol) throw new Error(`RDKit could not parse SMILES "${smiles}"`);
  try {
    // get_mol("") yields an empty molecule that later calls choke on.
    if (mol.get_num_atoms() === 0) throw new Error(`SMILES "${smiles}" has no atoms`);
    return fn(mol);
  } finally {
    mol.delete();
  }
}

export function descriptors(mol: Mol): RDKitDescriptors {
  return JSON.parse(mol.get_descriptors()) as RDKitDescriptors;
}

import initRDKitModule, { type MainModule as RDKitModule } from '@rdkit/rdkit';

let loading: Promise<RDKitModule> | undefined;

/** RDKit MinimalLib (WASM), loaded once per process. */
export function getRDKit(): Promise<RDKitModule> {
  loading ??= (initRDKitModule as unknown as () => Promise<RDKitModule>)();
  return loading;
}

export interface ParsedMolecule {
  canonical: string;
  inchikey?: string;
}

/** Parses a SMILES with RDKit; null when RDKit cannot read it. */
export async function parseSmiles(smiles: string): Promise<ParsedMolecule | null> {
  const rdkit = await getRDKit();
  const trimmed = smiles.trim();
  if (!trimmed || trimmed.length > 2000) return null;
  const mol = rdkit.get_mol(trimmed);
  if (!mol) return null;
  try {
    if (!mol.is_valid()) return null;
    return { canonical: mol.get_smiles() };
  } finally {
    mol.delete();
  }
}

/** Parses an MDL MOL block (one SDF record); its canonical form is RDKit's rewrite of it. */
export async function parseMolblock(molblock: string): Promise<ParsedMolecule | null> {
  const rdkit = await getRDKit();
  if (!molblock.includes('M  END') && !molblock.includes('V2000') && !molblock.includes('V3000')) return null;
  const mol = rdkit.get_mol(molblock);
  if (!mol) return null;
  try {
    if (!mol.is_valid()) return null;
    return { canonical: mol.get_molblock() };
  } finally {
    mol.delete();
  }
}

/** An SVG drawing of a molecule, or null when the SMILES does not parse. */
export async function depictSmiles(smiles: string, width = 250, height = 200): Promise<string | null> {
  const rdkit = await getRDKit();
  const mol = rdkit.get_mol(smiles.trim());
  if (!mol) return null;
  try {
    if (!mol.is_valid()) return null;
    return mol.get_svg_with_highlights(JSON.stringify({ width, height, clearBackground: false }));
  } finally {
    mol.delete();
  }
}

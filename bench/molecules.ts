import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const FALLBACK = ['CC(=O)Oc1ccccc1C(=O)O', 'c1ccccc1', 'CCO', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O'];

/**
 * `count` SMILES cycled from the Huuskonen solubility set in ../shared/data (1,025 real
 * molecules); a few drug SMILES when that folder is absent.
 */
export function benchMolecules(root: string, count: number): string[] {
  const file = path.resolve(root, '../shared/data/huuskonen-solubility-train.csv');
  const pool = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]?.trim())
        .filter((s): s is string => !!s)
    : FALLBACK;
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]);
}

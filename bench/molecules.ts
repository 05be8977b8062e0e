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

const FRAGMENTS = ['C', 'N', 'O', 'C(C)', 'C(F)', 'C(Cl)', 'C(N)', 'C(=O)'];

/**
 * The `i`-th of up to 8^7 (about 2 million) different drug-sized molecules: a benzoic acid head
 * and a chain of seven fragments spelled by `i`'s base-8 digits (`salt` picks another family).
 * For what a cache must not answer: every molecule is one no earlier part of the run has seen.
 */
export function distinctMolecule(i: number, salt = 0): string {
  const head = ['OC(=O)c1ccccc1', 'NC(=O)c1ccccc1', 'OC(=O)c1ccncc1', 'N#Cc1ccccc1'][salt % 4];
  let chain = '';
  for (let d = 0, n = i; d < 7; d++, n = Math.floor(n / 8)) chain += FRAGMENTS[n % 8];
  return head + chain;
}

/** `count` distinct molecules from `distinctMolecule`, starting at `from`. */
export function distinctMolecules(count: number, salt = 0, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => distinctMolecule(from + k, salt));
}

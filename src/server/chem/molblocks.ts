import { getChemPool, newBudget } from './chem-pool';
import { moleculeLimitProblem } from './molecule-size';

/**
 * MDL MOL blocks of SMILES, in order, through the chemistry pool (RDKit's `get_molblock`); null
 * for one that is past the limits or that RDKit cannot read. Identical SMILES are drawn once.
 * Each call has its own chemistry budget, so a long download asks in batches.
 */
export async function molblocksOf(smiles: string[], o: { requester: string }): Promise<(string | null)[]> {
  const unique = [...new Set(smiles.filter((s) => s && !moleculeLimitProblem('smiles', s)))];
  const results = await getChemPool().run('molblock', unique, { requester: o.requester, budget: newBudget() });
  const byValue = new Map(unique.map((s, i) => [s, results[i]]));
  return smiles.map((s) => {
    const r = byValue.get(s);
    return r && 'canonical' in r ? r.canonical : null;
  });
}

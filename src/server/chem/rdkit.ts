import { AppError } from '../errors';
import { getChemPool, type ChemBudget, type ChemResult } from './chem-pool';
import { moleculeLimitProblem } from './molecule-size';

/**
 * The web process's RDKit calls. Every one goes through the chemistry pool (worker threads), after
 * the limits in molecule-size.ts: nothing here runs RDKit on the event loop.
 */

export interface ParsedMolecule {
  canonical: string;
}

export interface ChemCallOptions {
  /** Whose work this is (a user id, or `ip:…` when anonymous): the pool serves requesters in turn. */
  requester?: string;
  budget?: ChemBudget;
}

/** What RDKit says about one molecule: its canonical form, or why it was refused. */
export type MoleculeOutcome = { canonical: string } | { problem: 'limit' | 'invalid' | 'failed'; message: string };

const ANONYMOUS = 'anonymous';

/** Words for a result the pool could not turn into a molecule. */
export function rdkitFailure(reason: string): string {
  return `RDKit could not process this molecule (${reason}); it was refused so that other molecules are not affected`;
}

function outcomeOf(r: ChemResult): MoleculeOutcome {
  if ('canonical' in r) return { canonical: r.canonical };
  if ('failed' in r) return { problem: 'failed', message: rdkitFailure(r.failed) };
  return { problem: 'invalid', message: 'RDKit cannot parse it' };
}

/**
 * Canonicalises many molecules of one format, in order: limits first (the string never reaches
 * RDKit past them), then the pool. Identical strings are parsed once.
 */
export async function canonicalizeMany(format: 'smiles' | 'molblock', values: string[], o: ChemCallOptions = {}): Promise<MoleculeOutcome[]> {
  const out: (MoleculeOutcome | undefined)[] = new Array(values.length);
  const unique = new Map<string, number[]>();
  for (let i = 0; i < values.length; i++) {
    // Long lists are counted in slices, so other requests are served in between.
    if (i % 1000 === 999) await new Promise<void>((r) => setImmediate(r));
    const raw = values[i];
    const value = format === 'smiles' ? raw.trim() : raw;
    const problem = value ? moleculeLimitProblem(format, value) : 'is empty';
    if (problem) out[i] = { problem: 'limit', message: problem };
    else {
      const at = unique.get(value);
      if (at) at.push(i);
      else unique.set(value, [i]);
    }
  }
  const keys = [...unique.keys()];
  const results = await getChemPool().run(format, keys, { requester: o.requester ?? ANONYMOUS, budget: o.budget });
  keys.forEach((k, j) => {
    const outcome = outcomeOf(results[j]);
    for (const i of unique.get(k)!) out[i] = outcome;
  });
  return out as MoleculeOutcome[];
}

/** The canonical SMILES of MOL blocks (an SDF file's records), in order, after the MOL block limits. */
export async function smilesOfMolblocks(values: string[], o: ChemCallOptions = {}): Promise<MoleculeOutcome[]> {
  const out: (MoleculeOutcome | undefined)[] = new Array(values.length);
  const todo: number[] = [];
  values.forEach((v, i) => {
    const problem = v.trim() ? moleculeLimitProblem('molblock', v) : 'is empty';
    if (problem) out[i] = { problem: 'limit', message: problem };
    else todo.push(i);
  });
  const results = todo.length ? await getChemPool().run('molblock-smiles', todo.map((i) => values[i]), { requester: o.requester ?? ANONYMOUS, budget: o.budget }) : [];
  todo.forEach((i, k) => (out[i] = outcomeOf(results[k])));
  return out as MoleculeOutcome[];
}

/** Parses a SMILES; null when it is refused (limits) or RDKit cannot read it. */
export async function parseSmiles(smiles: string, o: ChemCallOptions = {}): Promise<ParsedMolecule | null> {
  const [r] = await canonicalizeMany('smiles', [smiles], o);
  return 'canonical' in r ? r : null;
}

/** Parses an MDL MOL block (one SDF record); its canonical form is RDKit's rewrite of it. */
export async function parseMolblock(molblock: string, o: ChemCallOptions = {}): Promise<ParsedMolecule | null> {
  const [r] = await canonicalizeMany('molblock', [molblock], o);
  return 'canonical' in r ? r : null;
}

/** An SVG drawing of a SMILES; INVALID_INPUT (naming the limit, or RDKit's refusal) otherwise. */
export async function depictSmiles(smiles: string, width: number, height: number, o: ChemCallOptions = {}): Promise<string> {
  const value = smiles.trim();
  const problem = value ? moleculeLimitProblem('smiles', value) : 'is empty';
  if (problem) throw new AppError('INVALID_INPUT', `the SMILES ${problem}`);
  const [r] = await getChemPool().run('depict', [{ smiles: value, width, height }], { requester: o.requester ?? ANONYMOUS, budget: o.budget });
  if ('svg' in r) return r.svg;
  if ('failed' in r) throw new AppError('INVALID_INPUT', rdkitFailure(r.failed));
  throw new AppError('INVALID_INPUT', `RDKit cannot parse the SMILES "${value.slice(0, 100)}"; check ring closures, brackets and atom symbols`);
}

const PROBE = { smiles: 'OC(=O)c1ccccc1OC(C)=O', canonical: 'CC(=O)Oc1ccccc1C(=O)O' };

/**
 * Whether the chemistry pool answers right now: a real parse of aspirin through a thread, not a
 * remembered status, so a broken or stuck pool is reported as such.
 */
export async function chemistryHealth(timeoutMs = 10_000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the chemistry threads within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [r] = await Promise.race([getChemPool().run('smiles', [PROBE.smiles], { requester: 'healthz' }), timeout]);
    if ('canonical' in r && r.canonical === PROBE.canonical) return { ok: true };
    return { ok: false, error: `the chemistry threads answered ${JSON.stringify(r).slice(0, 200)} for aspirin` };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

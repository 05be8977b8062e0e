import { inputLimits, LIMIT_ENV, type InputLimits } from '../limits';

export interface SmilesSize {
  atoms: number;
  ringClosures: number;
}

const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * Atoms and ring-closure bonds of a SMILES, counted without parsing it: organic-subset atoms
 * (Cl and Br as one), aromatic atoms, `*` and bracket atoms count one each (an H count inside
 * brackets is not an atom; `[H]` is). A ring-closure bond is counted when its number opens.
 * Counts are an upper bound for what RDKit will build, which is what a limit needs.
 */
export function smilesSize(smiles: string): SmilesSize {
  let atoms = 0;
  let ringClosures = 0;
  const open = new Set<string>();
  const ring = (label: string) => {
    if (open.has(label)) open.delete(label);
    else (open.add(label), ringClosures++);
  };
  for (let i = 0; i < smiles.length; i++) {
    const c = smiles[i];
    if (c === '[') {
      atoms++;
      const end = smiles.indexOf(']', i + 1);
      if (end < 0) break;
      i = end;
    } else if ((c === 'C' && smiles[i + 1] === 'l') || (c === 'B' && smiles[i + 1] === 'r')) {
      atoms++;
      i++;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '*') {
      atoms++;
    } else if (isDigit(c)) {
      ring(c);
    } else if (c === '%') {
      // %nn, or RDKit's %(nnn).
      if (smiles[i + 1] === '(') {
        const end = smiles.indexOf(')', i + 2);
        if (end < 0) break;
        ring(smiles.slice(i + 2, end));
        i = end;
      } else if (isDigit(smiles[i + 1] ?? '') && isDigit(smiles[i + 2] ?? '')) {
        ring(smiles.slice(i + 1, i + 3));
        i += 2;
      }
    }
  }
  return { atoms, ringClosures };
}

/** Atoms a MOL block declares: the V2000 counts line, or V3000's `M  V30 COUNTS`; null when it has neither. */
export function molblockAtoms(molblock: string): number | null {
  const v3000 = /^M {2}V30 COUNTS\s+(\d+)/m.exec(molblock);
  if (v3000) return Number(v3000[1]);
  const lines = molblock.split(/\r?\n/, 4);
  const counts = lines[3];
  if (counts === undefined || !/V2000/.test(counts)) return null;
  const n = Number(counts.slice(0, 3));
  return Number.isFinite(n) ? n : null;
}

/**
 * Why a molecule must not reach RDKit — too long, too many atoms or rings — or null. The text
 * follows "field "smiles" …" and names the limit and its variable.
 */
export function moleculeLimitProblem(format: 'smiles' | 'molblock', value: string, limits: InputLimits = inputLimits()): string | null {
  if (format === 'smiles') {
    if (value.length > limits.smilesLength) {
      return `is ${value.length} characters long; the limit is ${limits.smilesLength} (${LIMIT_ENV.smilesLength})`;
    }
    const { atoms, ringClosures } = smilesSize(value);
    if (atoms > limits.atoms) return `has ${atoms} atoms; the limit is ${limits.atoms} (${LIMIT_ENV.atoms})`;
    if (ringClosures > limits.ringClosures) {
      return `has ${ringClosures} ring closures; the limit is ${limits.ringClosures} (${LIMIT_ENV.ringClosures})`;
    }
    return null;
  }
  if (value.length > limits.molblockLength) {
    return `is ${value.length} characters long; the limit for a MOL block is ${limits.molblockLength} (${LIMIT_ENV.molblockLength})`;
  }
  const atoms = molblockAtoms(value);
  if (atoms === null) return 'is not a valid MOL block: it has no V2000 counts line (line 4) or V3000 COUNTS line; send one SDF record with its counts line and "M  END"';
  if (atoms > limits.atoms) return `has ${atoms} atoms; the limit is ${limits.atoms} (${LIMIT_ENV.atoms})`;
  return null;
}

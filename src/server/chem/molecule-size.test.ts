import { afterEach, describe, expect, it } from 'vitest';
import { ASPIRIN, MAITOTOXIN, PACLITAXEL, peptide, POISON, UBIQUITIN_1_60 } from '../../../test/fixtures/chem/molecules';
import { molblockAtoms, moleculeLimitProblem, smilesSize } from './molecule-size';

afterEach(() => {
  delete process.env.GATEWAY_MAX_ATOMS;
  delete process.env.GATEWAY_MAX_RING_CLOSURES;
});

describe('counting a SMILES without parsing it', () => {
  // Each count was checked against RDKit's get_num_atoms() and its ring count.
  it.each([
    ['aspirin', ASPIRIN, 13, 1],
    ['caffeine', 'Cn1cnc2c1c(=O)n(C)c(=O)n2C', 14, 2],
    ['paclitaxel', PACLITAXEL, 62, 7],
    ['maitotoxin', MAITOTOXIN, 234, 32],
    ['ubiquitin 1–60 as a peptide', peptide(UBIQUITIN_1_60), 475, 6],
  ])('%s', (_name, smiles, atoms, rings) => {
    expect(smilesSize(smiles)).toEqual({ atoms, ringClosures: rings });
  });

  it('counts bracket atoms once, not their hydrogens, but an explicit [H] is an atom', () => {
    expect(smilesSize('[NH4+]').atoms).toBe(1);
    expect(smilesSize('[13CH3][C@@H](O)[2H]').atoms).toBe(4);
    expect(smilesSize('[H][H]').atoms).toBe(2);
  });

  it('reads Cl and Br as one atom, and two-digit and %(n) ring closures', () => {
    expect(smilesSize('ClC(Br)Cl').atoms).toBe(4);
    expect(smilesSize('C%10CC%10C%(123)CC%(123)')).toEqual({ atoms: 6, ringClosures: 2 });
    // A closure number may be used again once closed.
    expect(smilesSize('C1CC1C1CC1').ringClosures).toBe(2);
  });

  it('counts what broke RDKit before', () => {
    expect(smilesSize(POISON.chain620).atoms).toBe(620);
    expect(smilesSize(POISON.rings400)).toEqual({ atoms: 1200, ringClosures: 400 });
    expect(smilesSize(POISON.benzenes250)).toEqual({ atoms: 1500, ringClosures: 250 });
  });
});

describe('the molecule limits', () => {
  it('admit drug-like molecules, natural products and 60-residue peptides by default', () => {
    for (const smiles of [ASPIRIN, PACLITAXEL, MAITOTOXIN, peptide(UBIQUITIN_1_60)]) expect(moleculeLimitProblem('smiles', smiles)).toBeNull();
  });

  it('name the measure, the limit and its variable', () => {
    expect(moleculeLimitProblem('smiles', POISON.chain620)).toBe('has 620 atoms; the limit is 500 (GATEWAY_MAX_ATOMS)');
    expect(moleculeLimitProblem('smiles', 'C'.repeat(4001))).toBe('is 4001 characters long; the limit is 4000 (GATEWAY_MAX_SMILES_LENGTH)');
    expect(moleculeLimitProblem('smiles', 'C1C1'.repeat(101))).toBe('has 101 ring closures; the limit is 100 (GATEWAY_MAX_RING_CLOSURES)');
  });

  it('follow the environment', () => {
    process.env.GATEWAY_MAX_ATOMS = '5000';
    expect(moleculeLimitProblem('smiles', POISON.chain620)).toBeNull();
    process.env.GATEWAY_MAX_ATOMS = 'lots';
    expect(moleculeLimitProblem('smiles', POISON.chain620)).toMatch(/the limit is 500/);
  });

  it('read a MOL block’s atom count from its counts line (V2000 and V3000)', () => {
    const v2000 = (n: number) => `\n  test\n\n${String(n).padStart(3)}  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n`;
    expect(molblockAtoms(v2000(3))).toBe(3);
    expect(molblockAtoms('\n  test\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 620 619 0 0 0\n')).toBe(620);
    expect(molblockAtoms('not a mol block')).toBeNull();
    expect(moleculeLimitProblem('molblock', v2000(620))).toBe('has 620 atoms; the limit is 500 (GATEWAY_MAX_ATOMS)');
    expect(moleculeLimitProblem('molblock', 'x'.repeat(200_001))).toMatch(/^is 200001 characters long; the limit for a MOL block is 200000 \(GATEWAY_MAX_MOLBLOCK_LENGTH\)/);
    expect(moleculeLimitProblem('molblock', 'junk')).toMatch(/^is not a valid MOL block/);
  });
});

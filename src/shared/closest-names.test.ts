import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from './closest-names';

describe('closestNames', () => {
  const slugs = ['rdkit-descriptors', 'ocl-properties', 'esol-solubility', 'logS-consensus'];

  it('counts edits whatever the case', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('LogS', 'logs')).toBe(0);
  });

  it('proposes the real names a misspelt or partial one is close to, best first', () => {
    expect(closestNames('rdkit-descriptor', slugs)).toEqual(['rdkit-descriptors']);
    expect(closestNames('rdkit', slugs)).toEqual(['rdkit-descriptors']);
    expect(closestNames('esol-solubilty', slugs)[0]).toBe('esol-solubility');
    expect(closestNames('solubility', slugs)).toContain('esol-solubility');
  });

  it('proposes nothing when no name is close', () => {
    expect(closestNames('docking-vina', slugs)).toEqual([]);
  });
});

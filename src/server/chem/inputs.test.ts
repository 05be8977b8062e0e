import { describe, expect, it } from 'vitest';
import { checkOutput, prepareInputs } from './inputs';

const schema = {
  type: 'object',
  properties: {
    smiles: { type: 'string', format: 'smiles' },
    ligand: { type: 'string', format: 'molblock' },
    exhaustiveness: { type: 'integer', minimum: 1 },
  },
  required: ['smiles'],
  additionalProperties: false,
};

const ETHANOL_MOLBLOCK = `
     RDKit          2D

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
M  END
`;

describe('preparing inputs', () => {
  it('canonicalises SMILES and MOL blocks and keeps what was submitted', async () => {
    const [item] = await prepareInputs(schema, [{ smiles: 'OC(=O)c1ccccc1OC(C)=O', ligand: ETHANOL_MOLBLOCK }]);
    expect(item.error).toBeUndefined();
    expect(item.input!.smiles).toBe('CC(=O)Oc1ccccc1C(=O)O');
    expect(item.submitted.smiles).toBe('OC(=O)c1ccccc1OC(C)=O');
    expect(item.input!.ligand).toMatch(/M {2}END/);
  });

  it('names the item and the field, and says what to fix', async () => {
    const out = await prepareInputs(schema, [
      { smiles: 'C1CC(' },
      { smiles: 'CCO', ligand: 'not a mol block' },
      { smiles: 'CCO', exhaustiveness: 0 },
      { smiles: 'CCO', exhaustivness: 3 },
      {},
    ]);
    expect(out.map((o) => o.error?.message)).toEqual([
      expect.stringMatching(/^item 0: field "smiles" is not a valid SMILES \(RDKit cannot parse "C1CC\("\)/),
      expect.stringMatching(/^item 1: field "ligand" is not a valid MOL block/),
      expect.stringMatching(/^item 2: field "exhaustiveness" must be >= 1/),
      expect.stringMatching(/^item 3: unknown field "exhaustivness"/),
      expect.stringMatching(/^item 4: missing required field "smiles"/),
    ]);
    expect(out.every((o) => o.error?.code === 'INVALID_INPUT')).toBe(true);
  });

  it('checks outputs against the output schema', () => {
    const out = { type: 'object', properties: { logS: { type: 'number' } }, required: ['logS'] };
    expect(checkOutput(out, { logS: -2 })).toBeNull();
    expect(checkOutput(out, { logS: 'high' })).toMatch(/field "logS" must be number/);
    expect(checkOutput(out, {})).toMatch(/missing required field "logS"/);
  });
});

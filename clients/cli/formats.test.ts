import { describe, expect, it } from 'vitest';
import type { JobResult } from '../typescript/src';
import { parseInputs } from '../typescript/src/inputs';
import { toCsv, toSdf } from './formats';

const result = (index: number, p: Partial<JobResult>): JobResult =>
  ({ index, status: 'succeeded', input: { smiles: 'CCO' }, submitted: null, output: null, errorCode: null, error: null, durationMs: 1, attempt: 1, ...p }) as JobResult;

describe('library files', () => {
  it('reads SMILES lines with names, skipping blanks and comments', () => {
    expect(parseInputs('CCO ethanol\n\n# note\nc1ccccc1\tbenzene\nO\n', 'lib.smi')).toEqual({
      inputs: [{ smiles: 'CCO' }, { smiles: 'c1ccccc1' }, { smiles: 'O' }],
      names: ['ethanol', 'benzene', null],
    });
  });

  it('reads a CSV by its smiles column, with quoted cells', () => {
    const parsed = parseInputs('id,"name, long",SMILES\nm1,"a, b",CCO\nm2,x,"C(=O)O"\n', 'lib.csv');
    expect(parsed).toEqual({ inputs: [{ smiles: 'CCO' }, { smiles: 'C(=O)O' }], names: ['m1', 'm2'] });
  });

  it('refuses a CSV without a smiles column, naming the header', () => {
    expect(() => parseInputs('a,b\n1,2\n', 'x.csv')).toThrow(/no "smiles" column.*a, b/);
  });

  it('reads JSON Lines and JSON arrays of inputs', () => {
    expect(parseInputs('{"smiles":"C","n":1}\n{"smiles":"CC"}\n', 'x.jsonl').inputs).toEqual([{ smiles: 'C', n: 1 }, { smiles: 'CC' }]);
    expect(parseInputs('["C", {"smiles":"N"}]', 'x.json').inputs).toEqual([{ smiles: 'C' }, { smiles: 'N' }]);
    expect(() => parseInputs('{"smiles":"C"}\nnot json\n', 'x.jsonl')).toThrow(/line 2 is not JSON/);
  });
});

describe('result formats', () => {
  it('writes CSV with input, output and error columns, quoting what needs it', () => {
    const csv = toCsv([result(0, { output: { logP: -0.0014, note: 'a, "b"' } }), result(1, { status: 'failed', input: { smiles: 'C1CC(' }, errorCode: 'INVALID_INPUT', error: 'smiles: cannot parse' })]);
    expect(csv.split('\n')).toEqual(['index,smiles,status,logP,note,error_code,error', '0,CCO,succeeded,-0.0014,"a, ""b""",,', '1,C1CC(,failed,,,INVALID_INPUT,smiles: cannot parse', '']);
  });

  it('writes an SD file with a molblock per molecule and outputs as data fields', async () => {
    const sdf = await toSdf([result(0, { output: { logP: 1.5 } }), result(1, { input: { text: 'no molecule' } })], ['ethanol']);
    expect(sdf.split('$$$$').length - 1).toBe(1);
    expect(sdf.startsWith('ethanol\n')).toBe(true);
    expect(sdf).toContain('M  END');
    expect(sdf).toContain('>  <logP>\n1.5\n');
  });
});

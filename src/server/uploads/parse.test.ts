import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseRows, type ParseOptions, type ParsedRow } from './parse';

async function parse(text: string, o: Partial<ParseOptions> & Pick<ParseOptions, 'format'>, chunk = 1_000_000): Promise<ParsedRow[]> {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const out: ParsedRow[] = [];
  for await (const rows of parseRows(Readable.from(pieces), { maxRows: 1e7, ...o }, { rowsTotal: 0, rowsBad: 0, idColumn: null, smilesColumn: null })) out.push(...rows);
  return out;
}

const CSV = '\ufeffID,smiles\r\n"a, ""1""",CCO\r\nb,"C\r\nC"\r\n\r\nc,"c1ccccc1"\r\n"d\nstill d",CN';

describe('parsing', () => {
  it('reads the same CSV whatever the chunk boundaries (inside quotes, escapes, CRLF, multi-byte text)', async () => {
    const whole = await parse(`${CSV}\néé,CO\n`, { format: 'csv' });
    expect(whole.map((r) => [r.line, r.externalId, r.smiles])).toEqual([
      [2, 'a, "1"', 'CCO'],
      [3, 'b', 'C\r\nC'],
      [6, 'c', 'c1ccccc1'],
      [7, 'd\nstill d', 'CN'],
      [9, 'éé', 'CO'],
    ]);
    for (const size of [1, 2, 3, 5, 8, 13]) expect(await parse(`${CSV}\néé,CO\n`, { format: 'csv' }, size)).toEqual(whole);
  });

  it('takes a headerless CSV as SMILES then id, and reports a quote never closed', async () => {
    const rows = await parse('CCO,e\nCC,f\nCCC,"open', { format: 'csv' });
    expect(rows.map((r) => [r.line, r.externalId, r.smiles, r.error])).toEqual([
      [1, 'e', 'CCO', null],
      [2, 'f', 'CC', null],
      [3, null, null, 'line 3: a quoted field is never closed (a " without its closing ")'],
    ]);
  });

  it('reports an over-long line as a bad row without buffering it, and reads on', async () => {
    const rows = await parse(`CCO a\n${'C'.repeat(1024 * 1024 + 10)} huge\nCC b\n`, { format: 'smi' }, 4096);
    expect(rows.map((r) => [r.line, r.smiles, r.error?.slice(0, 30) ?? null])).toEqual([
      [1, 'CCO', null],
      [2, null, 'line 2: is longer than 1048576'],
      [3, 'CC', null],
    ]);
  });

  it('reads an SDF file whose last record has no $$$$', async () => {
    const mol = ['t', '', '', '  1  0  0  0  0  0  0  0  0  0999 V2000', '    0.0 0.0 0.0 C   0  0', 'M  END'].join('\n');
    const rows = await parse(`${mol}\n$$$$\n${mol}\n> <compound_id>\nX-2\n\n`, { format: 'sdf' }, 3);
    expect(rows.map((r) => [r.line, r.externalId, r.molblock === mol])).toEqual([
      [1, 't', true],
      [8, 'X-2', true],
    ]);
  });
});

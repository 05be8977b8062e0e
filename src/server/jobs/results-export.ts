import type { ResultRow } from '../db/types';

/**
 * The text of a results download, row by row: CSV (RFC 4180) and SDF. Columns and data fields are
 * index, id (the caller's own), smiles (canonical), status, each output field, error_code, error.
 */

/** One CSV field: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The canonical SMILES of a row (its input), or what was submitted when it was refused. */
export function smilesOf(r: Pick<ResultRow, 'input' | 'submitted'>): string {
  const pick = (o: unknown) => (o && typeof o === 'object' && typeof (o as Record<string, unknown>).smiles === 'string' ? ((o as Record<string, unknown>).smiles as string) : '');
  return pick(r.input) || pick(r.submitted);
}

/** An output field's value (a top-level key). */
function at(output: unknown, field: string): unknown {
  if (output && typeof output === 'object' && field in (output as object)) return (output as Record<string, unknown>)[field];
  return undefined;
}

export function csvHeader(fields: string[]): string {
  return `${['index', 'id', 'smiles', 'status', ...fields, 'error_code', 'error'].map(csvCell).join(',')}\r\n`;
}

export function csvRow(r: ResultRow, fields: string[]): string {
  const cells = [r.item_index, r.external_id, smilesOf(r), r.status, ...fields.map((f) => at(r.output, f)), r.error_code, r.error];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A molecule without atoms: what a record whose SMILES made no structure carries. */
const EMPTY_MOLBLOCK = '\n     RDKit          2D\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n';

/** SDF text is line-based: a value keeps to one line, and a line of its own never ends a record. */
function sdfValue(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  const line = s.replace(/\r?\n|\r/g, ' ');
  return line.startsWith('$$$$') ? ` ${line}` : line;
}

/** SDF data-field names may not hold `<`, `>` or line breaks. */
const sdfName = (f: string) => f.replace(/[<>\r\n]/g, '_');

export function sdfRecord(r: ResultRow, fields: string[], molblock: string | null): string {
  const title = sdfValue(r.external_id ?? String(r.item_index)).slice(0, 80);
  const block = (molblock ?? EMPTY_MOLBLOCK).replace(/\r\n/g, '\n');
  // The first line of a MOL block is its title.
  const lines = block.split('\n');
  lines[0] = title;
  const body = lines.join('\n').replace(/\n*$/, '\n');
  const data: [string, unknown][] = [
    ['index', r.item_index],
    ['id', r.external_id],
    ['smiles', smilesOf(r)],
    ['status', r.status],
    ...fields.map((f): [string, unknown] => [f, at(r.output, f)]),
    ['error_code', r.error_code],
    ['error', r.error],
  ];
  const fieldsText = data
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `> <${sdfName(k)}>\n${sdfValue(v)}\n\n`)
    .join('');
  return `${body}${fieldsText}$$$$\n`;
}

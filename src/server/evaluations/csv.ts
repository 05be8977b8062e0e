import { textProblem } from '../../shared/input-hygiene';
import { splitCsvLine as splitLine } from '../../../clients/typescript/src/inputs';
import { AppError } from '../errors';

export interface MeasuredRow {
  smiles: string;
  measured: number;
}

/** A data line that cannot be used, by its line number in the file (the header is line 1). */
export interface BadLine {
  line: number;
  reason: string;
}

const cell = (v: string) => (v.length > 40 ? `${v.slice(0, 40)}…` : v);

/**
 * Reads a CSV of molecules with a measured value. The SMILES column is the one named like
 * "smiles" (or `smilesColumn`); the value column is `valueColumn`, or else the first other
 * column whose cells are numbers. Every data line that cannot be used (no SMILES, a value that
 * is not a number, control characters) comes back in `bad` with its line number; the caller
 * decides whether that refuses the file. RDKit's own check of the SMILES comes later.
 */
export function parseMeasuredCsv(text: string, opts: { smilesColumn?: string; valueColumn?: string } = {}) {
  const lines = text
    .split(/\r?\n/)
    .map((content, i) => ({ content, line: i + 1 }))
    .filter((l) => l.content.trim() !== '');
  if (lines.length < 2) throw new AppError('INVALID_INPUT', 'the CSV needs a header line and at least one row');
  const headerProblem = textProblem(lines[0].content);
  if (headerProblem) throw new AppError('INVALID_INPUT', `the CSV's header line ${headerProblem}`);
  const header = splitLine(lines[0].content);
  const find = (name: string | undefined, fallback: (h: string, i: number) => boolean) => {
    const i = name ? header.findIndex((h) => h.toLowerCase() === name.toLowerCase()) : header.findIndex(fallback);
    if (name && i < 0) throw new AppError('INVALID_INPUT', `no column "${name}" in the CSV; its columns are ${header.join(', ')}`);
    return i;
  };
  const smilesAt = find(opts.smilesColumn, (h) => /smiles/i.test(h));
  if (smilesAt < 0) throw new AppError('INVALID_INPUT', `no SMILES column in the CSV (columns: ${header.join(', ')}); name one "smiles" or say which`);
  const sample = lines.slice(1, 21).map((l) => splitLine(l.content));
  const numericIn = (i: number) => sample.some((cells) => cells[i] !== undefined && cells[i] !== '' && Number.isFinite(Number(cells[i])));
  const valueAt = find(opts.valueColumn, (_h, i) => i !== smilesAt && numericIn(i));
  if (valueAt < 0) throw new AppError('INVALID_INPUT', `no numeric column for the measured value (columns: ${header.join(', ')}); say which`);

  const rows: (MeasuredRow & { line: number })[] = [];
  const bad: BadLine[] = [];
  const valueName = header[valueAt];
  for (const { content, line } of lines.slice(1)) {
    const problem = textProblem(content);
    if (problem) {
      bad.push({ line, reason: `the line ${problem}` });
      continue;
    }
    const cells = splitLine(content);
    const smiles = cells[smilesAt] ?? '';
    const value = cells[valueAt];
    const measured = Number(value);
    if (!smiles) bad.push({ line, reason: 'no SMILES' });
    else if (value === undefined || value === '') bad.push({ line, reason: `no ${valueName}` });
    else if (!Number.isFinite(measured)) bad.push({ line, reason: `${valueName} "${cell(value)}" is not a number` });
    else rows.push({ smiles, measured, line });
  }
  return { rows, bad, smilesColumn: header[smilesAt], valueColumn: valueName };
}

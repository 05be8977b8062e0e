import { AppError } from '../errors';

/** Splits one CSV line, honouring double quotes ("a,b" and "" inside quotes). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur.trim()), (cur = '');
    else cur += c;
  }
  out.push(cur.trim());
  return out;
}

export interface MeasuredRow {
  smiles: string;
  measured: number;
}

/**
 * Reads a CSV of molecules with a measured value. The SMILES column is the one named like
 * "smiles" (or `smilesColumn`); the value column is `valueColumn`, or else the first other
 * column whose cells are numbers. Rows with an empty SMILES or a non-numeric value are refused
 * with their line number.
 */
export function parseMeasuredCsv(text: string, opts: { smilesColumn?: string; valueColumn?: string } = {}) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new AppError('INVALID_INPUT', 'the CSV needs a header line and at least one row');
  const header = splitLine(lines[0]);
  const find = (name: string | undefined, fallback: (h: string, i: number) => boolean) => {
    const i = name ? header.findIndex((h) => h.toLowerCase() === name.toLowerCase()) : header.findIndex(fallback);
    if (name && i < 0) throw new AppError('INVALID_INPUT', `no column "${name}" in the CSV; its columns are ${header.join(', ')}`);
    return i;
  };
  const smilesAt = find(opts.smilesColumn, (h) => /smiles/i.test(h));
  if (smilesAt < 0) throw new AppError('INVALID_INPUT', `no SMILES column in the CSV (columns: ${header.join(', ')}); name one "smiles" or say which`);
  const sample = lines.slice(1, 21).map(splitLine);
  const numericIn = (i: number) => sample.some((cells) => cells[i] !== undefined && cells[i] !== '' && Number.isFinite(Number(cells[i])));
  const valueAt = find(opts.valueColumn, (_h, i) => i !== smilesAt && numericIn(i));
  if (valueAt < 0) throw new AppError('INVALID_INPUT', `no numeric column for the measured value (columns: ${header.join(', ')}); say which`);

  const rows: MeasuredRow[] = [];
  const problems: string[] = [];
  for (let n = 1; n < lines.length; n++) {
    const cells = splitLine(lines[n]);
    const smiles = cells[smilesAt] ?? '';
    const measured = Number(cells[valueAt]);
    if (!smiles || cells[valueAt] === undefined || cells[valueAt] === '' || !Number.isFinite(measured)) {
      if (problems.length < 5) problems.push(`line ${n + 1}`);
      continue;
    }
    rows.push({ smiles, measured });
  }
  if (problems.length) {
    throw new AppError('INVALID_INPUT', `rows without a SMILES or a numeric ${header[valueAt]}: ${problems.join(', ')}${problems.length === 5 ? ', …' : ''}`);
  }
  return { rows, smilesColumn: header[smilesAt], valueColumn: header[valueAt] };
}

/** Results as CSV, SDF or JSON, for `jobs results` and `screen --out`. */
import type { JobResult } from '../typescript/src';

export type ResultFormat = 'csv' | 'sdf' | 'json';
export const FORMATS: readonly ResultFormat[] = ['csv', 'sdf', 'json'];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per item: index, name, the input's fields, status, the output's fields, error. */
export function toCsv(results: JobResult[], names: (string | null)[] = []): string {
  const inputKeys = [...new Set(results.flatMap((r) => Object.keys(r.input ?? {})))];
  const outputKeys = [...new Set(results.flatMap((r) => Object.keys(r.output ?? {})))];
  const withNames = names.some((n) => n);
  const header = ['index', ...(withNames ? ['name'] : []), ...inputKeys, 'status', ...outputKeys.filter((k) => !inputKeys.includes(k)), 'error_code', 'error'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of results) {
    const out = outputKeys.filter((k) => !inputKeys.includes(k)).map((k) => r.output?.[k]);
    lines.push(
      [r.index, ...(withNames ? [names[r.index] ?? ''] : []), ...inputKeys.map((k) => r.input?.[k]), r.status, ...out, r.errorCode, r.error].map(csvCell).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function toJson(results: JobResult[]): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/**
 * An SD file: each item's molecule (2D coordinates from RDKit MinimalLib, drawn from its canonical
 * SMILES) with the outputs as data fields. Items whose input is not a molecule are left out.
 */
export async function toSdf(results: JobResult[], names: (string | null)[] = []): Promise<string> {
  const { default: init } = await import('@rdkit/rdkit');
  const rdkit = await init();
  const records: string[] = [];
  for (const r of results) {
    const smiles = typeof r.input?.smiles === 'string' ? r.input.smiles : null;
    const mol = smiles ? rdkit.get_mol(smiles) : null;
    if (!mol) continue;
    try {
      const block = mol.get_molblock().replace(/\s+$/, '');
      const lines = block.split('\n');
      lines[0] = names[r.index] ?? `item ${r.index}`;
      const fields: [string, unknown][] = [['index', r.index], ['status', r.status], ...Object.entries(r.output ?? {}), ...(r.error ? ([['error', r.error]] as [string, unknown][]) : [])];
      const data = fields.map(([k, v]) => `>  <${k}>\n${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`).join('\n');
      records.push(`${lines.join('\n')}\n${data}\n$$$$`);
    } finally {
      mol.delete();
    }
  }
  return records.length ? `${records.join('\n')}\n` : '';
}

export async function formatResults(results: JobResult[], format: ResultFormat, names?: (string | null)[]): Promise<string> {
  if (format === 'csv') return toCsv(results, names);
  if (format === 'sdf') return toSdf(results, names);
  return toJson(results);
}

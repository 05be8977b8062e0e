/**
 * Reading a library file into model inputs, client-side: one SMILES per line (`.smi`, `.txt`,
 * an optional name after whitespace), a CSV/TSV with a `smiles` column (other columns are kept as
 * the item's fields only when `keepColumns`), JSON Lines of input objects, or a JSON array.
 */
export interface ParsedInputs {
  inputs: Record<string, unknown>[];
  /** The name or id of each input when the file gave one (a .smi's second column, a CSV's `name`/`id`). */
  names: (string | null)[];
}

/** Splits one CSV/TSV line into trimmed cells, honouring double quotes (`"a,b"`, and `""` inside them). */
export function splitCsvLine(line: string, sep = ','): string[] {
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
    else if (c === sep) out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out.map((v) => v.trim());
}

export function parseInputs(text: string, fileName = ''): ParsedInputs {
  const lower = fileName.toLowerCase();
  const trimmed = text.trimStart();
  if (lower.endsWith('.json') || trimmed.startsWith('[')) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${fileName || 'the input'}: a JSON file must hold an array of input objects`);
    const inputs = parsed.map((v) => (typeof v === 'string' ? { smiles: v } : (v as Record<string, unknown>)));
    return { inputs, names: inputs.map(() => null) };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || trimmed.startsWith('{')) {
    const inputs = lines.map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${fileName || 'the input'} line ${i + 1} is not JSON`);
      }
    });
    return { inputs, names: inputs.map(() => null) };
  }
  const sep = lower.endsWith('.tsv') ? '\t' : lower.endsWith('.csv') ? ',' : null;
  const header = sep ? splitCsvLine(lines[0] ?? '', sep).map((h) => h.toLowerCase()) : [];
  if (sep) {
    const col = header.findIndex((h) => h === 'smiles' || h === 'canonical_smiles' || h === 'smi');
    if (col < 0) throw new Error(`${fileName}: no "smiles" column in the header (${header.join(', ')})`);
    const nameCol = header.findIndex((h) => h === 'name' || h === 'id' || h === 'compound');
    const rows = lines.slice(1).map((l) => splitCsvLine(l, sep));
    return { inputs: rows.map((r) => ({ smiles: r[col] ?? '' })), names: rows.map((r) => (nameCol >= 0 ? (r[nameCol] ?? null) : null)) };
  }
  const rows = lines.map((l) => l.trim().split(/\s+/));
  return { inputs: rows.map((r) => ({ smiles: r[0] })), names: rows.map((r) => r[1] ?? null) };
}

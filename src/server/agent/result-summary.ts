/** Summaries the agent reads instead of whole result tables: numeric field statistics, top k, error counts, pairwise comparison. */

export interface ResultLike {
  index: number;
  status: 'succeeded' | 'failed';
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  errorCode: string | null;
}

export interface FieldStats {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const round = (n: number) => Math.round(n * 1e4) / 1e4;

/** The molecule of an input, for display: its `smiles` field, or the first string field. */
export function moleculeOf(input: Record<string, unknown>): string | null {
  if (typeof input.smiles === 'string') return input.smiles;
  const first = Object.values(input).find((v) => typeof v === 'string');
  return typeof first === 'string' ? first : null;
}

export function statsOf(values: number[]): FieldStats | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: values.length, min: round(sorted[0]), max: round(sorted.at(-1)!), mean: round(values.reduce((s, v) => s + v, 0) / values.length), median: round(median) };
}

/** The output fields that hold numbers in at least one result, in first-seen order. */
export function numericFields(results: ResultLike[]): string[] {
  const seen = new Set<string>();
  for (const r of results) for (const [k, v] of Object.entries(r.output ?? {})) if (finite(v) !== null) seen.add(k);
  return [...seen];
}

export interface SummaryOptions {
  field?: string;
  k: number;
  order: 'desc' | 'asc';
  min?: number;
  max?: number;
}

export function summarizeResults(results: ResultLike[], o: SummaryOptions) {
  const ok = results.filter((r) => r.status === 'succeeded');
  const fields = numericFields(ok);
  const field = o.field ?? fields[0] ?? null;
  const stats = Object.fromEntries(fields.map((f) => [f, statsOf(ok.flatMap((r) => (finite(r.output?.[f]) === null ? [] : [finite(r.output![f])!])))]));
  const errors: Record<string, number> = {};
  for (const r of results) if (r.status === 'failed') errors[r.errorCode ?? 'MODEL_ERROR'] = (errors[r.errorCode ?? 'MODEL_ERROR'] ?? 0) + 1;
  const matching = field
    ? ok
        .map((r) => ({ r, v: finite(r.output?.[field]) }))
        .filter((x): x is { r: ResultLike; v: number } => x.v !== null && (o.min === undefined || x.v >= o.min) && (o.max === undefined || x.v <= o.max))
    : [];
  matching.sort((a, b) => (o.order === 'desc' ? b.v - a.v : a.v - b.v) || a.r.index - b.r.index);
  return {
    succeeded: ok.length,
    failed: results.length - ok.length,
    fields: stats,
    errors,
    field,
    ...(o.min !== undefined || o.max !== undefined ? { matching: matching.length } : {}),
    top: matching.slice(0, o.k).map(({ r, v }) => ({ index: r.index, molecule: moleculeOf(r.input), value: v, output: r.output })),
  };
}

/** Two models' values on the same items: paired statistics and where they disagree most. */
export function compareValues(pairs: { index: number; molecule: string | null; a: number | null; b: number | null }[], rowsShown = 50) {
  const both = pairs.filter((p): p is { index: number; molecule: string | null; a: number; b: number } => p.a !== null && p.b !== null);
  const n = both.length;
  const diffs = both.map((p) => p.a - p.b);
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  let pearson: number | null = null;
  if (n >= 3) {
    const ma = mean(both.map((p) => p.a));
    const mb = mean(both.map((p) => p.b));
    const cov = both.reduce((s, p) => s + (p.a - ma) * (p.b - mb), 0);
    const va = both.reduce((s, p) => s + (p.a - ma) ** 2, 0);
    const vb = both.reduce((s, p) => s + (p.b - mb) ** 2, 0);
    pearson = va > 0 && vb > 0 ? round(cov / Math.sqrt(va * vb)) : null;
  }
  const rows = pairs.map((p) => ({ ...p, diff: p.a !== null && p.b !== null ? round(p.a - p.b) : null }));
  return {
    paired: n,
    meanAbsDiff: n ? round(mean(diffs.map(Math.abs))) : null,
    rmsDiff: n ? round(Math.sqrt(mean(diffs.map((d) => d * d)))) : null,
    meanDiff: n ? round(mean(diffs)) : null,
    pearson,
    largestDisagreements: [...rows].filter((r) => r.diff !== null).sort((x, y) => Math.abs(y.diff!) - Math.abs(x.diff!)).slice(0, 5),
    rows: rows.slice(0, rowsShown),
  };
}

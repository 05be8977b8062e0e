/**
 * How a job's results are filtered and sorted, and how that travels in a URL (the download
 * route, the job page's download links, the SDK): one home for the grammar.
 *
 *   status=succeeded,failed   range=logP:1:3 (either bound may be empty)   sort=logP   direction=desc
 */

/** An output field's name, or a dotted path into nested outputs (`consensus.value`). */
export const RESULT_FIELD_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const MAX_RESULT_FIELD_LENGTH = 64;
export const RESULT_STATUSES = ['succeeded', 'failed'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export interface ResultRange {
  field: string;
  min?: number;
  max?: number;
}

/** `field` is an output field, or `index` for input order. */
export interface ResultSort {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ResultsFilter {
  status?: ResultStatus[];
  ranges?: ResultRange[];
  sort?: ResultSort;
}

/** Why a field name is refused, or null when it is usable. */
export function resultFieldProblem(field: string): string | null {
  if (field.length === 0) return 'is empty';
  if (field.length > MAX_RESULT_FIELD_LENGTH) return `is longer than ${MAX_RESULT_FIELD_LENGTH} characters`;
  if (!RESULT_FIELD_PATTERN.test(field)) return 'may hold only letters, digits, "_", "." and "-"';
  return null;
}

const bound = (n: number | undefined) => (n === undefined ? '' : String(n));

/** The query-string form of a filter (empty parts are left out). */
export function resultsSearchParams(f: ResultsFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status?.length) p.set('status', f.status.join(','));
  for (const r of f.ranges ?? []) if (r.min !== undefined || r.max !== undefined) p.append('range', `${r.field}:${bound(r.min)}:${bound(r.max)}`);
  if (f.sort) {
    p.set('sort', f.sort.field);
    p.set('direction', f.sort.direction);
  }
  return p;
}

/**
 * A filter read back from a query string, as given: numbers that do not parse stay text, so the
 * schema that checks it names them.
 */
export function readResultsSearchParams(p: URLSearchParams): { status?: string[]; ranges?: { field: string; min?: unknown; max?: unknown }[]; sort?: { field: string; direction: string } } {
  const out: ReturnType<typeof readResultsSearchParams> = {};
  const status = p.getAll('status').flatMap((s) => s.split(',')).filter(Boolean);
  if (status.length) out.status = status;
  const ranges = p.getAll('range').map((r) => {
    const [field = '', min = '', max = ''] = r.split(':');
    const num = (s: string) => (s === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s);
    return { field, min: num(min), max: num(max) };
  });
  if (ranges.length) out.ranges = ranges;
  const sort = p.get('sort');
  if (sort) out.sort = { field: sort, direction: p.get('direction') ?? 'asc' };
  return out;
}

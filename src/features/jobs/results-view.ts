import { resultFieldProblem, resultsSearchParams, type ResultRange, type ResultSort, type ResultStatus } from '@/shared/results-query';
import type { ResultColumn } from './result-columns';

/** What the results table shows: one status or all, an optional range on one output field, a sort. */
export interface ResultsView {
  status?: ResultStatus;
  range?: ResultRange;
  sort?: ResultSort;
}

/** The output field a column sorts by (a dotted path for a consensus member or σ), or null when it cannot be sorted. */
export function sortFieldOf(c: ResultColumn): string | null {
  const field = c.kind === 'field' ? c.key : c.kind === 'member' ? `members.${c.key}` : c.kind === 'spread' ? 'spread.std' : null;
  return field && !resultFieldProblem(field) ? field : null;
}

/** Clicking a column's heading: ascending first, then descending, then back to input order. */
export function nextSort(current: ResultSort | undefined, field: string): ResultSort | undefined {
  if (current?.field !== field) return { field, direction: 'asc' };
  return current.direction === 'asc' ? { field, direction: 'desc' } : undefined;
}

/** The download route for a job's results under the table's current filters and sort. */
export function downloadHref(jobId: string, format: 'csv' | 'sdf', v: ResultsView): string {
  const params = resultsSearchParams({ status: v.status ? [v.status] : undefined, ranges: v.range ? [v.range] : undefined, sort: v.sort });
  params.set('format', format);
  return `/api/jobs/${jobId}/results?${params}`;
}

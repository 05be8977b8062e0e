'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { numeric, Table, type TableHead } from '@/components/ui/table';
import { rangeLabel } from '@/lib/format';
import { schemaFields } from '@/features/outputs/schema';
import { useTRPC } from '@/lib/trpc';
import type { Job } from '@/lib/types';
import { JobResultRow } from './job-result-row';
import { isActive } from './jobs';
import { columnHead, resultColumns, type ResultColumn } from './result-columns';
import { ResultsRangeFilter } from './results-range-filter';
import { downloadHref, nextSort, sortFieldOf, type ResultsView } from './results-view';

const PAGE_SIZE = 50;
type Filter = 'all' | 'succeeded' | 'failed';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];

export function JobResultsTable({ job }: { job: Job }) {
  const trpc = useTRPC();
  const [view, setView] = useState<ResultsView>({});
  // The cursors of the pages seen so far: "Previous" goes back one, so no page is ever skipped.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const active = isActive(job.status);
  const results = useQuery(
    trpc.jobs.results.queryOptions(
      { jobId: job.id, status: view.status, ranges: view.range ? [view.range] : undefined, sort: view.sort, cursor, limit: PAGE_SIZE },
      { placeholderData: keepPreviousData, refetchInterval: active ? 1000 : false },
    ),
  );
  const model = useQuery(trpc.models.get.queryOptions({ slug: job.model }, { staleTime: 5 * 60_000 }));
  const version = model.data?.versions.find((v) => v.version === job.version);
  const items = results.data?.items ?? [];
  const columns = resultColumns(version, items);
  // Numbers by the output schema, or by what this page holds; the field in use stays offered when nothing matches it.
  const numericInSchema = new Set(schemaFields(version?.outputSchema).filter((f) => /number|integer/.test(f.type)).map((f) => f.name));
  const numericFields = [
    ...new Set([
      ...columns.filter((c) => c.kind === 'field' && (numericInSchema.has(c.key) || items.some((r) => typeof r.output?.[c.key] === 'number'))).map((c) => c.key),
      ...(view.range ? [view.range.field] : []),
    ]),
  ];
  const change = (v: ResultsView) => {
    setView(v);
    setCursors([undefined]);
  };
  const filter: Filter = view.status ?? 'all';
  const offset = (cursors.length - 1) * PAGE_SIZE;

  const sortableHead = (c: ResultColumn): TableHead => {
    const head = columnHead(c);
    const field = sortFieldOf(c);
    if (!field || typeof head === 'string') return head;
    const dir = view.sort?.field === field ? view.sort.direction : undefined;
    return {
      ...head,
      ariaSort: dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined,
      label: (
        <button type="button" className="th-sort" onClick={() => change({ ...view, sort: nextSort(view.sort, field) })} data-testid={`results-sort-${field}`} data-direction={dir ?? 'none'}>
          {c.title}
          {dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}
        </button>
      ),
    };
  };

  return (
    <section className="card flush" data-testid="job-results">
      <div className="card-head">
        <h2>Results</h2>
        <div className="segmented" role="tablist">
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              role="tab"
              aria-selected={filter === f.value}
              className={filter === f.value ? 'active' : ''}
              onClick={() => change({ ...view, status: f.value === 'all' ? undefined : f.value })}
              data-testid={`results-filter-${f.value}`}
            >
              {f.label}
            </button>
          ))}
        </div>
      </div>
      <div className="card-toolbar">
        <ResultsRangeFilter fields={numericFields} value={view.range} onChange={(range) => change({ ...view, range })} />
        <div className="btn-group">
          <a className="btn btn-secondary btn-sm" href={downloadHref(job.id, 'csv', view)} download data-testid="download-csv">
            Download CSV
          </a>
          <a className="btn btn-secondary btn-sm" href={downloadHref(job.id, 'sdf', view)} download data-testid="download-sdf">
            Download SDF
          </a>
        </div>
      </div>
      {results.isError && <ErrorBox error={results.error} testId="results-error" />}
      {results.isPending ? (
        <PageLoading>Loading results…</PageLoading>
      ) : items.length === 0 ? (
        <EmptyState title={active ? 'No results yet' : 'No results'} testId="results-empty">
          {active ? 'Results appear here as the worker finishes each batch.' : 'Nothing matches this filter.'}
        </EmptyState>
      ) : (
        <>
          <Table
            head={[numeric('#'), 'Structure', 'SMILES', ...columns.map(sortableHead), numeric('Time')]}
            className="results"
            testId="results-table"
            data-filter={filter}
            data-sort={view.sort ? `${view.sort.field}:${view.sort.direction}` : 'index'}
            // "stale" while the rows shown are the previous query's (a new sort, filter or page is loading).
            data-state={results.isPlaceholderData ? 'stale' : 'current'}
          >
            {items.map((r) => (
              <JobResultRow key={r.index} result={r} columns={columns} />
            ))}
          </Table>
          <div className="pagination" data-testid="results-pagination">
            <span className="muted" data-testid="results-pagination-range">
              {rangeLabel(offset, items.length, results.data?.total ?? 0)}
            </span>
            <div className="btn-group">
              <button type="button" className="btn btn-secondary btn-sm" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="results-prev">
                ← Prev
              </button>
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                disabled={!results.data?.nextCursor}
                onClick={() => results.data?.nextCursor && setCursors([...cursors, results.data.nextCursor])}
                data-testid="results-next"
              >
                Next →
              </button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

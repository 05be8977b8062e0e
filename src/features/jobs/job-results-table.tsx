'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { Pagination } from '@/components/ui/pagination';
import { numeric, Table } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc';
import type { Job } from '@/lib/types';
import { JobResultRow } from './job-result-row';
import { isActive } from './jobs';
import { columnHead, resultColumns } from './result-columns';

const PAGE_SIZE = 50;
type Filter = 'all' | 'succeeded' | 'failed';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];

export function JobResultsTable({ job }: { job: Job }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>('all');
  const [offset, setOffset] = useState(0);
  const active = isActive(job.status);
  const results = useQuery(
    trpc.jobs.results.queryOptions(
      { jobId: job.id, status: filter === 'all' ? undefined : filter, limit: PAGE_SIZE, offset },
      { placeholderData: keepPreviousData, refetchInterval: active ? 1000 : false },
    ),
  );
  const model = useQuery(trpc.models.get.queryOptions({ slug: job.model }, { staleTime: 5 * 60_000 }));
  const version = model.data?.versions.find((v) => v.version === job.version);
  const items = results.data?.items ?? [];
  const columns = resultColumns(version, items);

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
              onClick={() => {
                setFilter(f.value);
                setOffset(0);
              }}
              data-testid={`results-filter-${f.value}`}
            >
              {f.label}
            </button>
          ))}
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
            head={[numeric('#'), 'Structure', 'SMILES', ...columns.map(columnHead), numeric('Time')]}
            className="results"
            testId="results-table"
            data-filter={filter}
          >
            {items.map((r) => (
              <JobResultRow key={r.index} result={r} columns={columns} />
            ))}
          </Table>
          <Pagination
            offset={offset}
            limit={PAGE_SIZE}
            count={items.length}
            total={results.data?.total ?? 0}
            onChange={setOffset}
            testId="results-pagination"
          />
        </>
      )}
    </section>
  );
}

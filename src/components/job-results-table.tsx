'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDuration, formatValue } from '@/lib/format';
import { isActive } from '@/lib/jobs';
import { schemaFields } from '@/lib/schema';
import { useTRPC } from '@/lib/trpc';
import type { Job, JobResult } from '@/lib/types';
import { EmptyState } from './empty-state';
import { ErrorBox } from './error-box';
import { MoleculeImage } from './molecule-image';
import { Pagination } from './pagination';

const PAGE_SIZE = 50;
type Filter = 'all' | 'succeeded' | 'failed';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];

function smilesOf(r: JobResult): { canonical: string; submitted: string | null } {
  const canonical = typeof r.input.smiles === 'string' ? r.input.smiles : '';
  const sub = r.submitted && typeof r.submitted.smiles === 'string' ? r.submitted.smiles : null;
  return { canonical, submitted: sub !== null && sub !== canonical ? sub : null };
}

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
  const outputSchema = model.data?.versions.find((v) => v.version === job.version)?.outputSchema;
  const items = results.data?.items ?? [];
  const columns = outputColumns(outputSchema, items);

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
        <div className="page-loading">
          <span className="spinner" aria-hidden /> Loading results…
        </div>
      ) : items.length === 0 ? (
        <EmptyState title={active ? 'No results yet' : 'No results'} testId="results-empty">
          {active ? 'Results appear here as the worker finishes each batch.' : 'Nothing matches this filter.'}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table results" data-testid="results-table" data-filter={filter}>
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Structure</th>
                  <th>SMILES</th>
                  {columns.map((c) => (
                    <th key={c.key} className="num" title={c.key}>
                      {c.title}
                    </th>
                  ))}
                  <th className="num">Time</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <ResultRow key={r.index} result={r} columns={columns} />
                ))}
              </tbody>
            </table>
          </div>
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

interface Column {
  key: string;
  title: string;
}

function outputColumns(schema: Record<string, unknown> | undefined, items: JobResult[]): Column[] {
  const fromSchema = schemaFields(schema).map((f) => ({ key: f.name, title: f.title ?? f.name }));
  const known = new Set(fromSchema.map((c) => c.key));
  const extra = new Set<string>();
  for (const r of items) for (const k of Object.keys(r.output ?? {})) if (!known.has(k)) extra.add(k);
  return [...fromSchema, ...[...extra].map((k) => ({ key: k, title: k }))];
}

function ResultRow({ result: r, columns }: { result: JobResult; columns: Column[] }) {
  const { canonical, submitted } = smilesOf(r);
  const failed = r.status === 'failed';
  return (
    <tr data-testid={`result-row-${r.index}`} data-status={r.status} className={failed ? 'row-failed' : ''}>
      <td className="num muted">{r.index}</td>
      <td className="structure">
        {failed && r.errorCode === 'INVALID_INPUT' ? (
          <div className="molecule molecule-empty" style={{ width: 100, height: 75 }}>
            invalid
          </div>
        ) : (
          <MoleculeImage smiles={canonical} width={100} height={75} />
        )}
      </td>
      <td className="smiles-cell">
        <code className="smiles" data-testid="result-smiles">
          {canonical || submitted || '—'}
        </code>
        {submitted && canonical && (
          <div className="muted small" data-testid="result-submitted">
            submitted: <code>{submitted}</code>
          </div>
        )}
      </td>
      {failed ? (
        <td colSpan={columns.length} className="result-error" data-testid="result-error">
          <span className="error-code" data-testid="result-error-code">
            {r.errorCode ?? 'ERROR'}
          </span>{' '}
          <span data-testid="result-error-message">{r.error}</span>
        </td>
      ) : (
        columns.map((c) => (
          <td key={c.key} className="num" data-testid={`result-value-${c.key}`}>
            {formatValue(r.output?.[c.key])}
          </td>
        ))
      )}
      <td className="num muted">{formatDuration(r.durationMs)}</td>
    </tr>
  );
}

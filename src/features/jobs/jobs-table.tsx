'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { Pagination } from '@/components/ui/pagination';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { numeric, Table, type TableHead } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { isActive } from './jobs';

const PAGE_SIZE = 20;

const HEAD: TableHead[] = ['Model', 'Label', 'Status', 'Progress', numeric('Items'), 'Created'];

export function JobsTable() {
  const trpc = useTRPC();
  const router = useRouter();
  const [offset, setOffset] = useState(0);
  const jobs = useQuery(
    trpc.jobs.list.queryOptions(
      { limit: PAGE_SIZE, offset },
      {
        placeholderData: keepPreviousData,
        refetchInterval: (q) => (q.state.data?.items.some((j) => isActive(j.status)) ? 2000 : false),
      },
    ),
  );

  if (jobs.isPending) return <PageLoading testId="jobs-loading">Loading jobs…</PageLoading>;
  if (jobs.isError) return <ErrorBox error={jobs.error} testId="jobs-error" />;
  const { items, total } = jobs.data;
  if (total === 0) {
    return (
      <EmptyState title="No jobs yet" testId="jobs-empty">
        Run a model on a library of molecules:{' '}
        <Link href="/jobs/new" data-testid="jobs-empty-new">
          start a new job
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <div className="card flush">
      <Table head={HEAD} className="table-hover" testId="jobs-table">
        {items.map((j) => (
          <tr key={j.id} data-testid={`job-row-${j.id}`} className="clickable" onClick={() => router.push(`/jobs/${j.id}`)}>
            <td>
              <Link href={`/jobs/${j.id}`} onClick={(e) => e.stopPropagation()} data-testid="job-row-link">
                <code>
                  {j.model}@{j.version}
                </code>
              </Link>
            </td>
            <td>{j.label ?? <span className="muted">—</span>}</td>
            <td>
              <StatusBadge status={j.status} testId="job-row-status" />
            </td>
            <td className="progress-cell">
              <ProgressBar done={j.itemsDone} failed={j.itemsFailed} total={j.itemsTotal} />
            </td>
            <td className="num">
              {(j.itemsDone + j.itemsFailed).toLocaleString()} / {j.itemsTotal.toLocaleString()}
            </td>
            <td>{formatDate(j.createdAt)}</td>
          </tr>
        ))}
      </Table>
      <Pagination offset={offset} limit={PAGE_SIZE} count={items.length} total={total} onChange={setOffset} />
    </div>
  );
}

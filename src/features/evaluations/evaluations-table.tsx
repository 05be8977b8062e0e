'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { Pagination } from '@/components/ui/pagination';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table } from '@/components/ui/table';
import { isActive } from '@/features/jobs/jobs';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const PAGE_SIZE = 20;

export function EvaluationsTable() {
  const trpc = useTRPC();
  const router = useRouter();
  const [offset, setOffset] = useState(0);
  // The list does not count its rows: one extra row says whether a next page exists.
  const list = useQuery(
    trpc.evaluations.list.queryOptions(
      { limit: PAGE_SIZE + 1, offset },
      {
        placeholderData: keepPreviousData,
        refetchInterval: (q) => (q.state.data?.some((e) => isActive(e.status)) ? 2000 : false),
      },
    ),
  );

  if (list.isPending) return <PageLoading testId="evaluations-loading">Loading evaluations…</PageLoading>;
  if (list.isError) return <ErrorBox error={list.error} testId="evaluations-error" />;
  const items = list.data.slice(0, PAGE_SIZE);
  if (items.length === 0 && offset === 0) {
    return (
      <EmptyState title="No evaluations yet" testId="evaluations-empty">
        Compare a model’s predictions with measured values:{' '}
        <Link href="/evaluations/new" data-testid="evaluations-empty-new">
          start an evaluation
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <div className="card flush">
      <Table head={['Model', 'Dataset', 'Field', 'Status', 'Created']} className="table-hover" testId="evaluations-table">
        {items.map((e) => (
          <tr key={e.id} className="clickable" onClick={() => router.push(`/evaluations/${e.id}`)} data-testid={`evaluation-row-${e.id}`}>
            <td>
              <Link href={`/evaluations/${e.id}`} onClick={(ev) => ev.stopPropagation()} data-testid="evaluation-row-link">
                <code>
                  {e.model}@{e.version}
                </code>
              </Link>
            </td>
            <td>{e.dataset}</td>
            <td>
              <code>{e.field}</code>
            </td>
            <td>
              <StatusBadge status={e.status} testId="evaluation-row-status" />
            </td>
            <td>{formatDate(e.createdAt)}</td>
          </tr>
        ))}
      </Table>
      <Pagination offset={offset} limit={PAGE_SIZE} count={items.length} hasMore={list.data.length > PAGE_SIZE} onChange={setOffset} testId="evaluations-pagination" />
    </div>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { Pagination } from '@/components/ui/pagination';
import { useTRPC } from '@/lib/trpc';
import { useDebounced } from '@/lib/use-debounced';
import { CatalogFilters, NO_FILTERS, type CatalogFilterValues } from './catalog-filters';
import { ModelCard } from './model-card';
import { ModelCardSkeleton } from './model-card-skeleton';

const PAGE_SIZE = 12;

export function ModelsCatalog() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<CatalogFilterValues>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const debounced = useDebounced(filters.search.trim(), 300);

  const list = useQuery(
    trpc.models.list.queryOptions(
      {
        search: debounced || undefined,
        task: filters.task || undefined,
        tag: filters.tag || undefined,
        owner: filters.owner || undefined,
        status: filters.status || undefined,
        limit: PAGE_SIZE,
        offset,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const filtered = !!(debounced || filters.task || filters.tag || filters.owner || filters.status);
  const items = list.data?.items ?? [];

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Models</h1>
          <p className="muted">Registered predictors you can run on one molecule or a whole library.</p>
        </div>
        <div className="btn-group">
          <Link href="/models/new/consensus" className="btn btn-secondary" data-testid="build-consensus-link">
            Build a consensus
          </Link>
          <Link href="/models/new" className="btn btn-primary" data-testid="register-model-link">
            Register a model
          </Link>
        </div>
      </div>
      <CatalogFilters
        value={filters}
        onChange={(v) => {
          setFilters(v);
          setOffset(0);
        }}
      />
      {list.error && <ErrorBox error={list.error} testId="models-error" />}
      {list.isPending ? (
        <div className="grid" data-testid="models-skeleton">
          {Array.from({ length: 6 }, (_, i) => (
            <ModelCardSkeleton key={i} />
          ))}
        </div>
      ) : items.length === 0 ? (
        <EmptyState title="No models match" testId="models-empty">
          {filtered ? (
            <button type="button" className="link" onClick={() => setFilters(NO_FILTERS)} data-testid="models-clear-filters">
              Clear the filters
            </button>
          ) : (
            <>
              No models are registered yet. <Link href="/models/new">Register the first one</Link>.
            </>
          )}
        </EmptyState>
      ) : (
        <>
          <div className={list.isPlaceholderData ? 'grid stale' : 'grid'} data-testid="models-grid">
            {items.map((m) => (
              <ModelCard key={m.slug} model={m} />
            ))}
          </div>
          <Pagination offset={offset} limit={PAGE_SIZE} count={items.length} total={list.data?.total ?? 0} onChange={setOffset} />
        </>
      )}
    </div>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import { useDebounced } from '@/lib/use-debounced';
import { EmptyState } from './empty-state';
import { ErrorBox } from './error-box';
import { ModelCard } from './model-card';
import { ModelCardSkeleton } from './model-card-skeleton';
import { Pagination } from './pagination';

const PAGE_SIZE = 12;

export function ModelsCatalog() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [task, setTask] = useState('');
  const [offset, setOffset] = useState(0);
  const debounced = useDebounced(search.trim(), 300);

  const list = useQuery(
    trpc.models.list.queryOptions(
      { search: debounced || undefined, task: task || undefined, limit: PAGE_SIZE, offset },
      { placeholderData: keepPreviousData },
    ),
  );
  const facets = useQuery(trpc.models.tasks.queryOptions(undefined, { staleTime: 60_000 }));
  const tasks = facets.data ?? [];

  const items = list.data?.items ?? [];
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Models</h1>
          <p className="muted">Registered predictors you can run on one molecule or a whole library.</p>
        </div>
      </div>
      <div className="toolbar">
        <input
          className="input search"
          type="search"
          placeholder="Search by name, slug, description or tag…"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setOffset(0);
          }}
          data-testid="models-search"
        />
        <select
          className="input select"
          value={task}
          onChange={(e) => {
            setTask(e.target.value);
            setOffset(0);
          }}
          data-testid="models-task-filter"
        >
          <option value="">All tasks</option>
          {tasks.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {list.error && <ErrorBox error={list.error} testId="models-error" />}
      {list.isPending ? (
        <div className="grid" data-testid="models-skeleton">
          {Array.from({ length: 6 }, (_, i) => (
            <ModelCardSkeleton key={i} />
          ))}
        </div>
      ) : items.length === 0 ? (
        <EmptyState title="No models match" testId="models-empty">
          {debounced || task ? 'Try another search or clear the task filter.' : 'No models are registered yet.'}
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

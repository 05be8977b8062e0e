'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

export interface CatalogFilterValues {
  search: string;
  task: string;
  tag: string;
  owner: '' | 'me';
  status: '' | 'published' | 'draft' | 'deprecated';
}

export const NO_FILTERS: CatalogFilterValues = { search: '', task: '', tag: '', owner: '', status: '' };

const STATUSES: { value: CatalogFilterValues['status']; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'published', label: 'Published' },
  { value: 'draft', label: 'Drafts only' },
  { value: 'deprecated', label: 'Deprecated' },
];

export function CatalogFilters({ value, onChange }: { value: CatalogFilterValues; onChange: (v: CatalogFilterValues) => void }) {
  const trpc = useTRPC();
  const tasks = useQuery(trpc.models.tasks.queryOptions(undefined, { staleTime: 60_000 }));
  const tags = useQuery(trpc.models.tags.queryOptions(undefined, { staleTime: 60_000 }));
  const set = (patch: Partial<CatalogFilterValues>) => onChange({ ...value, ...patch });

  return (
    <div className="toolbar">
      <input
        className="input search"
        type="search"
        placeholder="Search by name, slug, description or tag…"
        value={value.search}
        onChange={(e) => set({ search: e.target.value })}
        data-testid="models-search"
      />
      <select className="input select" value={value.task} onChange={(e) => set({ task: e.target.value })} aria-label="Task" data-testid="models-task-filter">
        <option value="">All tasks</option>
        {(tasks.data ?? []).map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select className="input select" value={value.tag} onChange={(e) => set({ tag: e.target.value })} aria-label="Tag" data-testid="models-tag-filter">
        <option value="">All tags</option>
        {(tags.data ?? []).map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select
        className="input select"
        value={value.status}
        onChange={(e) => set({ status: e.target.value as CatalogFilterValues['status'] })}
        aria-label="Status"
        data-testid="models-status-filter"
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <div className="segmented" role="group" aria-label="Owner">
        <button type="button" className={value.owner === '' ? 'active' : ''} onClick={() => set({ owner: '' })} data-testid="models-owner-anyone">
          Anyone
        </button>
        <button type="button" className={value.owner === 'me' ? 'active' : ''} onClick={() => set({ owner: 'me' })} data-testid="models-owner-me">
          Mine
        </button>
      </div>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/* Fields of a model's description that the wizard and the consensus form both edit. */

/** Tags as typed in one comma-separated field: trimmed, without blanks or repeats. */
export const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/** The tags a comma-separated field will save, as chips under it; nothing while it is empty. */
export function TagChips({ text }: { text: string }) {
  const tags = splitTags(text);
  if (tags.length === 0) return null;
  return (
    <div className="row wrap">
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </div>
  );
}

/** A task such as property/logS, suggesting the tasks registered models already have. */
export function TaskInput({ listId, value, onChange, placeholder, testId }: { listId: string; value: string; onChange: (task: string) => void; placeholder?: string; testId: string }) {
  const trpc = useTRPC();
  const tasks = useQuery(trpc.models.tasks.queryOptions(undefined, { staleTime: 60_000 }));
  return (
    <>
      <input className="input" list={listId} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} data-testid={testId} />
      <datalist id={listId}>
        {(tasks.data ?? []).map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  );
}

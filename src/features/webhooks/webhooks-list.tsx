'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { Webhook } from '@/lib/types';
import { WebhookDeliveries } from './webhook-deliveries';
import type { WebhookTarget } from './webhook-target';

/** The active webhooks of a job or a token, each with a delete button and, for a token's, its delivery log. */
export function WebhooksList({ target, showLogs }: { target: WebhookTarget; showLogs?: boolean }) {
  const trpc = useTRPC();
  const hooks = useQuery(trpc.webhooks.list.queryOptions(target));
  if (hooks.isPending) return <p className="muted">Loading webhooks…</p>;
  if (hooks.isError) return <ErrorBox error={hooks.error} testId="webhooks-error" />;
  if (hooks.data.length === 0) return <EmptyState title="No webhooks" testId="webhooks-empty" />;
  return (
    <ul className="stack-sm plain" data-testid="webhooks-list">
      {hooks.data.map((w) => (
        <WebhookItem key={w.id} webhook={w} showLog={showLogs} />
      ))}
    </ul>
  );
}

function WebhookItem({ webhook: w, showLog }: { webhook: Webhook; showLog?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.webhooks.list.queryFilter()),
    }),
  );
  return (
    <li className="stack-sm" data-testid={`webhook-${w.id}`}>
      <div className="row wrap">
        <code className="grow" data-testid="webhook-row-url">
          {w.url}
        </code>
        <small className="muted">
          {w.events.join(', ')}
          {w.events.includes('progress') && ` (every ${w.progressStep} %)`} · added {formatDate(w.createdAt)}
        </small>
        {showLog && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setOpen(!open)} data-testid="webhook-log-toggle">
            {open ? 'Hide deliveries' : 'Deliveries'}
          </button>
        )}
        <button type="button" className="btn btn-secondary btn-sm" disabled={remove.isPending} onClick={() => remove.mutate({ id: w.id })} data-testid="webhook-delete">
          {remove.isPending ? 'Deleting…' : 'Delete'}
        </button>
      </div>
      {remove.isError && <ErrorBox error={remove.error} testId="webhook-delete-error" />}
      {open && <WebhookDeliveries filter={{ webhookId: w.id }} />}
    </li>
  );
}

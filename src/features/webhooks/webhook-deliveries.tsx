'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { Table, numeric } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { WebhookDelivery } from '@/lib/types';

const TONES: Record<WebhookDelivery['status'], BadgeTone> = { pending: 'blue', delivered: 'green', failed: 'red' };
const PAGE = 25;

/** The delivery log of a webhook or of a job, newest first, refreshed while anything is pending. */
export function WebhookDeliveries({ filter }: { filter: { webhookId: string } | { jobId: string } }) {
  const trpc = useTRPC();
  const log = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { ...filter, limit: PAGE },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending')) ? 2000 : false),
      },
    ),
  );

  if (log.isPending) return <p className="muted" data-testid="webhook-deliveries-loading">Loading deliveries…</p>;
  if (log.isError) return <ErrorBox error={log.error} testId="webhook-deliveries-error" />;
  const items = log.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState title="No deliveries yet" testId="webhook-deliveries-empty">
        Events are sent as the job starts, progresses and ends; a webhook added to a job that has started is first sent where it stands.
      </EmptyState>
    );
  }
  return (
    <div className="stack-sm">
      <Table head={['Event', 'Status', numeric('Attempts'), numeric('Last answer'), 'Time', '']} testId="webhook-deliveries" className="compact">
        {items.map((d) => (
          <DeliveryRow key={d.id} delivery={d} />
        ))}
      </Table>
      {log.hasNextPage && (
        <button type="button" className="btn btn-secondary btn-sm" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()} data-testid="webhook-deliveries-more">
          {log.isFetchingNextPage ? 'Loading…' : 'Older deliveries'}
        </button>
      )}
    </div>
  );
}

function DeliveryRow({ delivery: d }: { delivery: WebhookDelivery }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.webhooks.deliveries.pathFilter()),
    }),
  );
  return (
    <tr data-testid={`webhook-delivery-${d.id}`} data-event={d.event} data-status={d.status}>
      <td>
        {d.event}
        {d.replayOf && <small className="muted"> (replay)</small>}
      </td>
      <td title={d.lastError ?? undefined}>
        <Badge tone={TONES[d.status]} testId="webhook-delivery-status">
          {d.status}
        </Badge>
        {d.lastError && d.status !== 'delivered' && <div className="muted small">{d.lastError}</div>}
        {d.status === 'pending' && d.nextAttemptAt && <div className="muted small">next attempt from {formatDate(d.nextAttemptAt)}</div>}
      </td>
      <td className="num">{d.attempts}</td>
      <td className="num">{d.lastStatusCode ?? '—'}</td>
      <td>{formatDate(d.deliveredAt ?? d.createdAt)}</td>
      <td className="actions">
        {replay.isError && <ErrorBox error={replay.error} testId="webhook-replay-error" />}
        <button type="button" className="btn btn-secondary btn-sm" disabled={replay.isPending} onClick={() => replay.mutate({ deliveryId: d.id })} data-testid="webhook-replay">
          {replay.isPending ? 'Replaying…' : 'Replay'}
        </button>
      </td>
    </tr>
  );
}

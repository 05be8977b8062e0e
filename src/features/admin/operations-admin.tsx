'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { numeric, Table } from '@/components/ui/table';
import { formatDate, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const LIVE = { refetchInterval: 5000 };

/** Queue depth, worker health, dead letters (with Retry) and per-model success rate and latency. */
export function OperationsAdmin() {
  return (
    <div className="stack">
      <QueuesCard />
      <WorkersCard />
      <DeadLettersCard />
      <ModelStatsCard />
    </div>
  );
}

function QueuesCard() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.operations.queues.queryOptions(), ...LIVE });
  return (
    <section className="card stack-sm" data-testid="ops-queues">
      <h2>Queue depth</h2>
      {q.isError && <ErrorBox error={q.error} testId="ops-queues-error" />}
      {q.data && (
        <Table head={['Queue', numeric('Ready'), numeric('Waiting to retry'), numeric('Active'), numeric('Failed (kept)'), numeric('Stored')]}>
          {q.data.map((r) => (
            <tr key={r.name} data-testid="ops-queue-row" data-queue={r.name}>
              <td className="mono">{r.name}</td>
              <td className="num">{r.ready}</td>
              <td className="num">{r.deferred}</td>
              <td className="num">{r.active}</td>
              <td className="num">{r.failed}</td>
              <td className="num">{r.total}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function WorkersCard() {
  const trpc = useTRPC();
  const w = useQuery({ ...trpc.operations.workers.queryOptions(), ...LIVE });
  return (
    <section className="card stack-sm" data-testid="ops-workers">
      <h2>Workers</h2>
      {w.isError && <ErrorBox error={w.error} testId="ops-workers-error" />}
      {w.data && w.data.workers.length === 0 && <EmptyState title="No worker has reported">Start one with `npm run worker` (npm start runs one).</EmptyState>}
      {w.data && w.data.workers.length > 0 && (
        <>
          <small className="muted">A worker writes a heartbeat every 5 s; one silent for {w.data.goneAfterSeconds} s is shown as silent (killed or hung).</small>
          <Table head={['Worker', 'State', 'Last heartbeat', 'Started', 'Executors', numeric('Running'), numeric('Handled')]}>
            {w.data.workers.map((x) => (
              <tr key={x.id} data-testid="ops-worker-row" data-state={x.state}>
                <td className="mono">{x.id}</td>
                <td>
                  <Badge tone={x.state === 'alive' ? 'green' : x.state === 'silent' ? 'red' : 'neutral'}>{x.state}</Badge>
                </td>
                <td>{x.silentSeconds} s ago</td>
                <td>{formatDate(x.startedAt)}</td>
                <td>{x.executors.join(', ')}</td>
                <td className="num">{x.tasksRunning}</td>
                <td className="num">{x.tasksFinished}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

function DeadLettersCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const d = useQuery({ ...trpc.operations.deadLetters.queryOptions(), ...LIVE });
  const retry = useMutation(
    trpc.operations.retryDeadLetter.mutationOptions({ onSettled: () => queryClient.invalidateQueries(trpc.operations.deadLetters.queryFilter()) }),
  );
  return (
    <section className="card stack-sm" data-testid="ops-dead">
      <h2>Dead-lettered tasks</h2>
      <small className="muted">Tasks the queue gave up on after every retry; their items failed with the reason. Retry sends a task again with fresh attempts and replaces its failed results.</small>
      {d.isError && <ErrorBox error={d.error} testId="ops-dead-error" />}
      {retry.isError && <ErrorBox error={retry.error} testId="ops-retry-error" />}
      {retry.isSuccess && (
        <p className="muted" data-testid="ops-retry-done">
          Sent again: <Link href={`/jobs/${retry.data.jobId}`}>job {retry.data.jobId.slice(0, 8)}</Link> ({retry.data.itemsReopened} items reopened).
        </p>
      )}
      {d.data && d.data.length === 0 && <EmptyState title="No dead-lettered tasks">Every task that ran has ended with its results.</EmptyState>}
      {d.data && d.data.length > 0 && (
        <Table head={['When', 'Model', 'Owner', 'Job', numeric('Items'), numeric('Attempts'), 'Last error', '']} testId="ops-dead-table">
          {d.data.map((t) => (
            <tr key={t.taskId} data-testid="ops-dead-row" data-model={t.model}>
              <td>{formatDate(t.deadLetteredAt)}</td>
              <td className="mono">{t.model}</td>
              <td>{t.ownerEmail}</td>
              <td>
                <Link href={`/jobs/${t.jobId}`} className="mono">
                  {t.jobId.slice(0, 8)}
                </Link>
              </td>
              <td className="num">{t.items}</td>
              <td className="num">{t.attempts}</td>
              <td className="small">{t.error ?? '—'}</td>
              <td>
                {t.blocked ? (
                  <small className="muted">{t.blocked}</small>
                ) : (
                  <button type="button" className="btn btn-sm btn-primary" disabled={retry.isPending} onClick={() => retry.mutate({ taskId: t.taskId })} data-testid="ops-dead-retry">
                    Retry
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function ModelStatsCard() {
  const trpc = useTRPC();
  const s = useQuery({ ...trpc.operations.modelStats.queryOptions({ days: 7 }), refetchInterval: 30_000 });
  return (
    <section className="card stack-sm" data-testid="ops-models">
      <h2>Models, last 7 days</h2>
      {s.isError && <ErrorBox error={s.error} testId="ops-models-error" />}
      {s.data && s.data.models.length === 0 && <EmptyState title="No results in the last 7 days">Statistics appear once jobs have run.</EmptyState>}
      {s.data && s.data.models.length > 0 && (
        <Table head={['Model', numeric('Results'), numeric('Succeeded'), numeric('Failed'), numeric('Success rate'), numeric('p50 per item'), numeric('p95 per item'), 'Last result']}>
          {s.data.models.map((m) => (
            <tr key={m.model} data-testid="ops-model-row" data-model={m.model}>
              <td>
                <Link href={`/models/${m.model}`}>{m.model}</Link>
              </td>
              <td className="num">{m.results}</td>
              <td className="num">{m.succeeded}</td>
              <td className="num">{m.failed}</td>
              <td className="num">{m.successRate === null ? '—' : `${(m.successRate * 100).toFixed(1)} %`}</td>
              <td className="num">{formatDuration(m.p50Ms)}</td>
              <td className="num">{formatDuration(m.p95Ms)}</td>
              <td>{formatDate(m.lastAt)}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

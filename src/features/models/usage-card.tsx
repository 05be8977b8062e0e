'use client';

import { useQuery } from '@tanstack/react-query';
import { ErrorBox } from '@/components/ui/error-box';
import { Table } from '@/components/ui/table';
import { formatDate, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const DAYS = 30;

/** Item-level usage of every version over the last 30 days. */
export function UsageCard({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.models.usage.queryOptions({ slug, days: DAYS }));
  const u = usage.data;
  return (
    <section className="card stack-sm" data-testid="usage-card">
      <div className="row spread">
        <h2>Usage</h2>
        <span className="muted small">last {DAYS} days, all versions</span>
      </div>
      {usage.isError && <ErrorBox error={usage.error} testId="usage-error" />}
      {usage.isPending && <div className="skeleton skeleton-line" />}
      {u && (
        <>
          <dl className="stats">
            <div>
              <dt>Invocations</dt>
              <dd data-testid="usage-invocations">{u.invocations.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Success rate</dt>
              <dd className={u.successRate !== null && u.successRate < 0.95 ? 'bad' : 'ok'} data-testid="usage-success-rate">
                {u.successRate === null ? '—' : `${(u.successRate * 100).toFixed(1)}%`}
              </dd>
            </div>
            <div>
              <dt>p50 latency</dt>
              <dd data-testid="usage-p50">{formatDuration(u.p50Ms)}</dd>
            </div>
            <div>
              <dt>p95 latency</dt>
              <dd data-testid="usage-p95">{formatDuration(u.p95Ms)}</dd>
            </div>
          </dl>
          {u.lastErrors.length > 0 ? (
            <Table head={['When', 'Version', 'Error']} testId="usage-errors">
              {u.lastErrors.map((e, i) => (
                <tr key={i}>
                  <td className="nowrap">{formatDate(e.at)}</td>
                  <td>v{e.version}</td>
                  <td className="result-error">
                    <span className="error-code">{e.code ?? 'ERROR'}</span> {e.message}
                  </td>
                </tr>
              ))}
            </Table>
          ) : (
            <p className="muted small">{u.invocations ? 'No failures.' : 'Not run yet.'}</p>
          )}
        </>
      )}
    </section>
  );
}

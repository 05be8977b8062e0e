'use client';

import { useQuery } from '@tanstack/react-query';
import { useDebounced } from '@/lib/use-debounced';
import { useTRPC } from '@/lib/trpc';

const money = (n: number, currency: string) => `${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(n < 1 ? 4 : 2)} ${currency}`;
const secs = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

/** Time and cost before submitting, with what the figures rest on, and the caller's quota today. */
export function JobEstimate({ model, items }: { model: string; items: number }) {
  const trpc = useTRPC();
  const q = useDebounced({ model, items }, 300);
  const enabled = !!q.model && q.items > 0;
  const estimate = useQuery({ ...trpc.jobs.estimate.queryOptions({ model: q.model, items: Math.max(1, q.items) }), enabled });
  const quota = useQuery(trpc.quotas.mine.queryOptions());
  if (!enabled) return null;
  const e = estimate.data;
  const l = quota.data?.limits;
  return (
    <div className="card stack-sm" data-testid="newjob-estimate">
      {estimate.isPending && <span className="muted">Estimating…</span>}
      {e && (
        <>
          <div className="row wrap">
            <strong data-testid="newjob-estimate-cost">
              {e.cost.cost === null ? 'Cost unknown until this model has run' : `About ${money(e.cost.cost, e.cost.currency)}`}
            </strong>
            {e.cost.cpuSeconds !== null && (
              <span className="muted">
                {secs(e.cost.cpuSeconds)} CPU-s{e.cost.gpuSeconds ? ` · ${secs(e.cost.gpuSeconds)} GPU-s` : ''}
              </span>
            )}
            {e.estimatedSeconds !== null && <span className="muted">· about {e.estimatedSeconds} s once a worker starts</span>}
          </div>
          <small className="muted" data-testid="newjob-estimate-basis">
            {e.cost.basis}
          </small>
        </>
      )}
      {l && quota.data && (l.itemsPerDay !== null || l.concurrentJobs !== null || l.cpuSecondsPerMonth !== null || l.gpuSecondsPerMonth !== null) && (
        <small className="muted" data-testid="newjob-quota">
          Your quota:{' '}
          {[
            l.itemsPerDay !== null && `${quota.data.day.items} of ${l.itemsPerDay} items today`,
            l.concurrentJobs !== null && `${quota.data.activeJobs} of ${l.concurrentJobs} jobs at once`,
            l.cpuSecondsPerMonth !== null && `${secs(quota.data.month.cpuSeconds)} of ${l.cpuSecondsPerMonth} CPU-s this month`,
            l.gpuSecondsPerMonth !== null && `${secs(quota.data.month.gpuSeconds)} of ${l.gpuSecondsPerMonth} GPU-s this month`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </small>
      )}
    </div>
  );
}

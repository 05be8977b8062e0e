'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

const v = (n: number | null) => (n === null ? '—' : `v${n}`);

/** Alias moves waiting for an approver, and every move made: who, from, to, when, why, approved by whom. */
export function AliasHistoryCard({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.models.aliasHistory.queryOptions({ slug }));
  const pending = useQuery(trpc.promotions.list.queryOptions({ slug, status: 'pending' }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.promotions.pathKey() });
  };
  const approve = useMutation(trpc.promotions.approve.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(trpc.promotions.reject.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.promotions.cancel.mutationOptions({ onSuccess: refresh }));
  const decision = approve.error ?? reject.error ?? cancel.error;
  const busy = approve.isPending || reject.isPending || cancel.isPending;

  return (
    <section className="card stack-sm" data-testid="alias-history-card">
      <h2>Alias history</h2>
      {pending.data && pending.data.length > 0 && (
        <div className="stack-sm" data-testid="pending-promotions">
          {pending.data.map((r) => (
            <div key={r.id} className="alert alert-info row wrap spread" data-testid="pending-promotion">
              <span>
                <Badge tone="amber">waiting for approval</Badge> {r.requestedBy ?? 'someone'} asks to move <code>{r.alias}</code> from {v(r.fromVersion)} to {v(r.toVersion)}
                {r.reason && <> — “{r.reason}”</>}
              </span>
              <span className="btn-group">
                {r.mayDecide && (
                  <>
                    <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => approve.mutate({ id: r.id })} data-testid="promotion-approve">
                      Approve
                    </button>
                    <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => reject.mutate({ id: r.id })} data-testid="promotion-reject">
                      Reject
                    </button>
                  </>
                )}
                <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => cancel.mutate({ id: r.id })} data-testid="promotion-cancel">
                  Withdraw
                </button>
              </span>
            </div>
          ))}
        </div>
      )}
      {decision && <ErrorBox error={decision} testId="promotion-error" />}
      {history.isError && <ErrorBox error={history.error} testId="alias-history-error" />}
      {history.data?.length === 0 && <p className="muted">No alias has moved yet.</p>}
      {history.data && history.data.length > 0 && (
        <Table head={['When', 'Alias', 'From', 'To', 'By', 'Approved by', 'Why']} testId="alias-history">
          {history.data.map((e) => (
            <tr key={e.id} data-testid="alias-event">
              <td>{formatDate(e.at)}</td>
              <td>
                <code>{e.alias}</code>
              </td>
              <td>{v(e.fromVersion)}</td>
              <td>{v(e.toVersion)}</td>
              <td>{e.actor ?? <span className="muted">the gateway</span>}</td>
              <td data-testid="alias-event-approver">{e.approvedBy ?? <span className="muted">—</span>}</td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

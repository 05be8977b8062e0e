'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useDebounced } from '@/lib/use-debounced';
import { useTRPC } from '@/lib/trpc';

const CHANNELS = ['ui', 'api', 'sdk', 'agent', 'system'] as const;
type Channel = (typeof CHANNELS)[number];
const PAGE = 50;

/** The audit log with filters (actor, action, channel, outcome, dates) and the CSV export of what is filtered. */
export function AuditAdmin() {
  const trpc = useTRPC();
  const [f, setF] = useState({ actor: '', action: '', channel: '' as '' | Channel, outcome: '' as '' | 'ok' | 'error', from: '', to: '' });
  const [offset, setOffset] = useState(0);
  const q = useDebounced(f, 300);
  const filter = {
    actor: q.actor || undefined,
    action: q.action || undefined,
    channel: q.channel || undefined,
    outcome: q.outcome || undefined,
    from: q.from || undefined,
    to: q.to || undefined,
  };
  const list = useQuery({ ...trpc.audit.list.queryOptions({ ...filter, limit: PAGE, offset }), placeholderData: keepPreviousData });
  // The export takes the filters as typed (not debounced): what is on screen a moment later.
  const csvHref = `/api/admin/audit.csv?${new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => !!e[1])).toString()}`;
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => {
    setOffset(0);
    setF({ ...f, [k]: e.target.value });
  };
  return (
    <div className="stack">
      <form className="row wrap card" onSubmit={(e) => e.preventDefault()} data-testid="audit-filters">
        <label className="field">
          <small>Actor (email or id)</small>
          <input className="input" value={f.actor} onChange={set('actor')} data-testid="audit-actor" />
        </label>
        <label className="field">
          <small>Action (starts with)</small>
          <input className="input" value={f.action} onChange={set('action')} placeholder="e.g. quota. or jobs." data-testid="audit-action" />
        </label>
        <label className="field">
          <small>Channel</small>
          <select className="input select" value={f.channel} onChange={set('channel')} data-testid="audit-channel">
            <option value="">any</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <small>Outcome</small>
          <select className="input select" value={f.outcome} onChange={set('outcome')} data-testid="audit-outcome">
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">refused / failed</option>
          </select>
        </label>
        <label className="field">
          <small>From (UTC)</small>
          <input className="input" type="date" value={f.from} onChange={set('from')} data-testid="audit-from" />
        </label>
        <label className="field">
          <small>To (UTC)</small>
          <input className="input" type="date" value={f.to} onChange={set('to')} data-testid="audit-to" />
        </label>
        <a className="btn btn-secondary" href={csvHref} download data-testid="audit-export">
          Export CSV
        </a>
      </form>
      {list.isError && <ErrorBox error={list.error} testId="audit-error" />}
      {list.data && (
        <>
          <div className="row spread">
            <span className="muted" data-testid="audit-total">
              {list.data.total.toLocaleString()} entries
            </span>
            <span className="row">
              <button type="button" className="btn btn-sm btn-secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </button>
              <button type="button" className="btn btn-sm btn-secondary" disabled={offset + PAGE >= list.data.total} onClick={() => setOffset(offset + PAGE)}>
                Older
              </button>
            </span>
          </div>
          <Table head={['#', 'When', 'Who', 'Channel', 'Action', 'On', 'Outcome', 'Request', 'Details']} testId="audit-table">
            {list.data.items.map((e) => (
              <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
                <td className="num">{e.seq}</td>
                <td>{formatDate(e.at)}</td>
                <td>{e.actorEmail ?? <span className="muted">anonymous / system</span>}</td>
                <td>
                  <Badge tone="neutral">{e.channel}</Badge>
                </td>
                <td className="mono" data-testid="audit-row-action">
                  {e.action}
                </td>
                <td className="mono small">{e.entityType ? `${e.entityType} ${e.entityId ?? ''}` : '—'}</td>
                <td>{e.outcome === 'ok' ? <Badge tone="green">ok</Badge> : <Badge tone="red">{e.errorCode ?? 'error'}</Badge>}</td>
                <td className="mono small">{e.requestId?.slice(0, 12) ?? '—'}</td>
                <td>
                  <details>
                    <summary>show</summary>
                    <pre className="mono small">{JSON.stringify({ procedure: e.procedure, before: e.before, after: e.after, input: e.input, error: e.errorMessage, hash: e.hash }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </div>
  );
}

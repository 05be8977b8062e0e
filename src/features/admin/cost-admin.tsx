'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { numeric, Table } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc';

/** Measured time and cost of the jobs submitted in a period, by user, team or model. */
export function CostAdmin() {
  const trpc = useTRPC();
  const [by, setBy] = useState<'user' | 'team' | 'model'>('user');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const r = useQuery(trpc.cost.report.queryOptions({ by, from: from || undefined, to: to || undefined }));
  return (
    <div className="stack">
      <div className="row wrap card">
        <label className="field">
          <small>By</small>
          <select className="input select" value={by} onChange={(e) => setBy(e.target.value as typeof by)} data-testid="cost-by">
            <option value="user">User</option>
            <option value="team">Team</option>
            <option value="model">Model</option>
          </select>
        </label>
        <label className="field">
          <small>From (UTC)</small>
          <input className="input" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="cost-from" />
        </label>
        <label className="field">
          <small>To (UTC, inclusive)</small>
          <input className="input" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="cost-to" />
        </label>
      </div>
      {r.isError && <ErrorBox error={r.error} testId="cost-error" />}
      {r.data && (
        <>
          <small className="muted" data-testid="cost-prices">
            {r.data.from} to {r.data.to}; prices now: {r.data.prices.cpuSecond} {r.data.currency} per CPU-second, {r.data.prices.gpuSecond} {r.data.currency} per GPU-second (each
            result is costed at the prices when it was written).
          </small>
          <Table head={[by === 'user' ? 'User' : by === 'team' ? 'Team' : 'Model', numeric('Jobs'), numeric('Items'), numeric('CPU-s'), numeric('GPU-s'), numeric(`Cost (${r.data.currency})`)]} testId="cost-table">
            {r.data.rows.map((row) => (
              <tr key={row.key ?? 'none'} data-testid="cost-row">
                <td>{row.label}</td>
                <td className="num">{row.jobs}</td>
                <td className="num">{row.items.toLocaleString()}</td>
                <td className="num">{row.cpuSeconds.toFixed(2)}</td>
                <td className="num">{row.gpuSeconds.toFixed(2)}</td>
                <td className="num">{row.cost.toFixed(6)}</td>
              </tr>
            ))}
            <tr>
              <td>
                <strong>Total</strong>
              </td>
              <td className="num">{r.data.total.jobs}</td>
              <td className="num">{r.data.total.items.toLocaleString()}</td>
              <td className="num">{r.data.total.cpuSeconds.toFixed(2)}</td>
              <td className="num">{r.data.total.gpuSeconds.toFixed(2)}</td>
              <td className="num">{r.data.total.cost.toFixed(6)}</td>
            </tr>
          </Table>
        </>
      )}
    </div>
  );
}

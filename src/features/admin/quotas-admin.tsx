'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { numeric, Table } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc';

interface Limits {
  concurrentJobs: number | null;
  itemsPerDay: number | null;
  cpuSecondsPerMonth: number | null;
  gpuSecondsPerMonth: number | null;
}
const FIELDS: { key: keyof Limits; label: string }[] = [
  { key: 'concurrentJobs', label: 'Jobs at once' },
  { key: 'itemsPerDay', label: 'Items per day' },
  { key: 'cpuSecondsPerMonth', label: 'CPU-s per month' },
  { key: 'gpuSecondsPerMonth', label: 'GPU-s per month' },
];
const show = (n: number | null) => (n === null ? '∞' : n.toLocaleString());
const round = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

/** Every user's limits (their own or the default) beside this day's and month's usage; admins edit them in place. */
export function QuotasAdmin() {
  const trpc = useTRPC();
  const table = useQuery(trpc.quotas.list.queryOptions());
  const [editing, setEditing] = useState<string | null>(null);
  if (table.isPending) return <p className="muted">Loading quotas…</p>;
  if (table.isError) return <ErrorBox error={table.error} testId="quotas-error" />;
  const d = table.data;
  return (
    <div className="stack">
      <div className="card stack-sm" data-testid="quotas-default">
        <div className="row spread">
          <span>
            <strong>Default for users without their own:</strong> {FIELDS.map((f) => `${f.label} ${show(d.defaults[f.key])}`).join(' · ')}
          </span>
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => setEditing('default')} data-testid="quotas-default-edit">
            Edit
          </button>
        </div>
        {editing === 'default' && <LimitsForm subject="default" initial={d.defaults} onDone={() => setEditing(null)} />}
      </div>
      <Table
        head={['User', 'Limits', numeric('Active jobs'), numeric('Items today'), numeric('CPU-s month'), numeric('GPU-s month'), numeric(`Cost month (${d.currency})`), '']}
        testId="quotas-table"
      >
        {d.users.map((u) => (
          <tr key={u.subject.id} data-testid="quotas-row" data-email={u.name}>
            <td>{u.name}</td>
            <td>
              <span className={u.source === 'own' ? '' : 'muted'} data-testid="quotas-row-limits">
                {FIELDS.map((f) => `${f.label} ${show(u.effective[f.key])}`).join(' · ')}
                {u.source === 'default' ? ' (default)' : ''}
              </span>
              {editing === u.subject.id && <LimitsForm subject={u.subject} initial={u.effective} onDone={() => setEditing(null)} />}
            </td>
            <td className="num">{u.activeJobs}</td>
            <td className="num">{u.itemsToday.toLocaleString()}</td>
            <td className="num">{round(u.cpuSecondsMonth)}</td>
            <td className="num">{round(u.gpuSecondsMonth)}</td>
            <td className="num">{u.costMonth.toFixed(4)}</td>
            <td>
              <button type="button" className="btn btn-sm btn-secondary" onClick={() => setEditing(u.subject.id)} data-testid="quotas-row-edit">
                Edit
              </button>
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

function LimitsForm({ subject, initial, onDone }: { subject: 'default' | { type: 'user' | 'team'; id: string }; initial: Limits; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<keyof Limits, string>>({
    concurrentJobs: initial.concurrentJobs?.toString() ?? '',
    itemsPerDay: initial.itemsPerDay?.toString() ?? '',
    cpuSecondsPerMonth: initial.cpuSecondsPerMonth?.toString() ?? '',
    gpuSecondsPerMonth: initial.gpuSecondsPerMonth?.toString() ?? '',
  });
  const save = useMutation(
    trpc.quotas.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.quotas.list.queryFilter());
        onDone();
      },
    }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const num = (s: string) => (s.trim() === '' ? null : Number(s));
    save.mutate({
      subject,
      limits: { concurrentJobs: num(values.concurrentJobs), itemsPerDay: num(values.itemsPerDay), cpuSecondsPerMonth: num(values.cpuSecondsPerMonth), gpuSecondsPerMonth: num(values.gpuSecondsPerMonth) },
    });
  }
  return (
    <form className="stack-sm" onSubmit={onSubmit} data-testid="quota-form">
      <div className="row wrap">
        {FIELDS.map((f) => (
          <label key={f.key} className="field">
            <small>{f.label}</small>
            <input
              className="input"
              inputMode="decimal"
              placeholder="no limit"
              value={values[f.key]}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              data-testid={`quota-${f.key}`}
            />
          </label>
        ))}
      </div>
      <div className="row">
        <button type="submit" className="btn btn-sm btn-primary" disabled={save.isPending} data-testid="quota-save">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="btn btn-sm btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <small className="muted">Empty is no limit.</small>
      </div>
      {save.isError && <ErrorBox error={save.error} testId="quota-save-error" />}
    </form>
  );
}

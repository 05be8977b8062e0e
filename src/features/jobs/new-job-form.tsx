'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { useTRPC } from '@/lib/trpc';
import { UploadFile } from '../uploads/upload-file';
import { JobEstimate } from './job-estimate';
import { parseSmilesLines } from './smiles-lines';

const EXAMPLE = ['CC(=O)Oc1ccccc1C(=O)O aspirin', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C caffeine', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen'].join('\n');

export function NewJobForm({ initialModel }: { initialModel?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const models = useQuery(trpc.models.list.queryOptions({ limit: 100, offset: 0 }));
  const [chosen, setChosen] = useState<string | null>(initialModel ?? null);
  const [text, setText] = useState('');
  const [label, setLabel] = useState('');
  const create = useMutation(
    trpc.jobs.create.mutationOptions({ onSuccess: (job) => router.push(`/jobs/${job.id}`) }),
  );
  const smiles = useMemo(() => parseSmilesLines(text), [text]);
  const runnable = (models.data?.items ?? []).filter((m) => m.latestVersion !== null);
  const model = chosen ?? runnable[0]?.slug ?? '';

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!model || smiles.length === 0) return;
    create.mutate({ model, inputs: smiles.map((s) => ({ smiles: s })), label: label.trim() || undefined });
  }

  return (
    <>
      <form className="card form" onSubmit={onSubmit} data-testid="newjob-form">
        <Field label="Model">
          <select
            className="input select"
            value={model}
            onChange={(e) => setChosen(e.target.value)}
            disabled={models.isPending}
            data-testid="newjob-model"
          >
            {models.isPending && <option value={model}>Loading models…</option>}
            {runnable.map((m) => (
              <option key={m.slug} value={m.slug}>
                {m.name} ({m.slug}@{m.latestVersion})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Label (optional)">
          <input
            className="input"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="e.g. kinase screen, plate 3"
            maxLength={200}
            data-testid="newjob-label"
          />
        </Field>
        <label className="field">
          <span className="row spread">
            <span>SMILES, one per line</span>
            <button type="button" className="link small" onClick={() => setText(EXAMPLE)} data-testid="newjob-example">
              Paste an example
            </button>
          </span>
          <textarea
            className="input mono textarea"
            rows={14}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={'CCO ethanol\nc1ccccc1 benzene\n…'}
            spellCheck={false}
            data-testid="newjob-smiles"
          />
          <small className="muted">Anything after a tab or space on a line (a name, an id) is ignored.</small>
        </label>
        <JobEstimate model={model} items={smiles.length} />
        <div className="row spread">
          <span data-testid="newjob-count">
            <strong>{smiles.length.toLocaleString()}</strong> {smiles.length === 1 ? 'molecule' : 'molecules'}
          </span>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={create.isPending || !model || smiles.length === 0}
            data-testid="newjob-submit"
          >
            {create.isPending ? 'Submitting…' : 'Submit job'}
          </button>
        </div>
        {models.isError && <ErrorBox error={models.error} testId="newjob-models-error" />}
        {create.isError && <ErrorBox error={create.error} testId="newjob-error" />}
      </form>
      {/* The model and label chosen above apply to a file too. */}
      <UploadFile model={model} label={label} />
    </>
  );
}

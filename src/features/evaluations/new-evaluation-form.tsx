'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { isConsensusRuntime, outputFieldOptions } from '@/features/consensus/consensus';
import { useTRPC } from '@/lib/trpc';
import type { Dataset } from '@/lib/types';
import { memberKey } from '@/shared/consensus-member';
import { latestRunnable } from '@/shared/version-status';
import { DatasetUploadPanel } from './dataset-upload-panel';

const datasetLabel = (d: Dataset) => `${d.name} — ${d.rowCount.toLocaleString()} molecules, ${d.valueName}${d.units ? ` (${d.units})` : ''}`;

/** Picks a model and a dataset of measured values, and starts the evaluation job. */
export function NewEvaluationForm({ initialModel }: { initialModel?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const models = useQuery(trpc.models.list.queryOptions({ status: 'published', limit: 100, offset: 0 }));
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const [chosenModel, setChosenModel] = useState(initialModel ?? '');
  const [chosenDataset, setChosenDataset] = useState('');
  const [outputField, setOutputField] = useState('');
  const [folds, setFolds] = useState('5');
  const [uploading, setUploading] = useState(false);
  const create = useMutation(trpc.evaluations.create.mutationOptions({ onSuccess: (e) => router.push(`/evaluations/${e.id}`) }));

  const items = models.data?.items ?? [];
  const model = chosenModel || items[0]?.slug || '';
  const datasetId = chosenDataset || datasets.data?.[0]?.id || '';
  const detail = useQuery(trpc.models.get.queryOptions({ slug: model }, { enabled: !!model, staleTime: 60_000 }));
  const version = detail.data && latestRunnable(detail.data.versions);
  const runtime = isConsensusRuntime(version?.runtime) ? version.runtime : null;
  const numeric = runtime ? [runtime.outputField] : outputFieldOptions(version?.outputSchema).filter((f) => f.kind === 'number').map((f) => f.name);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!model || !datasetId) return;
    create.mutate({ model, datasetId, outputField: outputField && numeric.includes(outputField) ? outputField : undefined, folds: folds ? Number(folds) : undefined });
  }

  return (
    <form className="card form" onSubmit={onSubmit} data-testid="evaluation-form">
      <Field label="Model">
        <select
          className="input select"
          value={model}
          onChange={(e) => {
            setChosenModel(e.target.value);
            setOutputField('');
          }}
          disabled={models.isPending}
          data-testid="evaluation-model"
        >
          {models.isPending && <option value={model}>Loading models…</option>}
          {items.map((m) => (
            <option key={m.slug} value={m.slug}>
              {m.runtimeKind === 'consensus' ? '◆ ' : ''}
              {m.name} ({m.slug}@{m.latestVersion}){m.runtimeKind === 'consensus' ? ' — consensus' : ''}
            </option>
          ))}
        </select>
        {version && (
          <small className="muted" data-testid="evaluation-model-kind">
            {runtime
              ? `Consensus v${version.version}: ${runtime.strategy} of ${runtime.members.map(memberKey).join(', ')}; each member is scored too.`
              : `v${version.version}, a ${version.runtime.kind} model.`}
          </small>
        )}
      </Field>
      <div className="field">
        <span className="row spread">
          <span>Dataset</span>
          {!uploading && (
            <button type="button" className="link small" onClick={() => setUploading(true)} data-testid="evaluation-upload-toggle">
              Upload CSV
            </button>
          )}
        </span>
        <select
          className="input select"
          value={datasetId}
          onChange={(e) => setChosenDataset(e.target.value)}
          disabled={datasets.isPending}
          data-testid="evaluation-dataset"
        >
          {datasets.isPending && <option value="">Loading datasets…</option>}
          {datasets.data?.length === 0 && <option value="">No datasets yet: upload one</option>}
          {(datasets.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {datasetLabel(d)}
            </option>
          ))}
        </select>
      </div>
      {uploading && (
        <DatasetUploadPanel
          onUploaded={(d) => {
            setChosenDataset(d.id);
            setUploading(false);
          }}
          onCancel={() => setUploading(false)}
        />
      )}
      <Field label="Output field to compare">
        <select className="input select" value={outputField} onChange={(e) => setOutputField(e.target.value)} disabled={!version} data-testid="evaluation-output-field">
          <option value="">Default ({runtime ? runtime.outputField : 'the one named like the measured value, else the first number'})</option>
          {numeric.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Cross-validation">
        <select className="input select" value={folds} onChange={(e) => setFolds(e.target.value)} data-testid="evaluation-folds">
          <option value="">None: in-sample figures only</option>
          {[3, 5, 10].map((k) => (
            <option key={k} value={k}>
              {k}-fold: trained members retrained per fold, fitted strategies fitted on the other folds
            </option>
          ))}
        </select>
        <small className="muted">
          Out-of-fold figures score every model on molecules it did not learn from; in-sample figures of a trained model or a fitted consensus are optimistic.
        </small>
      </Field>
      {models.isError && <ErrorBox error={models.error} testId="evaluation-models-error" />}
      {datasets.isError && <ErrorBox error={datasets.error} testId="evaluation-datasets-error" />}
      {create.isError && <ErrorBox error={create.error} testId="evaluation-error" />}
      <div className="row spread">
        <span className="muted small">The model runs on every molecule of the dataset as an ordinary job.</span>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !model || !datasetId} data-testid="evaluation-submit">
          {create.isPending ? 'Starting…' : 'Start evaluation'}
        </button>
      </div>
    </form>
  );
}

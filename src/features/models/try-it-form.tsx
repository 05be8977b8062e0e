'use client';

import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { BusyLabel } from '@/components/ui/busy-label';
import { ErrorBox } from '@/components/ui/error-box';
import { MoleculeImage } from '@/features/outputs/molecule-image';
import { coerceField, schemaFields } from '@/features/outputs/schema';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion } from '@/lib/types';
import { useDebounced } from '@/lib/use-debounced';
import { PredictionResult } from './prediction-result';

function initialValues(version: ModelVersion): Record<string, string> {
  const example = version.example ?? {};
  return Object.fromEntries(
    schemaFields(version.inputSchema).map((f) => {
      const v = example[f.name];
      return [f.name, v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)];
    }),
  );
}

/** A form generated from the version's input schema: one input per property. `modelRef` is what it runs (`slug@production`, `slug@3`). */
export function TryItForm({ modelRef, version }: { modelRef: string; version: ModelVersion }) {
  const trpc = useTRPC();
  const fields = schemaFields(version.inputSchema);
  const smilesField = fields.find((f) => f.format === 'smiles')?.name;
  const [values, setValues] = useState(() => initialValues(version));
  const debouncedSmiles = useDebounced(smilesField ? (values[smilesField] ?? '') : '', 400);
  const startedAt = useRef(0);
  const [roundTripMs, setRoundTripMs] = useState<number | null>(null);
  const predict = useMutation(
    trpc.models.predict.mutationOptions({
      onSettled: () => setRoundTripMs(performance.now() - startedAt.current),
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input = Object.fromEntries(
      fields.filter((f) => values[f.name] !== '' || f.required).map((f) => [f.name, coerceField(f, values[f.name] ?? '')]),
    );
    startedAt.current = performance.now();
    setRoundTripMs(null);
    predict.mutate({ model: modelRef, input });
  }

  return (
    <div className="tryit">
      <form onSubmit={onSubmit} className="form" data-testid="tryit-form">
        {fields.map((f) => (
          <label key={f.name} className="field">
            <span>
              {f.title ?? f.name} {f.required && <span className="req">*</span>}{' '}
              <code className="muted small">
                {f.name}: {f.format ?? f.type}
              </code>
            </span>
            <input
              className={f.format === 'smiles' ? 'input mono' : 'input'}
              value={values[f.name] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              placeholder={f.format === 'smiles' ? 'e.g. CC(=O)Oc1ccccc1C(=O)O' : f.type}
              spellCheck={false}
              data-testid={`tryit-field-${f.name}`}
            />
            {f.description && <small className="muted">{f.description}</small>}
          </label>
        ))}
        {smilesField && (
          <div className="tryit-preview">
            <MoleculeImage smiles={debouncedSmiles} width={200} height={150} testId="tryit-preview" />
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={predict.isPending} data-testid="tryit-submit">
          {predict.isPending ? <BusyLabel>Predicting…</BusyLabel> : 'Predict'}
        </button>
      </form>
      <div className="tryit-result">
        {predict.isError && <ErrorBox error={predict.error} testId="prediction-error" />}
        {predict.isSuccess && (
          <PredictionResult
            prediction={predict.data}
            outputSchema={version.outputSchema}
            smilesField={smilesField}
            roundTripMs={roundTripMs}
          />
        )}
        {predict.isIdle && (
          <p className="muted">
            Submit the form to run <code>{modelRef}</code> (v{version.version}) on this input.
          </p>
        )}
      </div>
    </div>
  );
}

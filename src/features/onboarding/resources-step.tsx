'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion, VersionSpec } from '@/lib/types';
import { sameJson } from '@/shared/canonical-json';
import { useVersionSaved } from './use-version-saved';
import { specOf } from './wizard-steps';
import { useWizardNav } from './wizard-url';

type Resources = NonNullable<VersionSpec['resources']>;

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

/** A number typed in a field: undefined when blank, NaN when not a number. */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** Step 4: what one model process needs, and how the gateway feeds it. */
export function ResourcesStep({ version }: { version: ModelVersion }) {
  const trpc = useTRPC();
  const go = useWizardNav();
  const saved = useVersionSaved();
  const r = version.resources as Resources;
  const [cpu, setCpu] = useState(str(r.cpu));
  const [memoryMb, setMemoryMb] = useState(str(r.memoryMb));
  const [gpuCount, setGpuCount] = useState(str(r.gpu?.count));
  const [gpuType, setGpuType] = useState(r.gpu?.type ?? '');
  const [batchSize, setBatchSize] = useState(String(version.batchSize));
  const [timeoutS, setTimeoutS] = useState(String(version.timeoutMs / 1000));
  const [submitted, setSubmitted] = useState(false);

  const save = useMutation(
    trpc.versions.update.mutationOptions({
      onSuccess: async (v) => {
        await saved(v);
        go({ slug: v.slug, version: v.version, step: 'smoke' });
      },
    }),
  );

  const v = { cpu: num(cpu), memoryMb: num(memoryMb), gpuCount: num(gpuCount), batchSize: num(batchSize), timeoutS: num(timeoutS) };
  const problems = {
    cpu: v.cpu !== undefined && !(v.cpu > 0) ? 'a positive number of cores, e.g. 0.5 or 2' : null,
    memoryMb: v.memoryMb !== undefined && !(Number.isInteger(v.memoryMb) && v.memoryMb > 0) ? 'a whole number of MB, e.g. 2048' : null,
    gpuCount: v.gpuCount !== undefined && !(Number.isInteger(v.gpuCount) && v.gpuCount >= 0) ? 'a whole number, 0 or more' : null,
    gpuType: gpuType.trim() && !v.gpuCount ? 'set a GPU count for this type' : null,
    batchSize: !(Number.isInteger(v.batchSize) && v.batchSize! >= 1 && v.batchSize! <= 10_000) ? 'between 1 and 10,000 items' : null,
    timeoutS: !(v.timeoutS !== undefined && v.timeoutS >= 0.1 && v.timeoutS <= 3600) ? 'between 0.1 and 3,600 seconds' : null,
  };
  const valid = Object.values(problems).every((p) => !p);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!valid) return;
    const resources: Resources = {
      ...(v.cpu !== undefined ? { cpu: v.cpu } : {}),
      ...(v.memoryMb !== undefined ? { memoryMb: v.memoryMb } : {}),
      ...(v.gpuCount ? { gpu: { count: v.gpuCount, ...(gpuType.trim() ? { type: gpuType.trim() } : {}) } } : {}),
    };
    const spec = { ...specOf(version), resources, batchSize: v.batchSize!, timeoutMs: Math.round(v.timeoutS! * 1000) };
    // Saving an unchanged draft would only throw away a passed smoke test.
    if (sameJson(spec, specOf(version))) return go({ slug: version.slug, version: version.version, step: 'smoke' });
    save.mutate({ versionId: version.id, spec });
  }

  const field = (label: string, hint: string, value: string, set: (s: string) => void, key: keyof typeof problems, placeholder = '') => (
    <Field label={label} hint={hint}>
      <input className="input" inputMode="decimal" value={value} onChange={(e) => set(e.target.value)} placeholder={placeholder} data-testid={`resources-${key}`} />
      <FieldError show={submitted} message={problems[key]} testId={`resources-${key}-error`} />
    </Field>
  );

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="resources-form">
      <div>
        <h2>Resources and batching</h2>
        <p className="muted">Requests for the Kubernetes executor, and how many items a model process gets at once.</p>
      </div>
      <div className="form-grid">
        {field('CPU', 'cores, optional', cpu, setCpu, 'cpu', 'e.g. 1')}
        {field('Memory', 'MB, optional', memoryMb, setMemoryMb, 'memoryMb', 'e.g. 2048')}
        {field('GPUs', 'count, optional', gpuCount, setGpuCount, 'gpuCount', '0')}
        <Field label="GPU type" hint="optional, e.g. nvidia-l4">
          <input className="input" value={gpuType} onChange={(e) => setGpuType(e.target.value)} data-testid="resources-gpuType" />
          <FieldError show={submitted} message={problems.gpuType} testId="resources-gpuType-error" />
        </Field>
        {field('Batch size', 'items per task (1–10,000)', batchSize, setBatchSize, 'batchSize')}
        {field('Timeout', 'seconds a model may stay silent on an item', timeoutS, setTimeoutS, 'timeoutS')}
      </div>
      {save.isError && <ErrorBox error={save.error} testId="resources-error" />}
      <div className="wizard-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending || (submitted && !valid)} data-testid="resources-submit">
          {save.isPending ? 'Saving…' : 'Save and continue'}
        </button>
      </div>
    </form>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { BusyLabel } from '@/components/ui/busy-label';
import { CodeInput } from '@/components/ui/code-input';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { useTRPC } from '@/lib/trpc';
import { sameJson } from '@/shared/canonical-json';
import { SECRET_MASK } from '@/shared/secrets';
import { HttpCheckResult } from './http-check-result';
import { httpRuntimeOf, type RuntimeErrors, type RuntimeForm } from './runtime-form';

interface Props {
  form: RuntimeForm;
  set: (patch: Partial<RuntimeForm>) => void;
  errors: RuntimeErrors;
  showErrors: boolean;
  /** The version whose stored headers masked values stand for (the draft, or the version it copies). */
  secretsFrom?: string;
}

export function HttpRuntimeFields({ form, set, errors, showErrors, secretsFrom }: Props) {
  const trpc = useTRPC();
  const check = useMutation(trpc.models.checkHttp.mutationOptions());
  const runtime = httpRuntimeOf(form);
  // A result answers for the URL it checked; after an edit it no longer applies.
  const current = check.variables && sameJson(check.variables.runtime, runtime);
  const canCheck = !errors.url && !errors.model && !errors.headersText;

  return (
    <div className="stack-sm">
      <Field label="URL" required hint="the server’s base URL, as the workers reach it">
        <CodeInput value={form.url} onChange={(url) => set({ url })} placeholder="http://10.0.0.5:8080" testId="runtime-url" />
        <FieldError show={showErrors || !!form.url} message={errors.url} testId="runtime-url-error" />
      </Field>
      <div className="form-grid">
        <Field label="Protocol">
          <select
            className="input select"
            value={form.protocol}
            onChange={(e) => set({ protocol: e.target.value as RuntimeForm['protocol'] })}
            data-testid="runtime-protocol"
          >
            <option value="oip-v2">Open Inference Protocol v2 (KServe, Triton, MLServer)</option>
            <option value="json">Plain JSON ({'{"instances"}'} in, {'{"predictions"}'} out)</option>
          </select>
        </Field>
        {form.protocol === 'oip-v2' && (
          <Field label="Model name" required>
            <CodeInput value={form.model} onChange={(model) => set({ model })} placeholder="my-model" testId="runtime-model-name" />
            <FieldError show={showErrors} message={errors.model} testId="runtime-model-name-error" />
          </Field>
        )}
      </div>
      <Field label="Headers" hint={`optional, one Name: value a line, e.g. authorization: Bearer <token>; stored encrypted, shown to nobody (${SECRET_MASK} keeps a stored value)`}>
        <textarea
          className="input mono textarea"
          rows={2}
          value={form.headersText}
          onChange={(e) => set({ headersText: e.target.value })}
          placeholder="authorization: Bearer <token>"
          spellCheck={false}
          autoComplete="off"
          data-testid="runtime-headers"
        />
        <FieldError show={showErrors || !!form.headersText} message={errors.headersText} testId="runtime-headers-error" />
      </Field>
      <div className="row wrap">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!canCheck || check.isPending}
          onClick={() => check.mutate({ runtime, ...(secretsFrom ? { versionId: secretsFrom } : {}) })}
          data-testid="runtime-check"
        >
          {check.isPending ? <BusyLabel>Checking…</BusyLabel> : 'Check'}
        </button>
        <span className="muted small">Asks the server whether it is ready{form.protocol === 'oip-v2' ? ' and serves this model' : ''}.</span>
      </div>
      {check.isError && <ErrorBox error={check.error} testId="runtime-check-error" />}
      {check.isSuccess && current && <HttpCheckResult check={check.data} />}
    </div>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { schemaFields } from '@/features/outputs/schema';
import { useTRPCClient } from '@/lib/trpc';
import type { JsonSchema, ModelDetail, ModelVersion, RuntimeSpec, VersionSpec } from '@/lib/types';
import { sameJson } from '@/shared/canonical-json';
import { BundleRuntimeFields } from './bundle-runtime-fields';
import { ExampleInputField } from './example-input-field';
import { HttpRuntimeFields } from './http-runtime-fields';
import { KubernetesRuntimeFields } from './kubernetes-runtime-fields';
import { ProcessRuntimeFields } from './process-runtime-fields';
import { buildExample, buildRuntime, exampleFormFrom, runtimeFormFrom, type RuntimeForm } from './runtime-form';
import { RuntimeKindPicker } from './runtime-kind-picker';
import { useVersionSaved } from './use-version-saved';
import { specOf } from './wizard-steps';
import { useWizardNav } from './wizard-url';

const sameFields = (schema: JsonSchema, example: Record<string, unknown>) =>
  JSON.stringify(schemaFields(schema).map((f) => f.name).sort()) === JSON.stringify(Object.keys(example).sort());

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;

/** What an uploaded bundle's model.json gives beyond its runtime: schemas, resources, batch size, timeout. */
function specFromManifest(m: Record<string, unknown>): Partial<VersionSpec> {
  const out: Partial<VersionSpec> = {};
  if (isObject(m.inputSchema)) out.inputSchema = m.inputSchema as JsonSchema;
  if (isObject(m.outputSchema)) out.outputSchema = m.outputSchema as JsonSchema;
  if (isObject(m.resources)) out.resources = m.resources as VersionSpec['resources'];
  if (typeof m.batchSize === 'number') out.batchSize = m.batchSize;
  if (typeof m.timeoutMs === 'number') out.timeoutMs = m.timeoutMs;
  return out;
}

/**
 * Step 2: how the model runs, and one example input. Saving creates the draft version (or
 * edits it); the input schema is inferred from the example unless the draft already has one
 * with the same fields, so edits made on the schemas step survive a change of command.
 */
export function RuntimeStep({ model, version }: { model: ModelDetail; version: ModelVersion | undefined }) {
  const client = useTRPCClient();
  const go = useWizardNav();
  const saved = useVersionSaved();
  // A new version of a published model starts as a copy of the newest one.
  const base = version ?? model.versions[0];
  const [form, setForm] = useState(() => runtimeFormFrom(base?.runtime));
  const [example, setExample] = useState(() => exampleFormFrom(base?.example));
  const [showErrors, setShowErrors] = useState(false);
  const [fromManifest, setFromManifest] = useState<Partial<VersionSpec>>({});
  const set = (patch: Partial<RuntimeForm>) => setForm((f) => ({ ...f, ...patch }));

  const built = buildRuntime(form);
  const errors = 'errors' in built ? built.errors : {};
  const builtExample = buildExample(example);
  const exampleError = 'error' in builtExample ? builtExample.error : null;

  const save = useMutation({
    mutationFn: async ({ runtime, input }: { runtime: RuntimeSpec; input: Record<string, unknown> }): Promise<ModelVersion> => {
      if (version && sameJson(version.runtime, runtime) && sameJson(version.example, input)) {
        return version; // unchanged: keep the draft (and a passed smoke test) as it is
      }
      const inputSchema =
        fromManifest.inputSchema ??
        (base && sameFields(base.inputSchema, input) ? base.inputSchema : (await client.models.inferSchemas.mutate({ input, output: {} })).inputSchema);
      const given = { ...fromManifest, runtime, example: input, inputSchema };
      if (version) return client.versions.update.mutate({ versionId: version.id, spec: { ...specOf(version), ...given } });
      const spec: VersionSpec = base
        ? { ...specOf(base), ...given }
        : { outputSchema: { type: 'object' }, resources: {}, batchSize: 50, timeoutMs: 60_000, ...given };
      // Masked secrets of the copied version keep their stored values.
      return client.versions.createDraft.mutate({ slug: model.slug, spec, ...(base ? { secretsFrom: base.id } : {}) });
    },
    onSuccess: async (v) => {
      await saved(v);
      go({ slug: model.slug, version: v.version, step: 'schemas' });
    },
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if ('runtime' in built && 'example' in builtExample) save.mutate({ runtime: built.runtime, input: builtExample.example });
  }

  if (version?.runtime.kind === 'consensus') {
    return (
      <div className="stack-sm" data-testid="runtime-consensus">
        <h2>Runtime</h2>
        <p className="muted">v{version.version} is a consensus of other models; its members are not edited here.</p>
        <div className="wizard-actions">
          <button type="button" className="btn btn-primary" onClick={() => go({ slug: model.slug, version: version.version, step: 'schemas' })}>
            Continue to schemas
          </button>
        </div>
      </div>
    );
  }

  const fieldProps = { form, set, errors, showErrors };
  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="runtime-form">
      <div>
        <h2>Runtime</h2>
        <p className="muted">
          {version ? `Editing draft v${version.version}.` : `Saving creates draft v${(model.versions[0]?.version ?? 0) + 1}.`} Nobody can
          run a draft until it is published.
        </p>
      </div>
      <RuntimeKindPicker value={form.kind} onChange={(kind) => set({ kind })} />
      {form.kind === 'bundle' && (
        <BundleRuntimeFields
          {...fieldProps}
          onManifest={(m) => {
            setFromManifest(specFromManifest(m));
            if (isObject(m.example)) setExample(exampleFormFrom(m.example));
          }}
        />
      )}
      {form.kind === 'process' && <ProcessRuntimeFields {...fieldProps} />}
      {form.kind === 'http' && <HttpRuntimeFields {...fieldProps} secretsFrom={base?.id} />}
      {form.kind === 'kubernetes' && <KubernetesRuntimeFields {...fieldProps} />}
      <ExampleInputField form={example} onChange={setExample} error={exampleError} showErrors={showErrors} />
      {save.isError && <ErrorBox error={save.error} testId="runtime-error" />}
      <div className="wizard-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={save.isPending || (showErrors && (!('runtime' in built) || !!exampleError))}
          data-testid="runtime-submit"
        >
          {save.isPending ? 'Saving…' : version ? 'Save and continue' : 'Create draft and continue'}
        </button>
      </div>
    </form>
  );
}

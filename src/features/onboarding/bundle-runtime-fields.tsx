'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { formatCommandLine, formatEnvLines } from './command-line';
import { ProcessRuntimeFields } from './process-runtime-fields';
import type { RuntimeErrors, RuntimeForm } from './runtime-form';
import { BundleUploadError, uploadBundle, type UploadedBundle } from './upload-bundle';

interface Props {
  form: RuntimeForm;
  set: (patch: Partial<RuntimeForm>) => void;
  errors: RuntimeErrors;
  showErrors: boolean;
  /** The bundle's model.json, for the step to prefill the example and schemas from. */
  onManifest: (manifest: Record<string, unknown>) => void;
}

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/**
 * The model folder as an archive: uploaded at once (content-addressed, checked entry by entry on
 * the gateway), then run from it in the sandbox. A model.json inside fills in the command, the
 * working folder, the environment, the example and the schemas.
 */
export function BundleRuntimeFields({ form, set, errors, showErrors, onManifest }: Props) {
  const [state, setState] = useState<{ uploading: boolean; name?: string; result?: UploadedBundle; error?: BundleUploadError }>({ uploading: false });

  async function onFile(file: File | undefined) {
    if (!file) return;
    setState({ uploading: true, name: file.name });
    try {
      const result = await uploadBundle(file);
      setState({ uploading: false, name: file.name, result });
      const runtime = result.manifest?.runtime as { kind?: string; command?: string[]; cwd?: string; env?: Record<string, string> } | undefined;
      const patch: Partial<RuntimeForm> = { bundle: result.digest };
      if (runtime?.kind === 'process') {
        if (Array.isArray(runtime.command)) patch.commandLine = formatCommandLine(runtime.command);
        patch.cwd = runtime.cwd ?? '';
        if (runtime.env) patch.envText = formatEnvLines(runtime.env);
      }
      set(patch);
      if (result.manifest) onManifest(result.manifest);
    } catch (e) {
      setState({ uploading: false, name: file.name, error: e instanceof BundleUploadError ? e : new BundleUploadError('UNAVAILABLE', String(e)) });
    }
  }

  const manifestRuntime = state.result?.manifest?.runtime as { kind?: string } | undefined;
  return (
    <div className="stack-sm">
      <Field label="Model folder" required hint=".tar.gz or .zip of the folder with your program (and its model.json, if it has one)">
        <input
          type="file"
          className="input"
          accept=".tar.gz,.tgz,.zip,application/gzip,application/zip"
          onChange={(e) => void onFile(e.target.files?.[0])}
          disabled={state.uploading}
          data-testid="runtime-bundle-file"
        />
        {state.uploading && <p className="muted small" data-testid="runtime-bundle-uploading">Uploading {state.name}…</p>}
        {state.result && (
          <p className="small" data-testid="runtime-bundle-summary">
            {state.name}: {state.result.files} files, {size(state.result.sizeBytes)} · <code title={state.result.digest}>{state.result.digest.slice(0, 19)}…</code>
          </p>
        )}
        {!state.result && !state.uploading && form.bundle && (
          <p className="small" data-testid="runtime-bundle-current">
            Bundle <code title={form.bundle}>{form.bundle.slice(0, 19)}…</code>; upload another to replace it.
          </p>
        )}
        {state.result?.manifest && (
          <p className="muted small" data-testid="runtime-bundle-manifest">
            Found model.json{manifestRuntime?.kind === 'process' ? ': the command, example and schemas it gives are filled in.' : ', but its runtime is not a process; type the command below.'}
          </p>
        )}
        {state.result?.manifestError && <p className="muted small" data-testid="runtime-bundle-manifest-error">{state.result.manifestError}</p>}
        {state.error && <ErrorBox code={state.error.code} message={state.error.message} testId="runtime-bundle-error" />}
        <FieldError show={showErrors} message={errors.bundle} testId="runtime-bundle-missing" />
      </Field>
      <ProcessRuntimeFields form={form} set={set} errors={errors} showErrors={showErrors} inBundle />
      <p className="muted small" data-testid="runtime-bundle-sandbox">
        It runs sandboxed on the workers: a user of its own, the bundle read-only, a private /tmp, no network, only the environment above.
        PATH is /usr/bin: Python models run with python3 (Debian&apos;s RDKit is there); Node models can import the gateway&apos;s npm
        packages (@rdkit/rdkit, openchemlib) and run TypeScript with <code>node --import tsx main.ts</code> (add a package.json with
        &quot;type&quot;: &quot;module&quot;).
      </p>
    </div>
  );
}

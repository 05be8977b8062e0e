'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { BusyLabel } from '@/components/ui/busy-label';
import { ErrorBox } from '@/components/ui/error-box';
import { formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { JsonSchema, ModelVersion } from '@/lib/types';
import { sameJson } from '@/shared/canonical-json';
import { SchemaEditor } from './schema-editor';
import { SmokeFailure } from './smoke-failure';
import { useSmokeRun } from './use-smoke-run';
import { useVersionSaved } from './use-version-saved';
import { specOf } from './wizard-steps';
import { useWizardNav } from './wizard-url';

/**
 * Step 3: run the example once to see what the model answers, propose schemas from that
 * answer, then edit and save them.
 */
export function SchemasStep({ version }: { version: ModelVersion }) {
  const trpc = useTRPC();
  const go = useWizardNav();
  const saved = useVersionSaved();
  const { result: run, mutation: runExample } = useSmokeRun(version);
  const [proposal, setProposal] = useState({ input: version.inputSchema, output: version.outputSchema, rev: 0 });
  const [input, setInput] = useState<JsonSchema | null>(version.inputSchema);
  const [output, setOutput] = useState<JsonSchema | null>(version.outputSchema);

  const propose = useMutation(
    trpc.models.inferSchemas.mutationOptions({
      onSuccess: (s) => {
        setProposal((p) => ({ input: s.inputSchema, output: s.outputSchema, rev: p.rev + 1 }));
        setInput(s.inputSchema);
        setOutput(s.outputSchema);
      },
    }),
  );
  const save = useMutation(
    trpc.versions.update.mutationOptions({
      onSuccess: async (v) => {
        await saved(v);
        go({ slug: v.slug, version: v.version, step: 'resources' });
      },
    }),
  );
  function onSave(inputSchema: JsonSchema, outputSchema: JsonSchema) {
    // Saving unchanged schemas would only throw away a passed smoke test.
    if (sameJson(inputSchema, version.inputSchema) && sameJson(outputSchema, version.outputSchema)) {
      return go({ slug: version.slug, version: version.version, step: 'resources' });
    }
    save.mutate({ versionId: version.id, spec: { ...specOf(version), inputSchema, outputSchema } });
  }

  const answer = run?.ok ? run.output : null;
  const example = version.example ?? run?.input ?? {};

  return (
    <div className="stack">
      <div>
        <h2>Schemas</h2>
        <p className="muted">
          Run the example through the model, then let the gateway propose input and output schemas from its answer. Callers’ inputs
          are checked against the input schema, and every answer against the output schema.
        </p>
      </div>
      <div className="row wrap">
        <button type="button" className="btn btn-secondary" disabled={runExample.isPending} onClick={() => runExample.mutate({ versionId: version.id })} data-testid="schemas-run">
          {runExample.isPending ? <BusyLabel>Running the example…</BusyLabel> : 'Run the example'}
        </button>
        <code className="muted small">{JSON.stringify(example)}</code>
      </div>
      {runExample.isError && <ErrorBox error={runExample.error} testId="schemas-run-error" />}
      {run && !runExample.isPending && (
        run.ok ? (
          <div className="run-output" data-testid="schemas-run-output">
            <div className="label">
              The model answered{run.durationMs !== null && <> in {formatDuration(run.durationMs)}</>}
            </div>
            <pre className="code" data-testid="schemas-run-output-json">
              {JSON.stringify(run.output, null, 2)}
            </pre>
          </div>
        ) : (
          <SmokeFailure code={run.code} message={run.message} testId="schemas-run-failure" />
        )
      )}
      <div className="row wrap">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!answer || propose.isPending}
          onClick={() => answer && propose.mutate({ input: example, output: answer })}
          data-testid="schemas-propose"
        >
          {propose.isPending ? 'Proposing…' : 'Propose schemas from this example'}
        </button>
        {!answer && <span className="muted small">Run the example first: the output schema is proposed from the model’s answer.</span>}
      </div>
      {propose.isError && <ErrorBox error={propose.error} testId="schemas-propose-error" />}
      <div className="stack">
        <SchemaEditor key={`in-${proposal.rev}`} title="Input schema" initial={proposal.input} onChange={setInput} testId="schema-input" />
        <SchemaEditor key={`out-${proposal.rev}`} title="Output schema" initial={proposal.output} onChange={setOutput} testId="schema-output" />
      </div>
      {save.isError && <ErrorBox error={save.error} testId="schemas-save-error" />}
      <div className="wizard-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!input || !output || save.isPending}
          onClick={() => input && output && onSave(input, output)}
          data-testid="schemas-save"
        >
          {save.isPending ? 'Saving…' : 'Save schemas'}
        </button>
      </div>
    </div>
  );
}

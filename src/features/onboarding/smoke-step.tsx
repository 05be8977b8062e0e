'use client';

import { BusyLabel } from '@/components/ui/busy-label';
import { ErrorBox } from '@/components/ui/error-box';
import { formatDate, formatDuration } from '@/lib/format';
import type { ModelVersion } from '@/lib/types';
import { formatCommandLine } from './command-line';
import { SmokeFailure } from './smoke-failure';
import { SmokeOutputTable } from './smoke-output-table';
import { StepLink } from './step-link';
import { useSmokeRun } from './use-smoke-run';
import { fixStepsFor } from './wizard-steps';
import { useWizardNav } from './wizard-url';

function runtimeLabel(v: ModelVersion): string {
  const r = v.runtime;
  if (r.kind === 'process') {
    const where = r.bundle ? `bundle ${r.bundle.slice(0, 19)}…${r.cwd ? `/${r.cwd}` : ''}` : r.cwd;
    return `${formatCommandLine(r.command)}${where ? ` (in ${where})` : ''}`;
  }
  if (r.kind === 'http') return `${r.url} (${r.protocol}${r.model ? `, ${r.model}` : ''})`;
  if (r.kind === 'kubernetes') return r.image;
  return `consensus of ${r.members.map((m) => m.ref).join(', ')}`;
}

/** Step 5: the example through the real queue, worker and executor; a pass validates the draft. */
export function SmokeStep({ version }: { version: ModelVersion }) {
  const go = useWizardNav();
  const { result, mutation: run } = useSmokeRun(version);
  const validated = version.status === 'validated';

  return (
    <div className="stack">
      <div>
        <h2>Smoke test</h2>
        <p className="muted">
          Runs <code>{JSON.stringify(version.example ?? {})}</code> exactly as a caller’s job would run, and checks the answer against the
          output schema. Publishing needs a pass.
        </p>
        <dl className="kv">
          <dt>Runtime</dt>
          <dd>
            <code>{runtimeLabel(version)}</code>
          </dd>
          <dt>Batching</dt>
          <dd>
            {version.batchSize} items a task, timeout {formatDuration(version.timeoutMs)}
          </dd>
        </dl>
      </div>
      {version.runtime.kind === 'kubernetes' && (
        <div className="alert alert-info">The Kubernetes executor is not available yet, so this smoke test cannot pass yet.</div>
      )}
      <div className="row wrap">
        <button type="button" className="btn btn-primary" disabled={run.isPending} onClick={() => run.mutate({ versionId: version.id })} data-testid="smoke-run">
          {run.isPending ? <BusyLabel>Running the smoke test…</BusyLabel> : result ? 'Run again' : 'Run the smoke test'}
        </button>
      </div>
      {run.isError && <ErrorBox error={run.error} testId="smoke-error" />}
      {result && !run.isPending && (
        result.ok ? (
          <div className="stack-sm" data-testid="smoke-pass">
            <div className="alert alert-success">
              <span>
                <strong>Passed.</strong> The model answered in <span data-testid="smoke-duration">{formatDuration(result.durationMs)}</span>, and the
                answer matches the output schema.
              </span>
              <span className="muted small">{formatDate(result.at)}</span>
            </div>
            <SmokeOutputTable output={result.output ?? {}} schema={version.outputSchema} />
          </div>
        ) : (
          <SmokeFailure code={result.code} message={result.message} testId="smoke-failure">
            <div className="row wrap fix-links">
              <span>Back to fix:</span>
              {fixStepsFor(result.code, result.message).map((f) => (
                <StepLink key={f.step} slug={version.slug} version={version.version} step={f.step} testId={`smoke-fix-${f.step}`}>
                  {f.label}
                </StepLink>
              ))}
            </div>
          </SmokeFailure>
        )
      )}
      <div className="wizard-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!validated || run.isPending}
          onClick={() => go({ slug: version.slug, version: version.version, step: 'publish' })}
          data-testid="smoke-continue"
        >
          Continue to publish
        </button>
      </div>
    </div>
  );
}

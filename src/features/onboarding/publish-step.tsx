'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { schemaFields } from '@/features/outputs/schema';
import { formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion } from '@/lib/types';
import { StepLink } from './step-link';

/** Step 6: make the validated draft the runnable, immutable version v{N}. */
export function PublishStep({ version }: { version: ModelVersion }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [production, setProduction] = useState(true);
  const publish = useMutation(
    trpc.versions.publish.mutationOptions({
      onSuccess: async (v) => {
        await queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
        router.push(`/models/${v.slug}?published=${v.version}`);
      },
    }),
  );
  const validated = version.status === 'validated';
  const ref = `${version.slug}@${version.version}`;

  return (
    <div className="stack">
      <div>
        <h2>Publish</h2>
        <p className="muted">
          Publishing makes <code>{ref}</code> runnable by everyone who can see the model. A published version never changes; later
          changes become a new version.
        </p>
      </div>
      <dl className="kv" data-testid="publish-summary">
        <dt>Runtime</dt>
        <dd>
          <code>{version.runtime.kind}</code>
        </dd>
        <dt>Input fields</dt>
        <dd>{schemaFields(version.inputSchema).map((f) => f.name).join(', ') || 'any'}</dd>
        <dt>Output fields</dt>
        <dd>{schemaFields(version.outputSchema).map((f) => f.name).join(', ') || 'any'}</dd>
        <dt>Batching</dt>
        <dd>
          {version.batchSize} items a task, timeout {formatDuration(version.timeoutMs)}
        </dd>
        <dt>Smoke test</dt>
        <dd data-testid="publish-smoke-status">{validated ? `passed in ${formatDuration(version.smokeTest?.durationMs)}` : 'not passed yet'}</dd>
      </dl>
      {!validated && (
        <div className="alert alert-warning" data-testid="publish-needs-smoke">
          v{version.version} has not passed a smoke test since it was last changed.{' '}
          <StepLink slug={version.slug} version={version.version} step="smoke" testId="publish-to-smoke">
            Run the smoke test
          </StepLink>
        </div>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={production} onChange={(e) => setProduction(e.target.checked)} data-testid="publish-production" />
        Point the <code>production</code> alias here, so <code>{version.slug}@production</code> runs this version
      </label>
      {publish.isError && <ErrorBox error={publish.error} testId="publish-error" />}
      <div className="wizard-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!validated || publish.isPending}
          onClick={() => publish.mutate({ versionId: version.id, aliases: production ? ['production'] : [] })}
          data-testid="publish-submit"
        >
          {publish.isPending ? 'Publishing…' : `Publish v${version.version}`}
        </button>
      </div>
    </div>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion } from '@/lib/types';

/** Deprecates a published version after a second click; callers naming it keep working. */
export function DeprecateButton({ version }: { version: ModelVersion }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const deprecate = useMutation(
    trpc.versions.deprecate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }),
    }),
  );
  return (
    <div className="deprecate">
      {confirming ? (
        <span className="btn-group">
          <button
            type="button"
            className="btn btn-danger btn-sm"
            disabled={deprecate.isPending}
            onClick={() => deprecate.mutate({ versionId: version.id })}
            data-testid={`deprecate-confirm-${version.version}`}
          >
            {deprecate.isPending ? 'Deprecating…' : `Deprecate v${version.version}`}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirming(false)} disabled={deprecate.isPending}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirming(true)} data-testid={`deprecate-${version.version}`}>
          Deprecate
        </button>
      )}
      {deprecate.isError && <ErrorBox error={deprecate.error} testId={`deprecate-error-${version.version}`} />}
    </div>
  );
}

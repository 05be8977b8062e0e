'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion, SmokeTest } from '@/lib/types';
import { useVersionSaved } from './use-version-saved';

/**
 * Runs a draft's example through the real queue, worker and executor. `result` is the last
 * run (the draft's stored one at first); the version the run saved (validated, or a draft
 * again) is cached before the step shows the result.
 */
export function useSmokeRun(version: ModelVersion) {
  const trpc = useTRPC();
  const saved = useVersionSaved();
  const [result, setResult] = useState<SmokeTest | null>(version.smokeTest);
  const mutation = useMutation(
    trpc.versions.smokeTest.mutationOptions({
      onSuccess: async (r) => {
        setResult(r.result);
        await saved(r.version);
      },
    }),
  );
  return { result, mutation };
}

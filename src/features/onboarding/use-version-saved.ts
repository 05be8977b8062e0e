'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { ModelVersion } from '@/lib/types';

/**
 * After a mutation returns a version: cache it, and wait until every model query (the wizard's
 * model, the catalog, drafts lists) has refetched, so the next step never sees stale data.
 */
export function useVersionSaved(): (v: ModelVersion) => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    async (v: ModelVersion) => {
      queryClient.setQueryData(trpc.versions.get.queryKey({ versionId: v.id }), v);
      await queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
    },
    [trpc, queryClient],
  );
}

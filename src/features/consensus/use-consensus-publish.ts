'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useRef, useState } from 'react';
import { describeError } from '@/lib/errors';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import type { ConsensusRuntime, SmokeTest } from '@/lib/types';

export type PublishStepId = 'create' | 'draft' | 'smoke' | 'publish';
export type PublishStepState = 'pending' | 'running' | 'done' | 'failed';

export interface PublishStep {
  id: PublishStepId;
  label: string;
  state: PublishStepState;
  code?: string;
  message?: string;
}

const STEPS: { id: PublishStepId; label: string }[] = [
  { id: 'create', label: 'Register the model' },
  { id: 'draft', label: 'Create the draft version (checks members, fields and strategy)' },
  { id: 'smoke', label: 'Smoke-test the example through every member' },
  { id: 'publish', label: 'Publish and point production at it' },
];

export interface ConsensusInfo {
  slug: string;
  name: string;
  task: string;
  description: string;
  tags: string[];
}

class StepFailed extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * Runs models.create → versions.createDraft → versions.smokeTest → versions.publish, one step at
 * a time. A second run after a failure reuses what the first one made (the model, the draft),
 * so fixing a member and trying again does not trip over a taken slug.
 */
export function useConsensusPublish() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [steps, setSteps] = useState<PublishStep[] | null>(null);
  const [smoke, setSmoke] = useState<SmokeTest | null>(null);
  const [running, setRunning] = useState(false);
  const [createdSlug, setCreatedSlug] = useState<string | null>(null);
  const made = useRef<{ slug: string; versionId?: string } | null>(null);

  const mark = (id: PublishStepId, state: PublishStepState, extra: Partial<PublishStep> = {}) =>
    setSteps((s) => s?.map((x) => (x.id === id ? { ...x, state, ...extra } : x)) ?? null);

  const run = useCallback(
    async (info: ConsensusInfo, runtime: ConsensusRuntime, example: Record<string, unknown>) => {
      setRunning(true);
      setSmoke(null);
      setSteps(STEPS.map((s) => ({ ...s, state: 'pending' })));
      let current: PublishStepId = 'create';
      const step = async <T,>(id: PublishStepId, work: () => Promise<T>): Promise<T> => {
        current = id;
        mark(id, 'running');
        const out = await work();
        mark(id, 'done');
        return out;
      };
      try {
        await step('create', async () => {
          if (made.current?.slug === info.slug) await client.models.update.mutate(info);
          else await client.models.create.mutate(info);
          made.current = { slug: info.slug };
          setCreatedSlug(info.slug);
        });
        const spec = { runtime, inputSchema: {}, outputSchema: {}, resources: {}, batchSize: 100, timeoutMs: 60_000, example };
        const draft = await step('draft', async () => {
          const versionId = made.current?.versionId;
          const v = versionId
            ? await client.versions.update.mutate({ versionId, spec })
            : await client.versions.createDraft.mutate({ slug: info.slug, spec });
          made.current = { slug: info.slug, versionId: v.id };
          return v;
        });
        await step('smoke', async () => {
          const { result } = await client.versions.smokeTest.mutate({ versionId: draft.id });
          setSmoke(result);
          if (!result.ok) throw new StepFailed(result.code ?? 'MODEL_ERROR', result.message ?? 'the smoke test failed');
        });
        const published = await step('publish', () => client.versions.publish.mutate({ versionId: draft.id, aliases: ['production'] }));
        await queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
        router.push(`/models/${published.slug}?published=${published.version}`);
      } catch (e) {
        const { code, message } = e instanceof StepFailed ? e : describeError(e);
        mark(current, 'failed', { code, message });
        setRunning(false);
      }
    },
    [client, queryClient, router, trpc],
  );

  return { run, steps, smoke, running, createdSlug };
}

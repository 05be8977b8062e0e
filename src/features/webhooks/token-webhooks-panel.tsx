'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import { WebhookCreateForm } from './webhook-create-form';
import { WebhooksList } from './webhooks-list';

/** The settings page's webhooks per API token: every job submitted with the token is reported. */
export function TokenWebhooksPanel() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [picked, setPicked] = useState<string | null>(null);

  if (tokens.isPending) return <p className="muted">Loading tokens…</p>;
  if (tokens.isError) return <ErrorBox error={tokens.error} testId="token-webhooks-error" />;
  const usable = tokens.data.filter((t) => !t.expired);
  if (usable.length === 0) {
    return (
      <EmptyState title="No API tokens" testId="token-webhooks-empty">
        Create a token first; its webhooks hear of every job submitted with it.
      </EmptyState>
    );
  }
  const tokenId = picked && usable.some((t) => t.id === picked) ? picked : usable[0].id;
  return (
    <div className="stack-sm" data-testid="token-webhooks">
      <label className="row">
        Token
        <select className="select" value={tokenId} onChange={(e) => setPicked(e.target.value)} data-testid="token-webhooks-token">
          {usable.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.prefix}…)
            </option>
          ))}
        </select>
      </label>
      <WebhookCreateForm key={tokenId} target={{ tokenId }} />
      <WebhooksList target={{ tokenId }} showLogs />
    </div>
  );
}

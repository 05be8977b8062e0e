'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { ApiToken } from '@/lib/types';

export function TokensTable() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.tokens.list.queryOptions());

  if (tokens.isPending) return <p className="muted">Loading tokens…</p>;
  if (tokens.isError) return <ErrorBox error={tokens.error} testId="tokens-error" />;
  if (tokens.data.length === 0) {
    return (
      <EmptyState title="No API tokens" testId="tokens-empty">
        Create one to call the gateway from scripts, notebooks or the SDK.
      </EmptyState>
    );
  }
  return (
    <Table head={['Name', 'Prefix', 'Scopes', 'Created', 'Expires', 'Last used', '']} testId="tokens-table">
      {tokens.data.map((t) => (
        <TokenRow key={t.id} token={t} />
      ))}
    </Table>
  );
}

function TokenRow({ token }: { token: ApiToken }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.tokens.list.queryFilter()),
    }),
  );
  return (
    <tr data-testid={`token-row-${token.id}`} data-name={token.name}>
      <td>{token.name}</td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td data-testid="token-row-scopes">{token.scopes.join(', ')}</td>
      <td>{formatDate(token.createdAt)}</td>
      <td>{token.expired ? <span className="muted">expired</span> : token.expiresAt ? formatDate(token.expiresAt) : <span className="muted">never</span>}</td>
      <td>{token.lastUsedAt ? formatDate(token.lastUsedAt) : <span className="muted">never</span>}</td>
      <td className="actions">
        {revoke.isError && <ErrorBox error={revoke.error} testId="token-revoke-error" />}
        {confirming ? (
          <div className="btn-group">
            <button
              type="button"
              className="btn btn-danger btn-sm"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate({ id: token.id })}
              data-testid="token-revoke-confirm"
            >
              {revoke.isPending ? 'Revoking…' : 'Revoke now'}
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        ) : (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirming(true)} data-testid="token-revoke">
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

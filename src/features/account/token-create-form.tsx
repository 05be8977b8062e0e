'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';

export function TokenCreateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: ({ token: _secret, ...created }) => {
        setName('');
        // Shown at once, whatever a list fetch already in flight answers; the refetch then confirms it.
        queryClient.setQueryData(trpc.tokens.list.queryKey(), (old) => [created, ...(old ?? []).filter((t) => t.id !== created.id)]);
        void queryClient.invalidateQueries(trpc.tokens.list.queryFilter());
      },
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name });
  }

  return (
    <div className="stack-sm">
      <form className="row wrap" onSubmit={onSubmit} data-testid="token-create-form">
        <input
          className="input grow"
          placeholder="Token name, e.g. notebook or CI"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          data-testid="token-name"
        />
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="token-create">
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {create.isError && <ErrorBox error={create.error} testId="token-error" />}
      {create.data && (
        <div className="alert alert-warning" data-testid="token-created">
          <div>
            <strong>Copy your new token “{create.data.name}” now.</strong> It is shown only once; the gateway
            stores only its hash.
          </div>
          <div className="row token-reveal">
            <code className="token" data-testid="token-value">
              {create.data.token}
            </code>
            <CopyButton text={create.data.token} testId="token-copy" />
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => create.reset()} data-testid="token-dismiss">
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

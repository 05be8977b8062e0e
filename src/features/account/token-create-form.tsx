'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import { TOKEN_SCOPES, type TokenScope } from '@/shared/permissions';

const EXPIRIES = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 0, label: 'never (until revoked)' },
];

export function TokenCreateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const me = useQuery(trpc.me.get.queryOptions());
  // What this account may give a token: its role's scopes; admin is opt-in.
  const allowed = TOKEN_SCOPES.filter((sc) => me.data?.scopes.includes(sc));
  const [picked, setPicked] = useState<TokenScope[] | null>(null);
  const scopes = picked ?? allowed.filter((sc) => sc !== 'admin');
  const [expiresInDays, setExpiresInDays] = useState(90);
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
    create.mutate({ name, scopes, expiresInDays: expiresInDays || null });
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
        <select className="select" value={expiresInDays} onChange={(e) => setExpiresInDays(Number(e.target.value))} aria-label="Expires after" data-testid="token-expiry">
          {EXPIRIES.map((x) => (
            <option key={x.days} value={x.days}>
              expires: {x.label}
            </option>
          ))}
        </select>
        <span className="row" data-testid="token-scopes">
          {allowed.map((sc) => (
            <label key={sc} className="row">
              <input
                type="checkbox"
                checked={scopes.includes(sc)}
                onChange={(e) => setPicked(e.target.checked ? [...scopes, sc] : scopes.filter((x) => x !== sc))}
                data-testid={`token-scope-${sc}`}
              />
              {sc}
            </label>
          ))}
        </span>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || scopes.length === 0} data-testid="token-create">
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

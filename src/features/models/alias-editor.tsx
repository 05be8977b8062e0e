'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { aliasProblem } from '@/shared/model-ref';

const REMOVE = '';

/** Points an alias at a published version, or removes it (those who maintain the model); a protected production move waits for approval. */
export function AliasEditor({ model }: { model: ModelDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const published = model.versions.filter((v) => v.status === 'published').sort((a, b) => b.version - a.version);
  const [alias, setAlias] = useState('production');
  const [reason, setReason] = useState('');
  const [chosen, setTarget] = useState(String(published[0]?.version ?? REMOVE));
  // A version deprecated meanwhile is no longer a choice.
  const target = chosen === REMOVE || published.some((v) => String(v.version) === chosen) ? chosen : String(published[0]?.version ?? REMOVE);
  const setAliasMutation = useMutation(
    trpc.models.setAlias.mutationOptions({
      // A protected move made a pending request: the history card lists those too.
      onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.promotions.pathKey() })]),
    }),
  );
  const name = alias.trim();
  const problem = aliasProblem(name);
  const removing = target === REMOVE;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (problem) return;
    setAliasMutation.mutate({ slug: model.slug, alias: name, version: removing ? null : Number(target), reason });
  }

  return (
    <form className="alias-editor" onSubmit={onSubmit} data-testid="alias-editor">
      <div className="row wrap">
        <span className="muted small">Set alias</span>
        <input className="input input-sm mono" value={alias} onChange={(e) => setAlias(e.target.value.toLowerCase())} aria-label="Alias name" data-testid="alias-name" />
        <span className="muted">→</span>
        <select className="input input-sm select" value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Version" data-testid="alias-version">
          {published.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
          <option value={REMOVE}>remove the alias</option>
        </select>
        <input className="input input-sm" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why (kept in the history)" maxLength={500} aria-label="Reason" data-testid="alias-reason" />
        <button type="submit" className="btn btn-secondary btn-sm" disabled={!!problem || setAliasMutation.isPending} data-testid="alias-submit">
          {setAliasMutation.isPending ? 'Saving…' : removing ? 'Remove' : 'Set'}
        </button>
        {alias && problem && (
          <small className="field-error" data-testid="alias-problem">
            {problem}
          </small>
        )}
        {setAliasMutation.isSuccess && !setAliasMutation.isPending && (
          <small className="muted" data-testid="alias-saved">
            {setAliasMutation.data.status === 'pending' ? 'Waiting for approval: the promotion policy of this model protects production.' : 'Saved.'}
          </small>
        )}
      </div>
      {setAliasMutation.isError && <ErrorBox error={setAliasMutation.error} testId="alias-error" />}
    </form>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { GRANT_LEVELS, VISIBILITIES, type GrantLevel, type ModelVisibility } from '@/shared/permissions';

const VISIBILITY_WORDS: Record<ModelVisibility, string> = {
  private: 'private: its owner and those it is shared with',
  team: 'team: the members of its team',
  organisation: 'organisation: every account',
};

/** Who may see the model, whom it is shared with, and whether moving production needs approval (those who maintain it). */
export function AccessCard({ model }: { model: ModelDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [visibility, setVisibility] = useState<ModelVisibility>(model.visibility);
  const [teamId, setTeamId] = useState(model.teamId ?? '');
  const update = useMutation(trpc.models.updateAccess.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }) }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    update.mutate({ slug: model.slug, visibility, teamId: teamId || null });
  }

  return (
    <section className="card stack-sm" data-testid="access-card">
      <h2>Access</h2>
      <form className="row wrap" onSubmit={onSubmit}>
        <Field label="Visible to">
          <select className="select" value={visibility} onChange={(e) => setVisibility(e.target.value as ModelVisibility)} data-testid="access-visibility">
            {VISIBILITIES.map((v) => (
              <option key={v} value={v}>
                {VISIBILITY_WORDS[v]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Team">
          <select className="select" value={teamId} onChange={(e) => setTeamId(e.target.value)} data-testid="access-team">
            <option value="">no team</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={update.isPending} data-testid="access-save">
          Save
        </button>
      </form>
      <label className="row">
        <input
          type="checkbox"
          checked={model.productionRequiresApproval}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ slug: model.slug, productionRequiresApproval: e.target.checked })}
          data-testid="access-approval"
        />
        Moving <code>production</code> needs the approval of a maintainer or an administrator
      </label>
      {update.isError && <ErrorBox error={update.error} testId="access-error" />}
      <GrantsEditor slug={model.slug} />
    </section>
  );
}

function GrantsEditor({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.grants.list.queryOptions({ slug }));
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [who, setWho] = useState('');
  const [level, setLevel] = useState<GrantLevel>('run');
  const refresh = () => queryClient.invalidateQueries(trpc.grants.list.queryFilter({ slug }));
  const create = useMutation(trpc.grants.create.mutationOptions({ onSuccess: () => (setWho(''), refresh()) }));
  const revoke = useMutation(trpc.grants.revoke.mutationOptions({ onSuccess: refresh }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const team = who.startsWith('team:') ? who.slice(5) : null;
    create.mutate(team ? { slug, teamId: team, level } : { slug, userEmail: who.trim(), level });
  }

  return (
    <div className="stack-sm" data-testid="grants-editor">
      <h3>Shared with</h3>
      {grants.isError && <ErrorBox error={grants.error} testId="grants-error" />}
      {grants.data?.length === 0 && <p className="muted">Nobody beyond its visibility.</p>}
      <ul className="stack-xs">
        {grants.data?.map((g) => (
          <li key={g.id} className="row" data-testid="grant-row">
            <span>{g.user ? g.user.email : `team ${g.team?.name}`}</span>
            <Badge tone="blue">{g.level}</Badge>
            <button type="button" className="btn btn-secondary btn-sm" disabled={revoke.isPending} onClick={() => revoke.mutate({ grantId: g.id })}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <form className="row wrap" onSubmit={onSubmit} data-testid="grant-form">
        <input className="input" list={`grant-teams-${slug}`} placeholder="an email, or team:… from the list" value={who} onChange={(e) => setWho(e.target.value)} required data-testid="grant-who" />
        <datalist id={`grant-teams-${slug}`}>
          {(teams.data ?? []).map((t) => (
            <option key={t.id} value={`team:${t.id}`}>
              {t.name}
            </option>
          ))}
        </datalist>
        <select className="select" value={level} onChange={(e) => setLevel(e.target.value as GrantLevel)} data-testid="grant-level">
          {GRANT_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={create.isPending} data-testid="grant-submit">
          Share
        </button>
      </form>
      {create.isError && <ErrorBox error={create.error} testId="grant-create-error" />}
    </div>
  );
}

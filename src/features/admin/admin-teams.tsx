'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { useTRPC } from '@/lib/trpc';

/** Teams and their members: a team's members see its team models, its maintainers maintain them. */
export function AdminTeams() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.admin.teams.list.queryOptions());
  return (
    <div className="stack">
      <CreateTeamForm />
      {teams.isError && <ErrorBox error={teams.error} testId="admin-teams-error" />}
      {teams.data?.length === 0 && (
        <EmptyState title="No teams yet" testId="admin-teams-empty">
          Create one, then add members or invite people into it.
        </EmptyState>
      )}
      {teams.data?.map((t) => <TeamCard key={t.id} team={t} />)}
    </div>
  );
}

function useInvalidateTeams() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.admin.teams.list.queryFilter());
    void queryClient.invalidateQueries(trpc.admin.users.list.queryFilter());
    void queryClient.invalidateQueries(trpc.teams.list.queryFilter());
  };
}

function CreateTeamForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTeams();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation(
    trpc.admin.teams.create.mutationOptions({
      onSuccess: () => {
        setName('');
        setDescription('');
        invalidate();
      },
    }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, description });
  }
  return (
    <section className="card stack-sm">
      <h2>Create a team</h2>
      <form className="row wrap" onSubmit={onSubmit} data-testid="team-create-form">
        <Field label="Name" required>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} data-testid="team-name" />
        </Field>
        <Field label="Description">
          <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} data-testid="team-description" />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="team-create">
          {create.isPending ? 'Creating…' : 'Create team'}
        </button>
      </form>
      {create.isError && <ErrorBox error={create.error} testId="team-create-error" />}
    </section>
  );
}

interface TeamWithMembers {
  id: string;
  name: string;
  description: string;
  members: { userId: string; email: string; role: string }[];
}

function TeamCard({ team }: { team: TeamWithMembers }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTeams();
  const users = useQuery(trpc.admin.users.list.queryOptions({ limit: 200 }));
  const [userId, setUserId] = useState('');
  const add = useMutation(trpc.admin.teams.addMember.mutationOptions({ onSuccess: () => (setUserId(''), invalidate()) }));
  const remove = useMutation(trpc.admin.teams.removeMember.mutationOptions({ onSuccess: invalidate }));
  const candidates = (users.data?.items ?? []).filter((u) => !team.members.some((m) => m.userId === u.id));
  return (
    <section className="card stack-sm" data-testid={`team-${team.name}`}>
      <h2>{team.name}</h2>
      {team.description && <p className="muted">{team.description}</p>}
      {team.members.length === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <ul className="stack-xs" data-testid="team-members">
          {team.members.map((m) => (
            <li key={m.userId} className="row" data-testid={`team-member-${m.email}`}>
              <span>
                {m.email} <span className="muted">({m.role})</span>
              </span>
              <button type="button" className="btn btn-secondary btn-sm" disabled={remove.isPending} onClick={() => remove.mutate({ teamId: team.id, userId: m.userId })}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          if (userId) add.mutate({ teamId: team.id, userId });
        }}
      >
        <select className="select" value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="team-add-user" aria-label={`add a member to ${team.name}`}>
          <option value="">Add an account…</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.email}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={!userId || add.isPending} data-testid="team-add-member">
          Add
        </button>
      </form>
      {(add.isError || remove.isError) && <ErrorBox error={add.error ?? remove.error} testId="team-member-error" />}
    </section>
  );
}

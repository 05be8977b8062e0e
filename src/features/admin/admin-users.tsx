'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ROLES, type Role } from '@/shared/permissions';

/** Accounts and their roles, invitations, the sign-up setting, and every account's tokens. */
export function AdminUsers() {
  return (
    <div className="stack">
      <InviteForm />
      <UsersTable />
      <SignUpSettings />
      <AllTokens />
    </div>
  );
}

function useInvalidateUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.admin.users.list.queryFilter());
    void queryClient.invalidateQueries(trpc.admin.invitations.list.queryFilter());
    void queryClient.invalidateQueries(trpc.admin.tokens.list.queryFilter());
    void queryClient.invalidateQueries(trpc.admin.teams.list.queryFilter());
  };
}

function UsersTable() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.users.list.queryOptions({ limit: 200 }));
  const teams = useQuery(trpc.admin.teams.list.queryOptions());
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  return (
    <section className="card stack-sm">
      <h2>Users</h2>
      {users.isError && <ErrorBox error={users.error} testId="admin-users-error" />}
      {users.data && (
        <Table head={['Email', 'Role', 'Teams', 'Sessions', 'Tokens', 'Last seen', '']} testId="admin-users-table">
          {users.data.items.map((u) => (
            <UserRow key={u.id} user={u} teams={u.teamIds.map((t) => teamName.get(t) ?? t)} />
          ))}
        </Table>
      )}
    </section>
  );
}

interface UserListItem {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  activeSessions: number;
  activeTokens: number;
  lastSeenAt: string | null;
}

function UserRow({ user, teams }: { user: UserListItem; teams: string[] }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.admin.users.revokeSessions.mutationOptions({ onSuccess: invalidate }));
  return (
    <tr data-testid={`admin-user-${user.email}`}>
      <td>
        {user.email} {user.disabled && <Badge tone="red">disabled</Badge>}
      </td>
      <td>
        <select
          className="select"
          value={user.role}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ userId: user.id, role: e.target.value as Role })}
          data-testid="admin-user-role"
          aria-label={`role of ${user.email}`}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {update.isError && <ErrorBox error={update.error} testId="admin-user-error" />}
      </td>
      <td>{teams.join(', ') || <span className="muted">none</span>}</td>
      <td className="num">{user.activeSessions}</td>
      <td className="num">{user.activeTokens}</td>
      <td>{user.lastSeenAt ? formatDate(user.lastSeenAt) : <span className="muted">never</span>}</td>
      <td className="actions">
        <div className="btn-group">
          <button type="button" className="btn btn-secondary btn-sm" disabled={revoke.isPending} onClick={() => revoke.mutate({ userId: user.id })} data-testid="admin-user-signout">
            Sign out everywhere
          </button>
          <button type="button" className="btn btn-secondary btn-sm" disabled={update.isPending} onClick={() => update.mutate({ userId: user.id, disabled: !user.disabled })} data-testid="admin-user-disable">
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        </div>
        {revoke.isError && <ErrorBox error={revoke.error} testId="admin-user-signout-error" />}
      </td>
    </tr>
  );
}

/** An invitation: a link, shown once, that creates the account with its role and teams whatever the sign-up setting. */
function InviteForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const teams = useQuery(trpc.admin.teams.list.queryOptions());
  const invitations = useQuery(trpc.admin.invitations.list.queryOptions());
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const create = useMutation(trpc.admin.invitations.create.mutationOptions({ onSuccess: () => (setEmail(''), invalidate()) }));
  const link = create.data && typeof window !== 'undefined' ? `${window.location.origin}${create.data.path}` : '';

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ email, role, teamIds });
  }

  return (
    <section className="card stack-sm">
      <h2>Invite someone</h2>
      <form className="stack-sm" onSubmit={onSubmit} data-testid="invite-form">
        <div className="row wrap">
          <Field label="Email" required>
            <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="invite-email" />
          </Field>
          <Field label="Role">
            <select className="select" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="invite-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Teams">
            <select
              className="select"
              multiple
              value={teamIds}
              onChange={(e) => setTeamIds([...e.target.selectedOptions].map((o) => o.value))}
              data-testid="invite-teams"
            >
              {(teams.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div>
          <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="invite-submit">
            {create.isPending ? 'Inviting…' : 'Create invitation link'}
          </button>
        </div>
      </form>
      {create.isError && <ErrorBox error={create.error} testId="invite-error" />}
      {create.data && (
        <div className="alert alert-warning" data-testid="invite-created">
          <div>
            <strong>Send this link to {create.data.email}.</strong> It is shown only once and works until {formatDate(create.data.expiresAt)}; nothing is mailed.
          </div>
          <div className="row token-reveal">
            <code className="token" data-testid="invite-link">
              {link}
            </code>
            <CopyButton text={link} testId="invite-copy" />
          </div>
        </div>
      )}
      {invitations.data && invitations.data.length > 0 && (
        <Table head={['Email', 'Role', 'Invited by', 'Expires', 'Status']} testId="invitations-table">
          {invitations.data.map((i) => (
            <tr key={i.id} data-testid={`invitation-${i.email}`}>
              <td>{i.email}</td>
              <td>{i.role}</td>
              <td>{i.invitedBy ?? ''}</td>
              <td>{formatDate(i.expiresAt)}</td>
              <td>
                <Badge tone={i.status === 'pending' ? 'blue' : i.status === 'accepted' ? 'green' : 'neutral'}>{i.status}</Badge>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function SignUpSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.admin.signUp.get.queryOptions());
  const [domains, setDomains] = useState<string | null>(null);
  const update = useMutation(
    trpc.admin.signUp.update.mutationOptions({
      onSuccess: () => {
        setDomains(null);
        void queryClient.invalidateQueries(trpc.admin.signUp.get.queryFilter());
      },
    }),
  );
  if (!settings.data) return settings.isError ? <ErrorBox error={settings.error} testId="signup-settings-error" /> : null;
  const shownDomains = domains ?? settings.data.domains.join(', ');
  return (
    <section className="card stack-sm" data-testid="signup-settings">
      <h2>Sign-up</h2>
      <label className="row">
        <input
          type="checkbox"
          checked={settings.data.open}
          onChange={(e) => update.mutate({ open: e.target.checked })}
          disabled={update.isPending}
          data-testid="signup-open"
        />
        Anyone who reaches the sign-in page may create an account
      </label>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ domains: shownDomains.split(/[\s,]+/).filter(Boolean) });
        }}
      >
        <Field label="Or only addresses at" hint="comma-separated domains, e.g. example.com">
          <input className="input" value={shownDomains} onChange={(e) => setDomains(e.target.value)} data-testid="signup-domains" />
        </Field>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={update.isPending}>
          Save domains
        </button>
      </form>
      {update.isError && <ErrorBox error={update.error} testId="signup-settings-update-error" />}
    </section>
  );
}

function AllTokens() {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions({}));
  const revoke = useMutation(trpc.admin.tokens.revoke.mutationOptions({ onSuccess: invalidate }));
  return (
    <section className="card stack-sm">
      <h2>Every API token</h2>
      {tokens.isError && <ErrorBox error={tokens.error} testId="admin-tokens-error" />}
      {revoke.isError && <ErrorBox error={revoke.error} testId="admin-token-revoke-error" />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No live tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <Table head={['Owner', 'Name', 'Scopes', 'Expires', 'Last used', '']} testId="admin-tokens-table">
          {tokens.data.map((t) => (
            <tr key={t.id} data-testid={`admin-token-${t.id}`}>
              <td>{t.email}</td>
              <td>
                {t.name} <code>{t.prefix}…</code>
              </td>
              <td>{t.scopes.join(', ')}</td>
              <td>{t.expiresAt ? formatDate(t.expiresAt) : <span className="muted">never</span>}</td>
              <td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : <span className="muted">never</span>}</td>
              <td className="actions">
                <button type="button" className="btn btn-secondary btn-sm" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: t.id })} data-testid="admin-token-revoke">
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

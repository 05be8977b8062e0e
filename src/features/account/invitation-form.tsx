'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { PageLoading } from '@/components/ui/page-loading';
import { describeError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';

/** An invitation link's page: the account it creates (email, role, teams), and its password. */
export function InvitationForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const invitation = useQuery(trpc.me.invitation.queryOptions({ token }, { retry: false }));
  const register = useMutation(trpc.me.register.mutationOptions());
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!invitation.data) return;
    setError(null);
    setBusy(true);
    try {
      const created = await register.mutateAsync({ invitation: token, password, name: name.trim() || undefined });
      const res = await signIn('credentials', { email: created.email, password, redirect: false });
      if (!res || res.error) throw new Error('the account was created, but signing in failed; sign in on the sign-in page');
      router.replace('/models');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-card card">
      <div className="auth-brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        Model Gateway
      </div>
      <h1 data-testid="invite-heading">Accept your invitation</h1>
      {invitation.isPending && <PageLoading testId="invite-loading">Checking the invitation…</PageLoading>}
      {invitation.isError && <ErrorBox error={invitation.error} testId="invite-page-error" />}
      {invitation.data && (
        <>
          <p className="muted" data-testid="invite-summary">
            An account for <strong>{invitation.data.email}</strong> as {invitation.data.role}
            {invitation.data.teams.length > 0 && <> in {invitation.data.teams.join(', ')}</>}.
          </p>
          <form onSubmit={onSubmit} className="form" data-testid="invite-accept-form">
            <Field label="Name (optional)">
              <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" data-testid="invite-name" />
            </Field>
            <Field label="Password" hint="at least 8 characters">
              <input
                className="input"
                type="password"
                required
                minLength={8}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="new-password"
                data-testid="invite-password"
              />
            </Field>
            {error && <ErrorBox code={error.code as never} message={error.message} testId="invite-accept-error" />}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="invite-accept">
              {busy ? 'Creating your account…' : 'Create my account'}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

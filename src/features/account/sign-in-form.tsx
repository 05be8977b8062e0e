'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { getProviders, signIn, useSession } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '@/components/ui/field';
import { describeError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';

type Mode = 'signin' | 'register';

/**
 * Sign in, or create an account. A new gateway's first account is its admin and needs the one-time
 * set-up token `npm start` printed (its link carries it as `?setup=`); after that, who may sign up
 * is the organisation's setting, shown here before anyone types.
 */
export function SignInForm({ callbackUrl, setupToken: linkSetupToken }: { callbackUrl: string; setupToken?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { status } = useSession();
  const options = useQuery(trpc.me.signUpOptions.queryOptions());
  const settingUp = options.data?.mode === 'setup';
  const [mode, setMode] = useState<Mode>(linkSetupToken ? 'register' : 'signin');
  const [setupToken, setSetupToken] = useState(linkSetupToken ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState<string | null>(null);
  const register = useMutation(trpc.me.register.mutationOptions());

  useEffect(() => {
    if (status === 'authenticated') router.replace(callbackUrl);
  }, [status, router, callbackUrl]);

  useEffect(() => {
    if (settingUp) setMode('register');
  }, [settingUp]);

  useEffect(() => {
    getProviders()
      .then((p) => setSso(p?.oidc ? p.oidc.name : null))
      .catch(() => setSso(null));
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (mode === 'register') {
        await register.mutateAsync({ email, password, name: name.trim() || undefined, setupToken: settingUp ? setupToken.trim() : undefined });
      }
      const res = await signIn('credentials', { email, password, redirect: false });
      if (!res || res.error) {
        setError({ code: 'UNAUTHORIZED', message: 'Wrong email or password. Check both and try again.' });
        return;
      }
      router.replace(callbackUrl);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const switchMode = (next: Mode) => {
    setMode(next);
    setError(null);
  };

  return (
    <div className="auth-card card">
      <div className="auth-brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        Model Gateway
      </div>
      <h1 data-testid="signin-heading">{mode === 'signin' ? 'Sign in' : 'Create your account'}</h1>
      <p className="muted">
        {mode === 'signin'
          ? 'Run registered scientific models on one molecule or a whole library.'
          : settingUp
            ? 'This gateway has no account yet: the first one becomes its administrator.'
            : options.data?.mode === 'closed'
              ? 'Sign-up is closed on this gateway: ask an administrator for an invitation.'
              : options.data?.mode === 'domains'
                ? `Sign-up is open to addresses at ${options.data.domains.join(', ')}.`
                : 'Create an account to run models and screens.'}
      </p>
      <form onSubmit={onSubmit} className="form" data-testid="signin-form">
        {mode === 'register' && settingUp && (
          <Field label="Set-up token" hint="Printed by npm start, and in the file setup-token in its data folder.">
            <input
              className="input"
              required
              value={setupToken}
              onChange={(e) => setSetupToken(e.target.value)}
              data-testid="signin-setup-token"
              autoComplete="off"
            />
          </Field>
        )}
        {mode === 'register' && (
          <Field label="Name (optional)">
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="signin-name" autoComplete="name" />
          </Field>
        )}
        <Field label="Email">
          <input
            className="input"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="signin-email"
            autoComplete="email"
          />
        </Field>
        <Field label="Password">
          <input
            className="input"
            type="password"
            required
            minLength={mode === 'register' ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="signin-password"
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
          />
          {mode === 'register' && <small className="muted">At least 8 characters.</small>}
        </Field>
        {error && (
          <div className="alert alert-error" role="alert" data-testid="signin-error">
            <span className="error-code">{error.code}</span>
            <span>{error.message}</span>
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="signin-submit">
          {busy ? 'Please wait…' : mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      {sso && mode === 'signin' && (
        <button
          type="button"
          className="btn btn-secondary btn-block"
          data-testid="signin-sso"
          onClick={() => signIn('oidc', { callbackUrl })}
        >
          Sign in with single sign-on ({sso})
        </button>
      )}
      <p className="auth-switch">
        {mode === 'signin' ? (
          <>
            New here?{' '}
            <button type="button" className="link" onClick={() => switchMode('register')} data-testid="signin-show-register">
              Create an account
            </button>
          </>
        ) : (
          <>
            Already have an account?{' '}
            <button type="button" className="link" onClick={() => switchMode('signin')} data-testid="signin-show-signin">
              Sign in
            </button>
          </>
        )}
      </p>
    </div>
  );
}

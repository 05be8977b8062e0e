'use client';

import { useQuery } from '@tanstack/react-query';
import { signOut } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';

export function UserPanel() {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery(trpc.me.get.queryOptions());
  const [leaving, setLeaving] = useState(false);

  async function onSignOut() {
    setLeaving(true);
    // Without redirect: next-auth would send us to NEXTAUTH_URL, which may not be this host.
    await signOut({ redirect: false });
    router.replace('/signin');
  }

  return (
    <section className="card">
      <h2>Account</h2>
      {me.isError && <ErrorBox error={me.error} testId="me-error" />}
      <div className="row spread wrap">
        <div className="row wrap">
          <span className="avatar" aria-hidden>
            {(me.data?.email ?? '?').slice(0, 1).toUpperCase()}
          </span>
          <div>
            <div data-testid="settings-email">{me.data?.email ?? '…'}</div>
            {me.data && (
              <Badge tone={me.data.role === 'admin' ? 'purple' : 'neutral'} testId="settings-role">
                {me.data.role}
              </Badge>
            )}
          </div>
        </div>
        <button type="button" className="btn btn-secondary" onClick={onSignOut} disabled={leaving} data-testid="signout-button">
          {leaving ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </section>
  );
}

'use client';

import { useSession } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useCallback, type ReactNode } from 'react';

/** Sends visitors without a session to /signin, remembering where they were going. */
export function AuthGuard({ children }: { children: ReactNode }) {
  const router = useRouter();
  const onUnauthenticated = useCallback(() => {
    const here = window.location.pathname + window.location.search;
    router.replace(`/signin?callbackUrl=${encodeURIComponent(here)}`);
  }, [router]);
  const { status } = useSession({ required: true, onUnauthenticated });
  if (status !== 'authenticated') {
    return (
      <div className="page-loading" data-testid="auth-loading">
        <span className="spinner" aria-hidden /> Checking your session…
      </div>
    );
  }
  return <>{children}</>;
}

'use client';

import { useSession } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useCallback, type ReactNode } from 'react';
import { PageLoading } from '@/components/ui/page-loading';

/** Sends visitors without a session to /signin, remembering where they were going. */
export function AuthGuard({ children }: { children: ReactNode }) {
  const router = useRouter();
  const onUnauthenticated = useCallback(() => {
    const here = window.location.pathname + window.location.search;
    router.replace(`/signin?callbackUrl=${encodeURIComponent(here)}`);
  }, [router]);
  const { status } = useSession({ required: true, onUnauthenticated });
  if (status !== 'authenticated') return <PageLoading testId="auth-loading">Checking your session…</PageLoading>;
  return <>{children}</>;
}

'use client';

import type { ReactNode } from 'react';
import { AuthGuard } from './auth-guard';
import { TopNav } from './top-nav';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <AuthGuard>
      <TopNav />
      <main className="container">{children}</main>
    </AuthGuard>
  );
}

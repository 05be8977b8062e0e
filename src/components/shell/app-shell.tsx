'use client';

import type { ReactNode } from 'react';
import { AgentPanel } from '@/features/agent/agent-panel';
import { AgentPanelProvider } from '@/features/agent/agent-panel-context';
import { AuthGuard } from './auth-guard';
import { TopNav } from './top-nav';

/** The signed-in frame: navigation, the page, and the agent's panel beside every page. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <AuthGuard>
      <AgentPanelProvider>
        <TopNav />
        <main className="container">{children}</main>
        <AgentPanel />
      </AgentPanelProvider>
    </AuthGuard>
  );
}

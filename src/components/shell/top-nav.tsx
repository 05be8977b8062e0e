'use client';

import { useSession } from 'next-auth/react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { AgentToggle } from '@/features/agent/agent-panel';
import { useTRPC } from '@/lib/trpc';

const LINKS = [
  { href: '/models', label: 'Models', testId: 'nav-models', match: (p: string) => p.startsWith('/models') && !p.startsWith('/models/new') },
  { href: '/models/new', label: 'Register a model', testId: 'nav-register-model', match: (p: string) => p.startsWith('/models/new') },
  { href: '/jobs', label: 'Jobs', testId: 'nav-jobs', match: (p: string) => p.startsWith('/jobs') && p !== '/jobs/new' },
  { href: '/jobs/new', label: 'New job', testId: 'nav-new-job', match: (p: string) => p === '/jobs/new' },
  { href: '/evaluations', label: 'Evaluations', testId: 'nav-evaluations', match: (p: string) => p.startsWith('/evaluations') },
  { href: '/settings', label: 'Settings', testId: 'nav-settings', match: (p: string) => p.startsWith('/settings') },
];

export function TopNav() {
  const pathname = usePathname() ?? '';
  const { data } = useSession();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.me.get.queryOptions(), staleTime: 60_000 });
  return (
    <header className="topnav" data-testid="topnav">
      <div className="topnav-inner">
        <Link href="/models" className="brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          Model Gateway
        </Link>
        <nav className="topnav-links">
          {LINKS.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              data-testid={l.testId}
              className={l.match(pathname) ? 'topnav-link active' : 'topnav-link'}
            >
              {l.label}
            </Link>
          ))}
          {me.data?.role === 'admin' && (
            <Link href="/admin" data-testid="nav-admin" className={pathname.startsWith('/admin') ? 'topnav-link active' : 'topnav-link'}>
              Admin
            </Link>
          )}
        </nav>
        <AgentToggle />
        <Link href="/settings" className="topnav-user" data-testid="nav-user-email">
          {data?.user?.email ?? ''}
        </Link>
      </div>
    </header>
  );
}

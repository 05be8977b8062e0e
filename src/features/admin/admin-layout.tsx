'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { useTRPC } from '@/lib/trpc';
import { ADMIN_SECTIONS } from './admin-sections';

/** The admin console's frame: its sections, and a plain refusal for accounts that are not admins (the server refuses them anyway). */
export function AdminLayout({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const pathname = usePathname() ?? '';
  const me = useQuery(trpc.me.get.queryOptions());
  if (me.isPending) return <PageLoading testId="admin-loading">Loading…</PageLoading>;
  if (me.isError) return <ErrorBox error={me.error} testId="admin-error" />;
  if (me.data.role !== 'admin') return <ErrorBox code="FORBIDDEN" message="only administrators may open the admin console" testId="admin-forbidden" />;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Admin</h1>
      </div>
      <nav className="row wrap" data-testid="admin-nav">
        {ADMIN_SECTIONS.map((s) => (
          <Link key={s.href} href={s.href} data-testid={s.testId} className={pathname.startsWith(s.href) ? 'btn btn-primary btn-sm' : 'btn btn-secondary btn-sm'}>
            {s.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}

import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { AdminNav } from '@/features/admin/admin-nav';

/** The admin console: its section nav above each page. Every procedure behind it answers only admins. */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <AppShell>
      <div className="stack">
        <AdminNav />
        {children}
      </div>
    </AppShell>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The admin console's sections (part of issue 10: users and teams live beside these). */
const SECTIONS = [
  { href: '/admin/quotas', label: 'Quotas and usage', testId: 'admin-nav-quotas' },
  { href: '/admin/operations', label: 'Operations', testId: 'admin-nav-operations' },
  { href: '/admin/cost', label: 'Cost', testId: 'admin-nav-cost' },
  { href: '/admin/audit', label: 'Audit log', testId: 'admin-nav-audit' },
];

export function AdminNav() {
  const pathname = usePathname() ?? '';
  return (
    <nav className="row wrap" aria-label="Admin sections" data-testid="admin-nav">
      {SECTIONS.map((s) => (
        <Link key={s.href} href={s.href} data-testid={s.testId} className={pathname.startsWith(s.href) ? 'btn btn-sm btn-primary' : 'btn btn-sm btn-secondary'}>
          {s.label}
        </Link>
      ))}
    </nav>
  );
}

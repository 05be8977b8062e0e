import type { Metadata } from 'next';
import { AuditAdmin } from '@/features/admin/audit-admin';

export const metadata: Metadata = { title: 'Audit log' };

export default function Page() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change, who made it, through which channel, with before and after. Append-only and hash-chained: npm run audit:verify checks it.</p>
        </div>
      </div>
      <AuditAdmin />
    </div>
  );
}

import type { Metadata } from 'next';
import { QuotasAdmin } from '@/features/admin/quotas-admin';

export const metadata: Metadata = { title: 'Quotas and usage' };

export default function Page() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Quotas and usage</h1>
          <p className="muted">Limits per user (their own, or the default) and what they have used this UTC day and month. A job that would pass a limit is refused whole.</p>
        </div>
      </div>
      <QuotasAdmin />
    </div>
  );
}

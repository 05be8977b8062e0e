import type { Metadata } from 'next';
import { CostAdmin } from '@/features/admin/cost-admin';

export const metadata: Metadata = { title: 'Cost' };

export default function Page() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Cost</h1>
          <p className="muted">Measured model time and its cost, by user, team or model.</p>
        </div>
      </div>
      <CostAdmin />
    </div>
  );
}

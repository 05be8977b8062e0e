import type { Metadata } from 'next';
import { OperationsAdmin } from '@/features/admin/operations-admin';

export const metadata: Metadata = { title: 'Operations' };

export default function Page() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Operations</h1>
          <p className="muted">Queue depth, worker heartbeats, dead-lettered tasks and how each model is doing.</p>
        </div>
      </div>
      <OperationsAdmin />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { EvaluationsTable } from '@/features/evaluations/evaluations-table';

export const metadata: Metadata = { title: 'Evaluations' };

export default function EvaluationsPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Evaluations</h1>
          <p className="muted">Models and consensus models scored against measured data, newest first.</p>
        </div>
        <Link href="/evaluations/new" className="btn btn-primary" data-testid="evaluations-new">
          New evaluation
        </Link>
      </div>
      <EvaluationsTable />
    </div>
  );
}

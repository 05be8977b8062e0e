import type { Metadata } from 'next';
import Link from 'next/link';
import { JobsTable } from '@/features/jobs/jobs-table';

export const metadata: Metadata = { title: 'Jobs' };

export default function JobsPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Jobs</h1>
          <p className="muted">Your batch runs, newest first.</p>
        </div>
        <Link href="/jobs/new" className="btn btn-primary" data-testid="jobs-new">
          New job
        </Link>
      </div>
      <JobsTable />
    </div>
  );
}

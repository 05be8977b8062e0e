'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import { useLiveJob } from './use-live-job';
import { ErrorBox } from '@/components/ui/error-box';
import { JobResultsTable } from './job-results-table';
import { JobSummary } from './job-summary';

export function JobDetailView({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // When the job ends between two polls, fetch its results once more so the last batch shows.
  const job = useLiveJob(jobId, () => void queryClient.invalidateQueries(trpc.jobs.results.queryFilter({ jobId })));

  if (job.isPending) {
    return (
      <div className="page-loading" data-testid="job-loading">
        <span className="spinner" aria-hidden /> Loading job…
      </div>
    );
  }
  if (job.isError) {
    return (
      <div className="stack">
        <p>
          <Link href="/jobs">← All jobs</Link>
        </p>
        <ErrorBox error={job.error} testId="job-error" />
      </div>
    );
  }
  return (
    <div className="stack">
      <div className="breadcrumbs muted">
        <Link href="/jobs">Jobs</Link> / <span>{jobId.slice(0, 8)}</span>
      </div>
      <JobSummary job={job.data} />
      <JobResultsTable job={job.data} />
    </div>
  );
}

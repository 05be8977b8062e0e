'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { isActive } from '@/lib/jobs';
import { useTRPC } from '@/lib/trpc';
import { ErrorBox } from './error-box';
import { JobResultsTable } from './job-results-table';
import { JobSummary } from './job-summary';

export function JobDetailView({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery(
    trpc.jobs.get.queryOptions({ jobId }, { refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false) }),
  );
  const status = job.data?.status;

  // When the job ends between two polls, fetch its results once more so the last batch shows.
  const previous = useRef(status);
  useEffect(() => {
    if (isActive(previous.current) && status && !isActive(status)) {
      void queryClient.invalidateQueries(trpc.jobs.results.queryFilter({ jobId }));
    }
    previous.current = status;
  }, [status, jobId, queryClient, trpc]);

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

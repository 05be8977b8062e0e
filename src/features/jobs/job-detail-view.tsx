'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { PageError } from '@/components/ui/page-error';
import { PageLoading } from '@/components/ui/page-loading';
import { useTRPC } from '@/lib/trpc';
import { JobWebhooksPanel } from '@/features/webhooks/job-webhooks-panel';
import { JobResultsTable } from './job-results-table';
import { JobSummary } from './job-summary';
import { useLiveJob } from './use-live-job';

export function JobDetailView({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // When the job ends between two polls, fetch its results once more so the last batch shows.
  const job = useLiveJob(jobId, () => void queryClient.invalidateQueries(trpc.jobs.results.queryFilter({ jobId })));

  if (job.isPending) return <PageLoading testId="job-loading">Loading job…</PageLoading>;
  if (job.isError) return <PageError error={job.error} backHref="/jobs" backLabel="← All jobs" testId="job-error" />;
  return (
    <div className="stack">
      <div className="breadcrumbs muted">
        <Link href="/jobs">Jobs</Link> / <span>{jobId.slice(0, 8)}</span>
      </div>
      <JobSummary job={job.data} />
      <JobResultsTable job={job.data} />
      <JobWebhooksPanel jobId={jobId} />
    </div>
  );
}

'use client';

import Link from 'next/link';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { useLiveJob } from '@/features/jobs/use-live-job';

const noop = () => {};

/** A job the agent submitted or follows, with its progress polled live like the job page. */
export function JobCard({ jobId, title }: { jobId: string; title: string }) {
  const { data: job } = useLiveJob(jobId, noop);
  return (
    <div className="agent-card" data-testid="agent-job-card" data-job-id={jobId} data-status={job?.status ?? 'loading'}>
      <div className="agent-card-title row spread">
        <span>
          {title} <code>{job ? `${job.model}@${job.version}` : ''}</code>
        </span>
        {job && <StatusBadge status={job.status} testId="agent-job-status" />}
      </div>
      {job && (
        <>
          <ProgressBar done={job.itemsDone} failed={job.itemsFailed} total={job.itemsTotal} testId="agent-job-progress" />
          <div className="row spread small">
            <span data-testid="agent-job-counts">
              {job.itemsDone + job.itemsFailed} / {job.itemsTotal} items{job.itemsFailed ? ` (${job.itemsFailed} failed)` : ''}
            </span>
            <Link href={`/jobs/${jobId}`} data-testid="agent-job-link">
              Open job
            </Link>
          </div>
        </>
      )}
    </div>
  );
}

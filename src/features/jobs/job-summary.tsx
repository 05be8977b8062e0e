'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorBox } from '@/components/ui/error-box';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { Job } from '@/lib/types';
import { useNow } from '@/lib/use-now';
import { isActive, jobElapsedLabel, jobProgress } from './jobs';

/** A consensus job's own counts move only when its members are joined: show each member's progress. */
function MemberProgress({ members }: { members: Job['members'] }) {
  return (
    <div className="stack-sm" data-testid="job-members">
      {members.map((m) => (
        <div key={m.key} className="stack-xs" data-testid="job-member">
          <div className="progress-head small">
            <span>
              member <code>{m.key}</code> <StatusBadge status={m.status} testId={`job-member-status-${m.key}`} />
            </span>
            <Link href={`/jobs/${m.jobId}`} className="muted">
              {(m.itemsDone + m.itemsFailed).toLocaleString()} of {m.itemsTotal.toLocaleString()}
            </Link>
          </div>
          <ProgressBar done={m.itemsDone} failed={m.itemsFailed} total={m.itemsTotal} testId={`job-member-progress-${m.key}`} />
        </div>
      ))}
    </div>
  );
}

export function JobSummary({ job }: { job: Job }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const active = isActive(job.status);
  const now = useNow(active);
  const cancel = useMutation(
    trpc.jobs.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.get.queryKey({ jobId: job.id }) }),
    }),
  );
  const processed = job.itemsDone + job.itemsFailed;

  return (
    <section className="card stack-sm" data-testid="job-summary">
      <div className="page-head">
        <div>
          <h1>
            Job <code className="slug">{job.id.slice(0, 8)}</code>
          </h1>
          <div className="row wrap">
            <StatusBadge status={job.status} />
            <Link href={`/models/${job.model}`} data-testid="job-model">
              <code>
                {job.model}@{job.version}
              </code>
            </Link>
            {job.label && <span data-testid="job-label">{job.label}</span>}
          </div>
        </div>
        {active && (
          <button
            type="button"
            className="btn btn-danger"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ jobId: job.id })}
            data-testid="job-cancel"
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel job'}
          </button>
        )}
      </div>
      {cancel.isError && <ErrorBox error={cancel.error} testId="job-cancel-error" />}
      <div className="progress-head">
        <span>
          <strong data-testid="job-percent">{Math.round(jobProgress(job) * 100)}%</strong>{' '}
          <span className="muted">
            ({processed.toLocaleString()} of {job.itemsTotal.toLocaleString()} items)
          </span>
        </span>
        <span className="muted" data-testid="job-elapsed">
          {jobElapsedLabel(job, now)}
        </span>
      </div>
      <ProgressBar done={job.itemsDone} failed={job.itemsFailed} total={job.itemsTotal} testId="job-progress" />
      {job.members.length > 0 && <MemberProgress members={job.members} />}
      {job.cost && (
        <small className="muted" data-testid="job-cost">
          Model time {job.cost.cpuSeconds.toFixed(2)} CPU-s{job.cost.gpuSeconds ? ` · ${job.cost.gpuSeconds.toFixed(2)} GPU-s` : ''} · cost{' '}
          {job.cost.amount.toPrecision(3)} {job.cost.currency ?? ''}
          {job.cost.estimate ? ` (estimated ${job.cost.estimate.amount.toPrecision(3)} at submission)` : ''}
        </small>
      )}
      <dl className="stats">
        <div>
          <dt>Succeeded</dt>
          <dd className="ok" data-testid="job-count-done">
            {job.itemsDone.toLocaleString()}
          </dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd className={job.itemsFailed ? 'bad' : ''} data-testid="job-count-failed">
            {job.itemsFailed.toLocaleString()}
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd data-testid="job-count-total">{job.itemsTotal.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Tasks</dt>
          <dd data-testid="job-tasks">
            {job.tasksDone} / {job.tasksTotal}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd className="small">{formatDate(job.createdAt)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd className="small">{formatDate(job.finishedAt)}</dd>
        </div>
      </dl>
    </section>
  );
}

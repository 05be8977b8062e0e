'use client';

import Link from 'next/link';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { isActive, jobElapsedLabel, jobProgress } from '@/features/jobs/jobs';
import { formatDate } from '@/lib/format';
import type { Evaluation, Job } from '@/lib/types';
import { useNow } from '@/lib/use-now';

/** Members' values answered so far; a consensus job counts its items only once every member has finished. */
export interface MemberProgress {
  key: string;
  answered: number;
}

/** What is evaluated on what, and how far its job has come. `job` is the freshest poll of the evaluation's job. */
export function EvaluationSummary({ evaluation: e, job, members }: { evaluation: Evaluation; job: Job; members: MemberProgress[] }) {
  const active = isActive(job.status);
  const now = useNow(active);
  const processed = job.itemsDone + job.itemsFailed;
  return (
    <section className="card stack-sm" data-testid="evaluation-summary">
      <div className="page-head">
        <div>
          <h1>
            Evaluation of{' '}
            <Link href={`/models/${e.model}`} data-testid="evaluation-model">
              <code className="slug">
                {e.model}@{e.version}
              </code>
            </Link>
          </h1>
          <div className="row wrap">
            <StatusBadge status={job.status} testId="evaluation-status" />
            <span data-testid="evaluation-dataset">{e.dataset.name}</span>
            <span className="muted">
              comparing <code>{e.outputField}</code> with measured <code>{e.dataset.valueName}</code>
              {e.dataset.units ? ` (${e.dataset.units})` : ''}
            </span>
            {e.strategy && <span className="tag">{e.strategy}</span>}
          </div>
        </div>
        <Link href={`/jobs/${job.id}`} className="btn btn-secondary" data-testid="evaluation-job-link">
          Open the job
        </Link>
      </div>
      <div className="progress-head">
        <span>
          <strong data-testid="evaluation-percent">{Math.round(jobProgress(job) * 100)}%</strong>{' '}
          <span className="muted" data-testid="evaluation-progress-count">
            ({processed.toLocaleString()} of {job.itemsTotal.toLocaleString()} molecules
            {job.itemsFailed ? `, ${job.itemsFailed.toLocaleString()} failed` : ''})
          </span>
        </span>
        <span className="muted">
          {jobElapsedLabel(job, now)} · started{' '}
          {formatDate(e.createdAt)}
        </span>
      </div>
      <ProgressBar done={job.itemsDone} failed={job.itemsFailed} total={job.itemsTotal} testId="evaluation-progress" />
      {active && members.length > 0 && (
        <div className="member-progress" data-testid="evaluation-member-progress">
          <span className="muted small">Members answered so far (the consensus counts when all have finished):</span>
          {members.map((m) => (
            <div key={m.key} className="member-progress-row">
              <code>{m.key}</code>
              <ProgressBar done={m.answered} failed={0} total={job.itemsTotal} />
              <span className="muted small num">{m.answered.toLocaleString()}</span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

import { formatDuration } from '@/lib/format';
import type { Job, JobStatus } from '@/lib/types';

export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

export const isActive = (status: JobStatus | undefined) => status !== undefined && ACTIVE_STATUSES.includes(status);

export function jobProgress(job: Pick<Job, 'itemsDone' | 'itemsFailed' | 'itemsTotal'>): number {
  if (job.itemsTotal === 0) return 1;
  return Math.min(1, (job.itemsDone + job.itemsFailed) / job.itemsTotal);
}

/** Wall time since the job started (or was queued) until it finished, or until now. */
export function jobElapsedMs(job: Pick<Job, 'createdAt' | 'startedAt' | 'finishedAt'>, now: number): number {
  const start = Date.parse(job.startedAt ?? job.createdAt);
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return Math.max(0, end - start);
}

/** How long the job has run, once a worker has started it; before that, that it waits for one. */
export function jobElapsedLabel(job: Pick<Job, 'createdAt' | 'startedAt' | 'finishedAt'>, now: number): string {
  return job.startedAt || job.finishedAt ? `elapsed ${formatDuration(jobElapsedMs(job, now))}` : 'waiting for a worker';
}

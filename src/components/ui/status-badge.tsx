import type { JobStatus } from '@/lib/types';
import { Badge, type BadgeTone } from './badge';

const TONES: Record<JobStatus, BadgeTone> = {
  queued: 'neutral',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'amber',
};

export function StatusBadge({ status, testId = 'job-status' }: { status: JobStatus; testId?: string }) {
  return (
    <Badge tone={TONES[status]} testId={testId}>
      {status === 'running' && <span className="pulse" aria-hidden />}
      {status}
    </Badge>
  );
}

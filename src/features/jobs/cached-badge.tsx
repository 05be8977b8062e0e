import Link from 'next/link';
import type { JobResult } from '@/lib/types';

/**
 * "cached": the output came from the result cache, not a new run. Links to the job it was first
 * computed in when the viewer may read that job (the server leaves the id out otherwise).
 */
export function CachedBadge({ from }: { from: JobResult['cachedFrom'] }) {
  if (!from) return null;
  const title = 'jobId' in from ? `answered from the result cache: first computed as item ${from.index} of job ${from.jobId}` : 'answered from the result cache';
  return (
    <span className="badge badge-blue" title={title} data-testid="result-cached">
      {'jobId' in from ? (
        <Link href={`/jobs/${from.jobId}`} data-testid="result-cached-link">
          cached
        </Link>
      ) : (
        'cached'
      )}
    </span>
  );
}

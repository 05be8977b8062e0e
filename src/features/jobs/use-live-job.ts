'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '@/lib/trpc';
import { isActive } from './jobs';

/**
 * A job, polled every second while it runs. `onEnd` runs once when it ends between two polls,
 * so a page can fetch what the job produced once more and show the last of it.
 */
export function useLiveJob(jobId: string, onEnd: () => void) {
  const trpc = useTRPC();
  const job = useQuery(
    trpc.jobs.get.queryOptions({ jobId }, { enabled: !!jobId, refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false) }),
  );
  const status = job.data?.status;
  const previous = useRef(status);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;
  useEffect(() => {
    if (isActive(previous.current) && status && !isActive(status)) onEndRef.current();
    previous.current = status;
  }, [status]);
  return job;
}

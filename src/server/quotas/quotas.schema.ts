import { z } from 'zod';

export const ZSubject = z.object({ type: z.enum(['user', 'team']), id: z.uuid() });

const limit = (max: number) => z.number().min(0).max(max).nullable();

/** A subject's limits; null (or a missing field) is no limit. */
export const ZLimits = z.object({
  concurrentJobs: limit(100_000).refine((n) => n === null || Number.isInteger(n), 'a whole number of jobs').default(null),
  itemsPerDay: limit(1e12).refine((n) => n === null || Number.isInteger(n), 'a whole number of items').default(null),
  cpuSecondsPerMonth: limit(1e12).default(null),
  gpuSecondsPerMonth: limit(1e12).default(null),
});

export const ZSetQuotaInput = z.object({ subject: z.union([z.literal('default'), ZSubject]), limits: ZLimits });
export const ZClearQuotaInput = z.object({ subject: ZSubject });

import { z } from 'zod';
import { ZModelRef } from '../models/models.schema';
import { safeText } from '../safe-input';

/** Most items one request may carry; larger screens are split by the caller (the SDK does it). */
export const MAX_ITEMS_PER_JOB = 100_000;

/** A key the client picks per request: a retry with the same key returns the first job instead of a second. */
export const ZIdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'idempotencyKey: up to 255 printable ASCII characters without spaces, e.g. a UUID');

export const ZSubmitJobInput = z.object({
  model: ZModelRef,
  // Each item is checked in prepareInputs (depth, size, text): a bad item fails alone, never the job.
  inputs: z
    .array(z.record(z.string(), z.unknown()))
    .min(1, 'a job needs at least one input')
    .max(MAX_ITEMS_PER_JOB, `a job takes at most ${MAX_ITEMS_PER_JOB} inputs; split larger screens into several jobs`),
  label: safeText(200).optional(),
  idempotencyKey: ZIdempotencyKey.optional(),
});
export type TSubmitJobInput = z.infer<typeof ZSubmitJobInput>;

export const ZListJobsInput = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).default(0),
});

export const ZListResultsInput = z.object({
  jobId: z.uuid(),
  status: z.enum(['succeeded', 'failed']).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});
export type TListResultsInput = z.infer<typeof ZListResultsInput>;

export const ZJobIdInput = z.object({ jobId: z.uuid() });

/** What `jobs.estimate` needs: the model and how many inputs would be submitted. */
export const ZEstimateInput = z.object({
  model: ZModelRef,
  items: z.number().int().min(1).max(MAX_ITEMS_PER_JOB, `a job takes at most ${MAX_ITEMS_PER_JOB} inputs`),
});

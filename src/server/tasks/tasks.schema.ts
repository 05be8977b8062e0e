import { z } from 'zod';

/** One item's answer as a pod's runner posts it: the model's output, or its error. */
export const ZPostedResult = z
  .object({
    index: z.number().int().min(0),
    output: z.record(z.string(), z.unknown()).optional(),
    error: z.string().max(20_000).optional(),
    /** MODEL_PROTOCOL when the model's answer was not an output object; MODEL_ERROR otherwise. */
    code: z.enum(['MODEL_ERROR', 'MODEL_PROTOCOL']).optional(),
    durationMs: z.number().min(0).max(7 * 24 * 3600_000).optional(),
  })
  .refine((r) => (r.output === undefined) !== (r.error === undefined), { message: 'give exactly one of "output" or "error"' });

/** `POST /api/tasks/{id}/results`: a batch of answers; posting the same item again is harmless. */
export const ZPostTaskResultsInput = z.object({ results: z.array(ZPostedResult).min(1).max(10_000) });
export type TPostTaskResultsInput = z.infer<typeof ZPostTaskResultsInput>;

/** What `GET /api/tasks/{id}/inputs` answers: the items of the task that have no result yet. */
export interface TaskInputs {
  taskId: string;
  jobId: string;
  items: { index: number; input: Record<string, unknown> }[];
}

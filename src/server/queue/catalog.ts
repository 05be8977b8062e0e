import { z } from 'zod';
import type { Queue } from 'pg-boss';

/** Payload of `task.run`: the task row holds the inputs, so the payload stays small. */
export const ZTaskRunPayload = z.object({ taskId: z.uuid(), jobId: z.uuid() });
export type TTaskRunPayload = z.infer<typeof ZTaskRunPayload>;

/** Payload of `consensus.aggregate`: the consensus job whose members have all ended. */
export const ZAggregatePayload = z.object({ jobId: z.uuid() });

export interface QueueDefinition<S extends z.ZodType> {
  schema: S;
  options: Omit<Queue, 'name'>;
}

/**
 * Every queue the gateway uses: name → payload schema and policy. Payloads are parsed when
 * they are handled, since a job can outlive the code that queued it.
 */
export const queueCatalog = {
  // Dead letters must exist before the queue that points at them.
  'task.dead': {
    schema: ZTaskRunPayload,
    options: { retentionSeconds: 14 * 24 * 3600 },
  },
  'task.run': {
    schema: ZTaskRunPayload,
    options: {
      notify: true,
      retryLimit: 2,
      retryDelay: 2,
      retryBackoff: true,
      // A task holds at most batch_size items, each bounded by the version's timeout.
      expireInSeconds: 30 * 60,
      deadLetter: 'task.dead',
    },
  },
  'consensus.aggregate': {
    schema: ZAggregatePayload,
    options: { notify: true, retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 30 * 60 },
  },
} satisfies Record<string, QueueDefinition<z.ZodType>>;

export type QueueName = keyof typeof queueCatalog;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof queueCatalog)[Q]['schema']>;

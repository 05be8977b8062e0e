import { z } from 'zod';
import type { Queue } from 'pg-boss';

/** Payload of `task.run`: the task row holds the inputs, so the payload stays small. */
export const ZTaskRunPayload = z.object({
  taskId: z.uuid(),
  jobId: z.uuid(),
  /** The task's items were looked up in the result cache when it was created (absent: the worker looks). */
  cacheChecked: z.boolean().optional(),
  /**
   * A single prediction: besides the worker's usual loops, one loop of its own takes only these
   * (src/workers/main.ts), with one warm process of the version beyond its pool, so a screen that
   * fills a version's slots cannot hold a prediction back.
   */
  urgent: z.boolean().optional(),
});
export type TTaskRunPayload = z.infer<typeof ZTaskRunPayload>;

/** Payload of `consensus.aggregate`: the consensus job whose members have all ended. */
export const ZAggregatePayload = z.object({ jobId: z.uuid() });

/** Payload of `evaluation.fold`: one fold of a trained model in a cross-validated evaluation ('' is the evaluated model itself). */
export const ZEvaluationFoldPayload = z.object({ evaluationId: z.uuid(), memberKey: z.string().max(100), fold: z.number().int().min(0).max(50) });
export type TEvaluationFoldPayload = z.infer<typeof ZEvaluationFoldPayload>;

/** Payload of `webhook.deliver`: the delivery row holds the webhook, the event and its payload. */
export const ZWebhookDeliverPayload = z.object({ deliveryId: z.uuid() });
export type TWebhookDeliverPayload = z.infer<typeof ZWebhookDeliverPayload>;

/** Payload of `results.sort-index`: a finished job's numeric output field to copy into sort keys (src/server/jobs/result-sort-index.ts). */
export const ZSortIndexPayload = z.object({ jobId: z.uuid(), field: z.string().min(1).max(200) });
export type TSortIndexPayload = z.infer<typeof ZSortIndexPayload>;

/** Seconds before the first retry of a webhook delivery, doubling after (WEBHOOK_RETRY_DELAY_SECONDS; tests shorten it). */
const webhookRetryDelay = Number(process.env.WEBHOOK_RETRY_DELAY_SECONDS) || 2;

export interface QueueDefinition<S extends z.ZodType> {
  schema: S;
  options: Omit<Queue, 'name'>;
}

/**
 * A worker that stops (killed, out of memory, its machine gone) stops renewing the heartbeat of
 * the jobs it holds; pg-boss's monitor then fails them, and they are retried elsewhere. 10 s is
 * pg-boss's least heartbeat; the monitor runs every few seconds (see createBoss).
 */
export const HEARTBEAT_SECONDS = 10;

/**
 * Every queue the gateway uses: name → payload schema and policy. Payloads are parsed when
 * they are handled, since a job can outlive the code that queued it.
 */
export const queueCatalog = {
  // Dead letters must exist before the queue that points at them. Their consumers end the
  // work that could not be done, with the reason, so every job ends.
  'task.dead': {
    schema: ZTaskRunPayload,
    options: { notify: true, retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, retentionSeconds: 14 * 24 * 3600 },
  },
  'task.run': {
    schema: ZTaskRunPayload,
    options: {
      notify: true,
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 60,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      // Death is caught by the heartbeat; the expiry only bounds a task that is alive but never
      // ends (each item is bounded by the version's capped timeout).
      expireInSeconds: 24 * 3600,
      deadLetter: 'task.dead',
    },
  },
  'consensus.dead': {
    schema: ZAggregatePayload,
    options: { notify: true, retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, retentionSeconds: 14 * 24 * 3600 },
  },
  'consensus.aggregate': {
    schema: ZAggregatePayload,
    options: {
      notify: true,
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 6 * 3600,
      deadLetter: 'consensus.dead',
    },
  },
  'evaluation.dead': {
    schema: ZEvaluationFoldPayload,
    options: { notify: true, retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, retentionSeconds: 14 * 24 * 3600 },
  },
  'evaluation.fold': {
    schema: ZEvaluationFoldPayload,
    options: {
      notify: true,
      retryLimit: 2,
      retryDelay: 5,
      retryBackoff: true,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      // Retraining a model is bounded by its training timeout; this only bounds a fold that never ends.
      expireInSeconds: 6 * 3600,
      deadLetter: 'evaluation.dead',
    },
  },
  'webhook.dead': {
    schema: ZWebhookDeliverPayload,
    options: { notify: true, retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, retentionSeconds: 14 * 24 * 3600 },
  },
  'webhook.deliver': {
    schema: ZWebhookDeliverPayload,
    options: {
      notify: true,
      // 2 s doubling, capped at 10 min: about an hour and a half of a receiver being away.
      retryLimit: 8,
      retryDelay: webhookRetryDelay,
      retryBackoff: true,
      retryDelayMax: 600,
      // One attempt is bounded by its 10 s request timeout.
      expireInSeconds: 5 * 60,
      deadLetter: 'webhook.dead',
    },
  },
  'results.sort-index': {
    schema: ZSortIndexPayload,
    // A lost build is asked for again by the next sorted page once it is stale (result-sort-index.ts).
    options: { notify: true, retryLimit: 2, retryDelay: 5, heartbeatSeconds: HEARTBEAT_SECONDS, expireInSeconds: 30 * 60 },
  },
} satisfies Record<string, QueueDefinition<z.ZodType>>;

export type QueueName = keyof typeof queueCatalog;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof queueCatalog)[Q]['schema']>;
